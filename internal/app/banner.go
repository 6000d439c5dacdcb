package app

import (
	"fmt"
	"io"
	"net"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// printBanner tells a person where the facade listens and, on the emulator,
// gives commands to paste.
func printBanner(w io.Writer, cfg Config, f *facade, demo *embeddedEmulator) {
	grpcAddr, httpAddr := dialable(f.grpcLis.Addr()), dialable(f.httpLis.Addr())
	fmt.Fprintf(w, "pigello-facade %s\n  gRPC:  %s\n  HTTP:  http://%s (REST under /v1, API docs at /docs, /healthz, /readyz, /metrics)\n", version, grpcAddr, httpAddr)
	if demo == nil {
		fmt.Fprintf(w, "  Pigello: %s\n", cfg.PigelloBaseURL)
		return
	}
	fmt.Fprintf(w, "  Pigello: embedded emulator at %s, answering list/ with %s (--emulator-list-envelope)\n\nDemo work engagements:\n",
		demo.url, describeEnvelope(demo.envelope))
	for _, id := range demo.ids {
		fmt.Fprintf(w, "  %s\n", id)
	}
	if len(demo.ids) == 0 {
		return
	}
	id, g := demo.ids[0], cfg.GRPCurlCommand
	io.WriteString(w, demoCommands(g, grpcAddr, id, httpAddr))
}

// describeEnvelope names the shape of the emulator's list/ answers.
func describeEnvelope(e emulator.ListEnvelope) string {
	if e == emulator.ListPaginated {
		return "the paginated object"
	}
	return "a bare array"
}

// dialable turns a listen address such as [::]:9090 into one a client on the
// same machine can use.
func dialable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return fmt.Sprintf("localhost:%d", tcp.Port)
}
