-- +goose Up
-- Introductions: one open introduction per pair (pending or connected), per-party consent to show
-- contact details to the broker, and when each outcome question was sent.
ALTER TABLE introductions ADD COLUMN pair_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX introductions_open_pair_key ON introductions (pair_key) WHERE status IN ('pending', 'connected') AND pair_key <> '';
CREATE INDEX introductions_pair_idx ON introductions (pair_key, status);
CREATE INDEX introductions_broker_idx ON introductions (broker_actor_id);
ALTER TABLE introduction_parties ADD COLUMN share_contact_with_broker BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE introduction_outcomes ADD COLUMN notified_at DATETIME;
CREATE UNIQUE INDEX introduction_outcomes_key ON introduction_outcomes (introduction_id, actor_id, stage);
CREATE INDEX notifications_unread_idx ON notifications (user_id, read_at);

-- +goose Down
DROP INDEX notifications_unread_idx;
DROP INDEX introduction_outcomes_key;
ALTER TABLE introduction_outcomes DROP COLUMN notified_at;
ALTER TABLE introduction_parties DROP COLUMN share_contact_with_broker;
DROP INDEX introductions_broker_idx;
DROP INDEX introductions_pair_idx;
DROP INDEX introductions_open_pair_key;
ALTER TABLE introductions DROP COLUMN pair_key;
