package observe

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
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
}

// NewTracing builds the tracer provider cfg describes. The sampler is the
// SDK's: OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG from the process
// environment, parentbased_always_on by default (a caller's sampling
// decision is kept; calls without a trace are all sampled). Resource
// attributes come from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, and
// the exporters read their OTEL_EXPORTER_OTLP_* settings themselves.
//
// With no exporter and no sampler configured, the provider is idProvider:
// the same ids and flags, no recording.
func NewTracing(ctx context.Context, cfg TracingConfig) (*Tracing, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	propagator := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	if len(cfg.Exporters) == 0 && cfg.Sampler == "" {
		return &Tracing{provider: idProvider{}, shutdown: func(context.Context) error { return nil }, propagator: propagator}, nil
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", serviceName), attribute.String("service.version", cfg.ServiceVersion)),
		resource.WithFromEnv(), // after the defaults, so it wins over them
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		return nil, fmt.Errorf("observe: tracing resource: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	for _, name := range cfg.Exporters {
		exp, err := newExporter(ctx, name, cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	provider := sdktrace.NewTracerProvider(opts...)
	return &Tracing{provider: provider, shutdown: provider.Shutdown, propagator: propagator}, nil
}

func newExporter(ctx context.Context, name string, cfg TracingConfig) (sdktrace.SpanExporter, error) {
	var exp sdktrace.SpanExporter
	var err error
	switch {
	case name == "console":
		w := cfg.Console
		if w == nil {
			w = os.Stderr
		}
		exp, err = stdouttrace.New(stdouttrace.WithWriter(w))
	case name == "otlp" && cfg.Protocol == "grpc":
		exp, err = otlptracegrpc.New(ctx)
	case name == "otlp":
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("observe: %s trace exporter: %w", name, err)
	}
	return exp, nil
}

// Shutdown ends the provider, sending what the exporters still hold.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("observe: flush traces: %w", err)
	}
	return nil
}

// TracingConfig says where spans go.
type TracingConfig struct {
	// Exporters are the names in OTEL_TRACES_EXPORTER: "otlp", "console".
	// None (the default) makes and propagates spans but exports nothing.
	Exporters []string
	// Protocol is the OTLP protocol: "http/protobuf" (the default) or "grpc".
	Protocol string
	// Sampler is OTEL_TRACES_SAMPLER; the SDK reads it (and its argument)
	// from the process environment itself.
	Sampler string
	// ServiceVersion is the service.version resource attribute.
	ServiceVersion string
	// Console receives the "console" exporter's spans; nil means os.Stderr,
	// keeping them out of the log stream on stdout.
	Console io.Writer
}

// TracingConfigFromEnv reads the standard variables that choose the
// exporter: OTEL_TRACES_EXPORTER (a comma-separated list of otlp, console
// and none; unset means none, unless OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, which means otlp),
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL, and
// OTEL_SDK_DISABLED. The exporters read their other settings (endpoint,
// headers, TLS, timeout) from the process environment themselves.
func TracingConfigFromEnv(getenv func(string) string) (TracingConfig, error) {
	var cfg TracingConfig
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return cfg, nil
	}
	names := getenv("OTEL_TRACES_EXPORTER")
	if strings.TrimSpace(names) == "" &&
		(getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "") {
		names = "otlp"
	}
	for name := range strings.SplitSeq(names, ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" && name != "none" {
			cfg.Exporters = append(cfg.Exporters, name)
		}
	}
	cfg.Sampler = strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER"))
	cfg.Protocol = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
	if cfg.Protocol == "" {
		cfg.Protocol = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_PROTOCOL"))
	}
	return cfg, cfg.check()
}

// check names the first setting NewTracing cannot honour.
func (c TracingConfig) check() error {
	for _, name := range c.Exporters {
		if name != "otlp" && name != "console" {
			return fmt.Errorf("observe: OTEL_TRACES_EXPORTER: unsupported exporter %q (otlp, console or none)", name)
		}
	}
	switch c.Protocol {
	case "", "http/protobuf", "grpc":
		return nil
	}
	return fmt.Errorf("observe: OTEL_EXPORTER_OTLP_PROTOCOL: unsupported protocol %q (http/protobuf or grpc)", c.Protocol)
}

// Exporting describes the exporters for the startup log: "none" or a list.
func (c TracingConfig) Exporting() string {
	if len(c.Exporters) == 0 {
		return "none"
	}
	return strings.Join(c.Exporters, ",")
}
