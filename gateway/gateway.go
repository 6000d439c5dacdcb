// Package gateway serves the REST/JSON face of the facade: grpc-gateway in
// front of the service implementation, called in process
// (server.NewInProcess, so every gRPC interceptor covers REST calls too),
// plus /healthz, /readyz, /metrics and the API documentation.
package gateway

import (
	"context"
	"fmt"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/docs"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/server"
	"google.golang.org/grpc/metadata"
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
	// open. (The service's token interceptor checks again: the header
	// travels on as metadata.)
	Tokens server.TokenChecker
	// ForwardCredentials passes the seven X-PIGELLO-* credential headers on
	// as gRPC metadata, for pass-through mode.
	ForwardCredentials bool
	// Metrics, when set, is served at GET /metrics, open like the health
	// endpoints: scrapers bring no token, and it holds no secret.
	Metrics http.Handler
}

// New returns the HTTP handler: the REST API under /v1/, the health
// endpoints, which report the facade's own state and never call Pigello,
// and /metrics when opts.Metrics is set. Every request gets a request id
// (observe.RequestIDHandler): the caller's X-Request-Id when sane, else a
// new one, sent back once in X-Request-Id and on to svc as x-request-id
// metadata. svc is called in process: server.NewInProcess gives it the
// interceptors of a gRPC call.
func New(ctx context.Context, svc accountsv1.WorkEngagementServiceServer, opts Options) (http.Handler, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	rs, err := serviceRoutes(accountsv1.WorkEngagementService_ServiceDesc.ServiceName)
	if err != nil {
		return nil, err
	}
	muxOpts := append([]runtime.ServeMuxOption{
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler),
		runtime.WithErrorHandler(rs.errorHandler),
		runtime.WithRoutingErrorHandler(rs.routingErrorHandler),
		runtime.WithIncomingHeaderMatcher(headerMatcher),
		runtime.WithOutgoingHeaderMatcher(outgoingHeaderMatcher),
		runtime.WithMetadata(reportRoute),
	}, matching()...)
	if opts.ForwardCredentials {
		muxOpts = append(muxOpts, runtime.WithMetadata(forwardCredentials()))
	}
	gw := runtime.NewServeMux(muxOpts...)
	if err := accountsv1.RegisterWorkEngagementServiceHandlerServer(ctx, gw, svc); err != nil {
		return nil, fmt.Errorf("gateway: register: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", requireToken(opts.Tokens, limitBody(opts.MaxBodyBytes, rs.keepBody(deriveUpdateMask(gw)))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, true)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, opts.Ready == nil || opts.Ready())
	})
	docs.Register(mux)
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}
	return observe.RequestIDHandler(reportPattern(mux)), nil
}

// reportPattern tells observe.HTTPHandler which ServeMux pattern serves the
// request ("/v1/", "GET /healthz"); reportRoute refines it for REST calls.
func reportPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		observe.SetRoute(r.Context(), pattern)
		mux.ServeHTTP(w, r)
	})
}

// reportRoute tells observe.HTTPHandler which path template matched, for
// its labels and span name. grpc-gateway calls it with the template in the
// context once a route matched; it adds no metadata.
func reportRoute(ctx context.Context, r *http.Request) metadata.MD {
	if pattern, ok := runtime.HTTPPathPattern(ctx); ok {
		observe.SetRoute(r.Context(), pattern)
	}
	return nil
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
