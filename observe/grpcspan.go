package observe

import (
	"context"
	"net"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// UnaryServerInterceptor gives each gRPC call a server span that continues
// the caller's trace from its traceparent metadata, named after the method
// ("pigello.accounts.v1.WorkEngagementService/GetWorkEngagement"). It
// belongs first, so every later interceptor and log line sees the span.
// Health checks, which probes send every few seconds, make no spans.
//
// Written for the job rather than otelgrpc's stats handler, which copied all
// of each call's metadata to read traceparent and made about a tenth of a
// call's allocations (bench/README.md).
func (t *Tracing) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	tracer := t.provider.Tracer(instrumentationName)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if isHealth(info.FullMethod) {
			return handler(ctx, req)
		}
		ctx, span := t.startRPC(ctx, tracer, info.FullMethod)
		resp, err := handler(ctx, req)
		endRPC(span, err)
		return resp, err
	}
}

// StreamServerInterceptor is UnaryServerInterceptor for streaming calls
// (reflection, health Watch).
func (t *Tracing) StreamServerInterceptor() grpc.StreamServerInterceptor {
	tracer := t.provider.Tracer(instrumentationName)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if isHealth(info.FullMethod) {
			return handler(srv, ss)
		}
		ctx, span := t.startRPC(ss.Context(), tracer, info.FullMethod)
		err := handler(srv, &spanStream{ServerStream: ss, ctx: ctx})
		endRPC(span, err)
		return err
	}
}

type spanStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *spanStream) Context() context.Context { return s.ctx }

// healthPrefix starts the full method names of grpc.health.v1.Health.
var healthPrefix = "/" + healthpb.Health_ServiceDesc.ServiceName + "/"

func isHealth(fullMethod string) bool { return strings.HasPrefix(fullMethod, healthPrefix) }

func (t *Tracing) startRPC(ctx context.Context, tracer trace.Tracer, fullMethod string) (context.Context, trace.Span) {
	ctx = t.propagator.Extract(ctx, metadataCarrier{ctx})
	ctx, span := tracer.Start(ctx, strings.TrimPrefix(fullMethod, "/"), trace.WithSpanKind(trace.SpanKindServer))
	if span.IsRecording() {
		span.SetAttributes(rpcAttributes(ctx, fullMethod)...)
	}
	return ctx, span
}

// rpcAttributes are the gRPC server span attributes of the semantic
// conventions.
func rpcAttributes(ctx context.Context, fullMethod string) []attribute.KeyValue {
	service, method, _ := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	attrs := []attribute.KeyValue{
		semconv.RPCSystemNameGRPC,
		attribute.String("rpc.service", service),
		attribute.String("rpc.method", method),
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if host, _, err := net.SplitHostPort(p.Addr.String()); err == nil {
			attrs = append(attrs, semconv.NetworkPeerAddress(host))
		}
	}
	return attrs
}

// endRPC records the call's status code and ends the span. As the gRPC
// conventions say for servers, only codes that mean the server failed mark
// the span as an error: not a caller's invalid argument or missing record.
func endRPC(span trace.Span, err error) {
	if span.IsRecording() {
		code := status.Code(err)
		span.SetAttributes(attribute.Int("rpc.grpc.status_code", int(code)))
		switch code {
		case grpccodes.Unknown, grpccodes.DeadlineExceeded, grpccodes.Unimplemented,
			grpccodes.Internal, grpccodes.Unavailable, grpccodes.DataLoss:
			span.SetStatus(codes.Error, status.Convert(err).Message())
		}
	}
	span.End()
}

// metadataCarrier reads the propagator's keys (traceparent, tracestate,
// baggage) one by one from the incoming metadata, without copying all of it
// as metadata.FromIncomingContext does.
type metadataCarrier struct{ ctx context.Context }

func (c metadataCarrier) Get(key string) string {
	if v := metadata.ValueFromIncomingContext(c.ctx, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (metadataCarrier) Set(string, string) {} // extraction only

func (c metadataCarrier) Keys() []string {
	md, _ := metadata.FromIncomingContext(c.ctx)
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	return keys
}

var _ propagation.TextMapCarrier = metadataCarrier{}
