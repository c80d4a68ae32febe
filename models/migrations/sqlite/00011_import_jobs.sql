-- +goose Up
-- One row per real (non-dry) CSV import: its progress, updated in the transaction of each committed
-- batch, and the per-row error report once it is done. A job left "running" without progress for
-- longer than models.ImportStaleAfter (the server stopped mid-import) is shown as failed.
CREATE TABLE import_jobs (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state          TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    async          BOOLEAN NOT NULL DEFAULT FALSE,
    rows_total     INTEGER NOT NULL,
    rows_processed INTEGER NOT NULL DEFAULT 0,
    imported       INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    batches        INTEGER NOT NULL DEFAULT 0,
    batch_size     INTEGER NOT NULL,
    error          TEXT NOT NULL DEFAULT '',
    report         TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    finished_at    DATETIME
);
CREATE INDEX import_jobs_owner_created_idx ON import_jobs (owner_id, created_at);

-- +goose Down
DROP TABLE import_jobs;
