package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// bindJSON decodes the request body, and only the body, into a request type. Unknown fields are
// ignored: request types never carry server-set fields (id, owner_id, role), so a client cannot set them.
func bindJSON(c echo.Context, dst any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Send the body as application/json."}
		}
	}
	dec := json.NewDecoder(req.Body)
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return err
		}
		return errBadRequest("The body must hold exactly one JSON object.")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return err
	case errors.Is(err, io.EOF):
		return errBadRequest("The request body is empty: send a JSON object.")
	case errors.As(err, &syn):
		return errBadRequest(fmt.Sprintf("The body is not valid JSON (at byte %d).", syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return errBadRequest("The body must be a JSON object.")
		}
		return models.Invalid(field, "must be of type "+jsonType(typ.Type.Kind().String()))
	}
	return errBadRequest("The body could not be read as JSON.")
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "slice", kind == "array":
		return "array"
	case kind == "struct", kind == "map":
		return "object"
	}
	return kind
}

// queryInt reads an optional integer query parameter within [min, max].
func queryInt(c echo.Context, name string, def, min, max int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, models.Invalid(name, fmt.Sprintf("must be a whole number from %d to %d", min, max))
	}
	return n, nil
}

// versionOf is the version an update is based on: the body's `version`, else the If-Match header.
// It is required, so that concurrent edits are never lost silently.
func versionOf(c echo.Context, body *int) (int, error) {
	if body != nil && *body > 0 {
		return *body, nil
	}
	if im := strings.Trim(c.Request().Header.Get("If-Match"), `" W/`); im != "" {
		n, err := strconv.Atoi(im)
		if err != nil || n < 1 {
			return 0, models.Invalid("If-Match", "must be the version number you last read")
		}
		return n, nil
	}
	return 0, models.Invalid("version", "is required (in the body or as If-Match) so that concurrent edits are not lost")
}
