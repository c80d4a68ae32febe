-- +goose Up
-- When each user was last sent the weekly digest (NULL: never; the first one comes a week after
-- sign-up).
ALTER TABLE users ADD COLUMN last_digest_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE users DROP COLUMN last_digest_at;
