package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// apiError is the contract's error body: {"error": {"code", "message", "fields"}}.
type apiError struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Extra values some errors carry (current version and state on conflicts).
	Current any `json:"current_version,omitempty"`
	State   any `json:"current_state,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

func errBadRequest(message string) error {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: message}
}

func errForbidden(message string) error {
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: message}
}

// handleError is the one place where errors become responses: domain errors map to statuses and
// stable codes; anything unexpected is logged and answered as a bare 500.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := s.toAPIError(err)
	if ae.Status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err)
	}
	if ae.Status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	if ae.Status == http.StatusTooManyRequests {
		var rl *models.RateLimitError
		if errors.As(err, &rl) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds))
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ae.Status)
		return
	}
	_ = c.JSON(ae.Status, map[string]*apiError{"error": ae})
}

func (s *Server) toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Message: "Some fields are not valid: see fields.", Fields: ve.Fields}
	}
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		out := &apiError{Status: http.StatusConflict, Code: "conflict", Message: ce.Message}
		if ce.Current != 0 {
			out.Current = ce.Current
		}
		if ce.State != "" {
			out.State = ce.State
		}
		return out
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromHTTPError(he)
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "Not found."}
	case errors.Is(err, models.ErrForbidden):
		return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: "You may not do this."}
	case errors.Is(err, models.ErrUnauthorized):
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in first."}
	case errors.Is(err, models.ErrRateLimited):
		return &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "Too many attempts: wait and try again."}
	case errors.Is(err, models.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "This conflicts with what is stored."}
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "The request body is too large."}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "timeout", Message: "The request took too long."}
	}
	if models.Unavailable(err) {
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "The database cannot be reached right now: try again in a few seconds."}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on our side."}
}

func fromHTTPError(he *echo.HTTPError) *apiError {
	code := map[int]string{
		http.StatusBadRequest:            "bad_request",
		http.StatusUnauthorized:          "unauthenticated",
		http.StatusForbidden:             "forbidden",
		http.StatusNotFound:              "not_found",
		http.StatusMethodNotAllowed:      "method_not_allowed",
		http.StatusRequestEntityTooLarge: "body_too_large",
		http.StatusUnsupportedMediaType:  "unsupported_media_type",
		http.StatusTooManyRequests:       "rate_limited",
		http.StatusServiceUnavailable:    "unavailable",
	}[he.Code]
	if code == "" {
		code = "http_" + strconv.Itoa(he.Code)
	}
	msg := http.StatusText(he.Code) + "."
	switch he.Code {
	case http.StatusNotFound:
		msg = "No such resource."
	case http.StatusRequestEntityTooLarge:
		msg = "The request body is too large."
	case http.StatusUnauthorized:
		msg = "Sign in first: a valid access token is required."
	}
	if he.Code >= 500 {
		msg = "Something went wrong on our side."
	}
	return &apiError{Status: he.Code, Code: code, Message: msg}
}
