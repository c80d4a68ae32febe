-- +goose Up
-- Outgoing webhooks per organisation (actor), signed with HMAC-SHA256, and their delivery log.
-- The secret is kept to sign with; it is shown to the owner once, at creation.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL,
    min_score   DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_actor_idx ON webhooks (actor_id);
CREATE INDEX webhooks_owner_idx ON webhooks (owner_id);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    last_status     INTEGER,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
-- The same event is enqueued once per webhook, however many times the feed is read.
CREATE UNIQUE INDEX webhook_deliveries_dedupe_key ON webhook_deliveries (webhook_id, dedupe_key);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at);

-- Where the webhook feeder has read the introduction event log up to.
CREATE TABLE webhook_cursor (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE webhook_cursor;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
