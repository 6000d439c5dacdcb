package emulator

import (
	"net/http"
	"time"
)

// NewServer returns an http.Server that serves e: with timeouts that bound
// each connection but leave room for a scripted Latency fault, and with
// e.Close registered on shutdown, so that requests held by a scripted fault
// (Hang, Latency) end at once instead of keeping Shutdown waiting for its
// whole timeout.
func (e *Emulator) NewServer() *http.Server {
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	srv.RegisterOnShutdown(e.Close)
	return srv
}
