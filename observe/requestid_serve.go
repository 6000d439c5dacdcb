package observe

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// requestIDAttr names the request id on spans, so a trace can be found from
// a log line and the other way round.
const requestIDAttr = "request_id"

// RequestIDHandler gives each HTTP request its id: the caller's
// X-Request-Id when it sent exactly one valid one, else a new one. The id
// goes into the context and, once, into the response's X-Request-Id; the
// request's own header is rewritten to it, so the gateway forwards exactly
// this id to the service's interceptors and one id follows the call from
// REST to Pigello.
func RequestIDHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestIDFrom(r.Header.Values(RequestIDHeader))
		r.Header.Set(RequestIDHeader, id)
		w.Header().Set(RequestIDHeader, id)
		trace.SpanFromContext(r.Context()).SetAttributes(attribute.String(requestIDAttr, id))
		next.ServeHTTP(w, r.WithContext(ContextWithRequestID(r.Context(), id)))
	})
}

// UnaryRequestID is RequestIDHandler for gRPC: it takes the id from the
// x-request-id metadata (or makes one), puts it in the context and returns
// it in the response's header metadata, errors included. Put it first in
// the chain, so every later interceptor and log line has the id.
func UnaryRequestID() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, id := acceptRequestID(ctx)
		// Fails only once headers were sent, which nothing before the
		// handler does.
		_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDMetadataKey, id))
		return handler(ctx, req)
	}
}

// StreamRequestID is UnaryRequestID for streams (reflection, health Watch).
func StreamRequestID() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, id := acceptRequestID(ss.Context())
		_ = ss.SetHeader(metadata.Pairs(RequestIDMetadataKey, id))
		return handler(srv, &idStream{ServerStream: ss, ctx: ctx})
	}
}

func acceptRequestID(ctx context.Context) (context.Context, string) {
	// Not FromIncomingContext, which copies every key of the metadata.
	id := requestIDFrom(metadata.ValueFromIncomingContext(ctx, RequestIDMetadataKey))
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(requestIDAttr, id))
	return ContextWithRequestID(ctx, id), id
}

// idStream is a ServerStream whose context carries the request id.
type idStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *idStream) Context() context.Context { return s.ctx }
