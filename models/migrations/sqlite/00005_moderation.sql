-- +goose Up
-- Moderation: members report a profile or an introduction's message; admins work the queue.
CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    reporter_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    target_type  TEXT NOT NULL CHECK (target_type IN ('actor', 'introduction')),
    target_id    TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('spam', 'inappropriate', 'fake', 'harassment', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    action       TEXT CHECK (action IN ('hide', 'dismiss')),
    resolved_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at  DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE INDEX reports_status_idx ON reports (status, created_at, id);
CREATE INDEX reports_target_idx ON reports (target_type, target_id);
-- One open report per reporter and target: reporting again is a conflict, not a second vote.
CREATE UNIQUE INDEX reports_open_key ON reports (reporter_id, target_type, target_id) WHERE status = 'open';
CREATE INDEX actors_hidden_idx ON actors (hidden_at) WHERE hidden_at IS NOT NULL;

-- +goose Down
DROP INDEX actors_hidden_idx;
DROP TABLE reports;
