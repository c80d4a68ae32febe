package main

import (
	"context"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// newTracing returns the tracer provider of serve when an OTLP endpoint is configured, and nil
// otherwise: then nothing is installed and traceHandler leaves the handler as it is, so tracing off
// costs nothing per request. exp replaces the OTLP exporter (tests); nil exports over OTLP/HTTP,
// whose exporter reads OTEL_EXPORTER_OTLP_* itself. Spans leave through a batch processor, so
// an unreachable collector never holds a request up. The sampler is the SDK's default, which
// follows OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (parent-based always-on when unset).
// Nothing here sets otel's global provider: the provider is handed to traceHandler.
func newTracing(ctx context.Context, cfg TracingConfig, exp sdktrace.SpanExporter) (*sdktrace.TracerProvider, error) {
	if exp == nil {
		if !cfg.On() {
			return nil, nil
		}
		var err error
		if exp, err = otlptracehttp.New(ctx); err != nil {
			return nil, &configError{cfg.EndpointVar, err.Error()}
		}
	}
	// Later options win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the defaults.
	res, err := resource.New(ctx, resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName("crossover"), semconv.ServiceVersion(version)),
		resource.WithTelemetrySDK(), resource.WithFromEnv())
	if err != nil {
		return nil, &configError{"OTEL_RESOURCE_ATTRIBUTES", err.Error()}
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// traceHandler wraps h so that every request but the probes and the Prometheus scrape gets a
// server span; api's traceRoute middleware names it after the route. otelhttp records method,
// scheme, host, peer and client address, user agent, URL path (no query), status and sizes; never
// headers or bodies. A W3C traceparent from the caller continues its trace. With tp nil it returns
// h unchanged.
func traceHandler(h http.Handler, tp *sdktrace.TracerProvider) http.Handler {
	if tp == nil {
		return h
	}
	return otelhttp.NewHandler(h, "crossover",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()), // metrics are Prometheus' job (/metrics)
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				return false
			}
			return true
		}),
	)
}
