-- +goose Up
-- What each saved search has already reported: an alert names only items not seen before.
ALTER TABLE saved_searches ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE TABLE saved_search_hits (
    search_id  TEXT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    item_id    TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (search_id, item_id)
);
CREATE INDEX saved_searches_due_idx ON saved_searches (last_run_at);

-- +goose Down
DROP INDEX saved_searches_due_idx;
DROP TABLE saved_search_hits;
ALTER TABLE saved_searches DROP COLUMN name;
