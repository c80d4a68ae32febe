package models

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// maxQueryText bounds db.query.text: a batched upsert's statement runs to many kilobytes.
const maxQueryText = 2048

// Trace gives every statement the store runs a client span, the child of the span in the
// statement's context (the request's server span; Store methods pass their ctx down). A span is
// named "<operation> <table>" and records the database system, the table, the operation, the
// statement as sent with its placeholders ($1, ?) and the rows returned or changed: never the
// values bound to it, so no e-mail, contact detail or password hash reaches a trace. A failed
// statement sets the span's status and, on PostgreSQL, its SQLSTATE; the error text, which may
// quote a value, is not recorded. Not found is not an error. Statements outside a traced request
// (the background workers, the matching index's background polls) get no span: they would start a
// root trace every few seconds. Without a call to Trace (tracing off) no callback is registered
// and statements cost nothing more.
func (s *Store) Trace(tp trace.TracerProvider) error {
	tracer := tp.Tracer("github.com/crossover-cci/crossover/models")
	system := semconv.DBSystemNameSQLite
	if s.dialect == Postgres {
		system = semconv.DBSystemNamePostgreSQL
	}
	type hook interface {
		Register(name string, fn func(*gorm.DB)) error
	}
	cb := s.db.Callback()
	for _, h := range []struct {
		name          string
		before, after hook
	}{
		{"create", cb.Create().Before("gorm:create"), cb.Create().After("gorm:create")},
		{"query", cb.Query().Before("gorm:query"), cb.Query().After("gorm:query")},
		{"update", cb.Update().Before("gorm:update"), cb.Update().After("gorm:update")},
		{"delete", cb.Delete().Before("gorm:delete"), cb.Delete().After("gorm:delete")},
		{"row", cb.Row().Before("gorm:row"), cb.Row().After("gorm:row")},
		{"raw", cb.Raw().Before("gorm:raw"), cb.Raw().After("gorm:raw")},
	} {
		if err := h.before.Register("crossover:trace_before_"+h.name, func(tx *gorm.DB) {
			if !trace.SpanContextFromContext(tx.Statement.Context).IsValid() {
				return // background work (workers, the index's polls): not part of a request's trace
			}
			ctx, _ := tracer.Start(tx.Statement.Context, "db", trace.WithSpanKind(trace.SpanKindClient),
				trace.WithAttributes(system))
			tx.Statement.Context = tracedCtx{ctx, tx.Statement.Context}
		}); err != nil {
			return err
		}
		if err := h.after.Register("crossover:trace_after_"+h.name, endSpan(h.name)); err != nil {
			return err
		}
	}
	return nil
}

// tracedCtx carries a statement's span and the context it was started from, given back when the
// statement ends (a transaction runs its statements on one gorm.DB).
type tracedCtx struct {
	context.Context
	parent context.Context
}

// endSpan ends the span of a statement run by the callback named hook.
func endSpan(hook string) func(*gorm.DB) {
	return func(tx *gorm.DB) {
		if tc, ok := tx.Statement.Context.(tracedCtx); ok {
			tx.Statement.Context = tc.parent
			finish(trace.SpanFromContext(tc), hook, tx)
		}
	}
}

func finish(span trace.Span, hook string, tx *gorm.DB) {
	defer span.End()
	sql := tx.Statement.SQL.String()
	op := strings.ToUpper(firstWord(sql))
	name := op
	attrs := []attribute.KeyValue{semconv.DBOperationName(op)}
	if t := tx.Statement.Table; t != "" {
		name += " " + t
		attrs = append(attrs, semconv.DBCollectionName(t))
	}
	if name == "" {
		name = "db"
	}
	span.SetName(name)
	if len(sql) > maxQueryText {
		cut := maxQueryText
		for cut > 0 && !utf8.RuneStart(sql[cut]) {
			cut--
		}
		sql = sql[:cut] + "…"
	}
	attrs = append(attrs, semconv.DBQueryText(sql))
	switch hook {
	case "query":
		attrs = append(attrs, semconv.DBResponseReturnedRows(int(tx.Statement.RowsAffected)))
	case "create", "update", "delete", "raw":
		attrs = append(attrs, attribute.Int64("db.rows_affected", tx.Statement.RowsAffected))
	}
	span.SetAttributes(attrs...)
	if err := tx.Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		kind := "_OTHER"
		var pe *pgconn.PgError
		switch {
		case errors.As(err, &pe):
			kind = pe.Code
			span.SetAttributes(semconv.DBResponseStatusCode(pe.Code))
		case errors.Is(err, gorm.ErrDuplicatedKey):
			kind = "duplicated_key"
		case errors.Is(err, gorm.ErrForeignKeyViolated):
			kind = "foreign_key_violated"
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			kind = "canceled"
		}
		span.SetAttributes(semconv.ErrorTypeKey.String(kind))
		span.SetStatus(codes.Error, "statement failed")
	}
}

func firstWord(sql string) string {
	sql = strings.TrimLeft(sql, " \t\r\n(")
	if i := strings.IndexFunc(sql, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '(' }); i >= 0 {
		return sql[:i]
	}
	return sql
}
