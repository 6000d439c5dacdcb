package observe

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

var httpLabels = []string{"method", "route", "code"}

// unmatchedRoute labels requests no route pattern matched.
const unmatchedRoute = "unmatched"

// HTTPHandler counts and times each request by method, route pattern and
// status code, and names the request's span after its route. The route is
// the last one reported through SetRoute (the gateway reports the
// http.ServeMux pattern, then for REST calls the path template,
// "/v1/workEngagements/{id}"), else the ServeMux pattern of the request
// HTTPHandler passed on, else "unmatched": never the raw path, whose ids
// would make a series per resource. A REST request refused before the
// gateway routed it (401, 413, an unknown path) is labelled "/v1/".
func (m *Metrics) HTTPHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rt := new(routeHolder)
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, rt))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)

		route := rt.route
		if route == "" {
			route = muxRoute(r.Pattern)
		}
		labels := []string{methodLabel(r.Method), route, strconv.Itoa(sw.code())}
		m.httpRequests.WithLabelValues(labels...).Inc()
		m.observe(r.Context(), m.httpDuration.WithLabelValues(labels...), time.Since(start).Seconds())
		if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
			span.SetName(r.Method + " " + route)
			span.SetAttributes(attribute.String("http.route", route))
		}
	})
}

// routeHolder receives the route pattern from deeper in the handler chain.
// The handler chain runs on one goroutine, so it needs no lock.
type routeHolder struct{ route string }

type routeKey struct{}

// SetRoute records the route pattern that matched the request of ctx, for
// the labels and span name of HTTPHandler: a path template, or an
// http.ServeMux pattern, whose method ("GET /healthz") is dropped. A later
// call refines an earlier one. Outside HTTPHandler it does nothing.
func SetRoute(ctx context.Context, pattern string) {
	if rt, ok := ctx.Value(routeKey{}).(*routeHolder); ok && pattern != "" {
		rt.route = muxRoute(pattern)
	}
}

// muxRoute turns an http.ServeMux pattern ("GET /healthz") into a route.
func muxRoute(pattern string) string {
	if pattern == "" {
		return unmatchedRoute
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// methodLabel keeps the method label to the standard methods: anything
// else a client invents is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush passes http.Flusher on.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush() // http.Flusher reports no error
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status sent: 200 when the handler wrote nothing.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
