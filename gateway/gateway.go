// Package gateway serves the REST/JSON face of the facade: grpc-gateway in
// front of the facade's own gRPC server, reached through a client connection
// so every gRPC interceptor covers REST calls too, plus /healthz and /readyz.
package gateway

import (
	"context"
	"fmt"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// DefaultMaxBodyBytes bounds REST request bodies.
const DefaultMaxBodyBytes = 1 << 20

// Options configure the handler.
type Options struct {
	// MaxBodyBytes bounds request bodies; larger ones get HTTP 413.
	// Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Ready reports whether the facade accepts calls; /readyz answers 503
	// while it returns false. Nil means always ready.
	Ready func() bool
	// Tokens, when set, must accept each REST call's Authorization header;
	// others get 401 before their body is read. The health endpoints stay
	// open. (The gRPC server checks again: the header travels on.)
	Tokens server.TokenChecker
	// ForwardCredentials passes X-Pigello-* headers on as gRPC metadata,
	// for pass-through mode.
	ForwardCredentials bool
}

// New returns the HTTP handler: the REST API under /v1/ and the health
// endpoints, which report the facade's own state and never call Pigello.
func New(ctx context.Context, conn *grpc.ClientConn, opts Options) (http.Handler, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	gw := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler),
		runtime.WithErrorHandler(errorHandler),
		runtime.WithIncomingHeaderMatcher(headerMatcher(opts.ForwardCredentials)),
	)
	if err := accountsv1.RegisterWorkEngagementServiceHandler(ctx, gw, conn); err != nil {
		return nil, fmt.Errorf("gateway: register: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", requireToken(opts.Tokens, limitBody(opts.MaxBodyBytes, deriveUpdateMask(gw))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, true)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, opts.Ready == nil || opts.Ready())
	})
	return mux, nil
}

// errorHandler writes errors as google.rpc.Status JSON with the HTTP status
// grpc-gateway assigns to the code, adding an ErrorInfo to errors the gateway
// made itself (a malformed body, an unknown route).
// Errors are written with errorMarshaler whatever the request's marshaler.
func errorHandler(ctx context.Context, mux *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	st := server.WithErrorInfo(status.Convert(err))
	runtime.DefaultHTTPErrorHandler(ctx, mux, errorMarshaler, w, r, st.Err())
}

func writeHealth(w http.ResponseWriter, ok bool) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"NOT_SERVING"}`)
		return
	}
	fmt.Fprintln(w, `{"status":"SERVING"}`)
}
