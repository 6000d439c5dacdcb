// Command pigello-facade serves Pigello's work engagements over gRPC and a
// REST/JSON gateway. Run with -h for its flags; see the README.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/pigello-facade/pigello-facade/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pigello-facade:", err)
		stop()
		os.Exit(1)
	}
}
