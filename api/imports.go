package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// importActors is the bulk CSV import for intermediaries and admins. The CSV comes either as the body
// (Content-Type: text/csv) with the column mapping in the query (map.<field>=<column header>, or
// mapping=<JSON object>), or as multipart/form-data with a "file" part and an optional "mapping" part
// holding the JSON object. dry_run defaults to true: check and report, write nothing. A real run
// records an import job (GET /imports/:id) and answers its report with job_id when it is over, or,
// with async=true, 202 and the job at once while the rows are written in the background.
func (s *Server) importActors(c echo.Context) error {
	dry := true
	switch c.QueryParam("dry_run") {
	case "", "true":
	case "false":
		dry = false
	default:
		return models.Invalid("dry_run", "must be true or false")
	}
	async := false
	switch c.QueryParam("async") {
	case "", "false":
	case "true":
		if dry {
			return models.Invalid("async", "applies to real runs only: add dry_run=false")
		}
		async = true
	default:
		return models.Invalid("async", "must be true or false")
	}
	preview, err := queryInt(c, "preview", 5, 0, 50)
	if err != nil {
		return err
	}
	mapping := models.ImportMapping{}
	if id := c.QueryParam("mapping_id"); id != "" { // a saved mapping; query entries override it
		saved, err := s.store.ImportMappingByID(c.Request().Context(), userFrom(c).ID, id)
		if err != nil {
			if err == models.ErrNotFound {
				return models.Invalid("mapping_id", "is not one of your saved mappings")
			}
			return err
		}
		for k, v := range saved.Fields {
			mapping[k] = v
		}
	}
	for k, v := range c.QueryParams() {
		if f, ok := strings.CutPrefix(k, "map."); ok && len(v) > 0 {
			mapping[f] = v[0]
		}
	}
	if m := c.QueryParam("mapping"); m != "" {
		if err := json.Unmarshal([]byte(m), &mapping); err != nil {
			return models.Invalid("mapping", "must be a JSON object of field → column header")
		}
	}
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	var body io.Reader
	switch mt {
	case "text/csv", "application/csv":
		body = req.Body
	case "multipart/form-data":
		fh, err := c.FormFile("file")
		if err != nil {
			return models.Invalid("file", "is required: the CSV file as the \"file\" part")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
		if m := c.FormValue("mapping"); m != "" {
			if err := json.Unmarshal([]byte(m), &mapping); err != nil {
				return models.Invalid("mapping", "must be a JSON object of field → column header")
			}
		}
	default:
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Send the CSV as text/csv (mapping in the query) or as multipart/form-data (parts file and mapping)."}
	}
	u, ip := userFrom(c), c.RealIP()
	p, err := s.store.PrepareImport(req.Context(), body, models.ImportOptions{OwnerID: u.ID, Mapping: mapping,
		DryRun: dry, Codes: s.codes, Preview: preview})
	if err != nil {
		return importError(err)
	}
	if dry {
		rep, err := p.Run(req.Context(), nil)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, rep)
	}
	job, err := s.store.StartImportJob(req.Context(), p, async)
	if err != nil {
		return err
	}
	if async {
		// The file is in memory already; the rows are written in the background with the server's
		// context: when the server stops, the batch in flight rolls back and the job is marked failed.
		s.imports.Add(1)
		go func() {
			defer s.imports.Done()
			rep, err := p.Run(s.bg, job)
			if err != nil {
				s.log.Error("import", "job", job.ID, "error", err, "imported", rep.Imported)
				return
			}
			_ = s.store.Audit(s.bg, &u.ID, ip, "actors_imported", itoa(rep.Imported)+" actors in "+itoa(rep.Batches)+" batches (job "+job.ID+")")
		}()
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/imports/"+job.ID)
		return c.JSON(http.StatusAccepted, job)
	}
	rep, err := p.Run(req.Context(), job)
	if err != nil {
		// A batch failed after earlier ones committed: say how far it got.
		s.log.Error("import", "job", job.ID, "error", err, "imported", rep.Imported)
		return &apiError{Status: http.StatusInternalServerError, Code: "import_interrupted",
			Message: "The import stopped on a database error after " + itoa(rep.Imported) + " rows were imported in full batches; the rest was not (job " + job.ID + ")."}
	}
	_ = s.store.Audit(req.Context(), &u.ID, ip, "actors_imported", itoa(rep.Imported)+" actors in "+itoa(rep.Batches)+" batches (job "+job.ID+")")
	return c.JSON(http.StatusOK, rep)
}

// importError answers a file that cannot be imported: too large (413), not CSV (400), or a mapping
// that does not fit the header (422, from models).
func importError(err error) error {
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return echo.ErrStatusRequestEntityTooLarge
	}
	var fe *models.ImportFileError
	if errors.As(err, &fe) {
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_csv", Message: fe.Message}
	}
	return err
}

// getImport answers an import job's progress, and its report once it is over: to its owner or an
// admin; anyone else gets the 404 of a job that does not exist.
func (s *Server) getImport(c echo.Context) error {
	j, err := s.store.ImportJobByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if !canSeeImport(userFrom(c), j) {
		return models.ErrNotFound
	}
	return c.JSON(http.StatusOK, j)
}

// listImports answers the caller's import jobs, newest first, without their reports.
func (s *Server) listImports(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	list, err := s.store.ImportJobs(c.Request().Context(), userFrom(c).ID, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []models.ImportJob{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

type importMappingRequest struct {
	Name    string               `json:"name"`
	Mapping models.ImportMapping `json:"mapping"`
}

func (s *Server) saveImportMapping(c echo.Context) error {
	var req importMappingRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	row, err := s.store.SaveImportMapping(c.Request().Context(), userFrom(c).ID, req.Name, req.Mapping)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, row)
}

func (s *Server) listImportMappings(c echo.Context) error {
	list, err := s.store.ImportMappings(c.Request().Context(), userFrom(c).ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []models.ImportMappingRow{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

func (s *Server) deleteImportMapping(c echo.Context) error {
	if err := s.store.DeleteImportMapping(c.Request().Context(), userFrom(c).ID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
