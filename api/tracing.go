package api

import (
	"github.com/labstack/echo/v4"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// traceRoute completes the server span that main's otelhttp wrapper started, when there is one that
// records: it is named after the route pattern ("GET /api/v1/actors/:id/matches"), never the path
// with its IDs, and carries http.route, the request id and, when signed in, the user id. The
// client address becomes echo's RealIP, which believes X-Forwarded-For only from trusted proxies.
// Nothing else is added: no header, token, query, body or contact data. With tracing off the span
// in the context is the no-op one and this costs one context lookup.
func traceRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		span := trace.SpanFromContext(c.Request().Context())
		if !span.IsRecording() {
			return next(c)
		}
		err := next(c)
		if route := c.Path(); route != "" {
			span.SetName(c.Request().Method + " " + route)
			span.SetAttributes(semconv.HTTPRoute(route))
		}
		// The request id as semantic conventions name a response header: http.response.header.x-request-id.
		span.SetAttributes(semconv.ClientAddress(c.RealIP()),
			semconv.HTTPResponseHeader("x-request-id", c.Response().Header().Get(echo.HeaderXRequestID)))
		if uid, ok := c.Get(userIDKey).(string); ok && uid != "" {
			span.SetAttributes(semconv.UserID(uid))
		}
		return err
	}
}
