-- +goose Up
-- When the owner was told that a profile went stale (not renewed for 12 months); cleared on renewal.
ALTER TABLE actors ADD COLUMN stale_notified_at DATETIME;
CREATE INDEX actors_renewed_idx ON actors (renewed_at);

-- +goose Down
DROP INDEX actors_renewed_idx;
ALTER TABLE actors DROP COLUMN stale_notified_at;
