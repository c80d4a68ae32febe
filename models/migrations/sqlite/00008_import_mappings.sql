-- +goose Up
-- Column mappings of the CSV import, saved by name per user so that the next file of the same shape
-- imports with ?mapping_id=.
CREATE TABLE import_mappings (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    mapping    TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX import_mappings_owner_name_key ON import_mappings (owner_id, name);

-- +goose Down
DROP TABLE import_mappings;
