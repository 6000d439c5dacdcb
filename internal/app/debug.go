package app

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// listenDebug opens --debug-addr, or returns nil when it is not set.
func listenDebug(cfg Config) (net.Listener, error) {
	if cfg.DebugAddr == "" {
		return nil, nil
	}
	l, err := net.Listen("tcp", cfg.DebugAddr)
	if err != nil {
		return nil, fmt.Errorf("app: debug listener: %w", err)
	}
	return l, nil
}

// newDebugServer serves Go's profiles on their own listener, apart from the
// API and its tokens, so profiling a busy facade (`go tool pprof
// http://127.0.0.1:6060/debug/pprof/profile`) needs no change to it. The
// handlers are registered here rather than on http.DefaultServeMux, which
// the blank import of net/http/pprof would fill for every server.
func newDebugServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
}
