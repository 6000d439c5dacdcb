package observe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// serviceName names the facade's spans unless OTEL_SERVICE_NAME says otherwise.
const serviceName = "pigello-facade"

// Tracing makes the facade's spans: a server span per gRPC call and per
// REST request, a client span per exchange with Pigello. Even when nothing
// is exported every hop gets its own span id, and a caller's trace
// continues, with the same trace id, into the requests sent to Pigello.
type Tracing struct {
	provider   trace.TracerProvider
	shutdown   func(context.Context) error
	propagator propagation.TextMapPropagator
	exporting  bool
}

// NewTracing builds the tracing the process environment describes, read by
// the OpenTelemetry libraries themselves: autoexport chooses the exporter
// from OTEL_TRACES_EXPORTER (otlp, console or none) and
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL; the
// exporter reads its other OTEL_EXPORTER_OTLP_* settings; the SDK reads
// the sampler (OTEL_TRACES_SAMPLER and its argument, parentbased_always_on
// by default: a caller's sampling decision is kept, calls without a trace
// are all sampled) and the resource (OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES).
//
// Two settings are read here, where the libraries' defaults do not fit:
// with OTEL_TRACES_EXPORTER unset, nothing is exported unless an OTLP
// endpoint is set (the specification's default, OTLP to localhost, would
// fill the log of every facade started without a collector with export
// errors); and OTEL_SDK_DISABLED=true, which the Go SDK does not read,
// exports nothing.
//
// With nothing exported and no sampler set, the provider is idProvider:
// the same ids and flags, no recording.
func NewTracing(ctx context.Context, serviceVersion string) (*Tracing, error) {
	t := &Tracing{
		provider:   idProvider{},
		shutdown:   func(context.Context) error { return nil },
		propagator: newPropagator(),
	}
	if strings.EqualFold(strings.TrimSpace(os.Getenv("OTEL_SDK_DISABLED")), "true") {
		return t, nil
	}
	exp, err := newExporter(ctx)
	if err != nil {
		return nil, err
	}
	if exp == nil && os.Getenv("OTEL_TRACES_SAMPLER") == "" {
		return t, nil
	}
	provider, err := newSDKProvider(ctx, exp, serviceVersion)
	if err != nil {
		return nil, err
	}
	t.provider, t.shutdown, t.exporting = provider, provider.Shutdown, exp != nil
	return t, nil
}

// newSDKProvider is the SDK's provider, exporting through exp unless it is
// nil, with the facade's resource.
func newSDKProvider(ctx context.Context, exp sdktrace.SpanExporter, serviceVersion string) (*sdktrace.TracerProvider, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", serviceName), attribute.String("service.version", serviceVersion)),
		resource.WithFromEnv(), // after the defaults, so it wins over them
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		err = fmt.Errorf("observe: tracing resource: %w", err)
		if exp != nil {
			err = errors.Join(err, exp.Shutdown(ctx))
		}
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if exp != nil {
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

// newPropagator reads and writes W3C trace context and baggage.
func newPropagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// newExporter returns the span exporter the environment asks for, nil for
// none.
func newExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	exp, err := autoexport.NewSpanExporter(ctx, autoexport.WithFallbackSpanExporter(otlpIfEndpoint))
	if err != nil {
		return nil, fmt.Errorf("observe: trace exporter from OTEL_TRACES_EXPORTER=%q and OTEL_EXPORTER_OTLP_*: %w",
			os.Getenv("OTEL_TRACES_EXPORTER"), err)
	}
	if exp == nil || autoexport.IsNoneSpanExporter(exp) {
		return nil, nil
	}
	return exp, nil
}

// otlpIfEndpoint is the exporter when OTEL_TRACES_EXPORTER is unset: none,
// unless an OTLP endpoint is set, which asks for autoexport's default, otlp.
func otlpIfEndpoint(ctx context.Context) (sdktrace.SpanExporter, error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	return autoexport.NewSpanExporter(ctx)
}

// Exporting reports whether spans are exported: metrics link to traces
// (exemplars) only then.
func (t *Tracing) Exporting() bool { return t.exporting }

// Shutdown ends the provider, sending what the exporter still holds.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("observe: flush traces: %w", err)
	}
	return nil
}
