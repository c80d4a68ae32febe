-- +goose Up
-- Why an actor marked a partner (e.g. "not interested"): optional, written by the owner, shown to
-- the owner only (at most 500 characters, checked by the application).
ALTER TABLE match_feedback ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE match_feedback DROP COLUMN reason;
