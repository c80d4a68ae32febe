-- +goose Up
-- Funding instruments keep every fact of the reference data: the exact funding rate (33.7 % is not an
-- integer), how the money is reached (channel), and the remaining descriptive facts as one JSON
-- object in details (short_name, programme, other_types, budget_eur, budget_scope, amount_note, opens,
-- recurrence, sources, notes). edited_at marks instruments changed through the API: reloading the
-- reference data leaves them alone.
ALTER TABLE funding_instruments ADD COLUMN channel TEXT NOT NULL DEFAULT 'direct';
ALTER TABLE funding_instruments ADD COLUMN funding_rate_pct DOUBLE PRECISION;
ALTER TABLE funding_instruments ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
ALTER TABLE funding_instruments ADD COLUMN edited_at TIMESTAMPTZ;
CREATE INDEX funding_instruments_status_idx ON funding_instruments (status, slug);
CREATE INDEX instrument_skills_skill_idx ON instrument_skills (skill_slug);
CREATE INDEX instrument_sectors_sector_idx ON instrument_sectors (sector_slug);

-- +goose Down
DROP INDEX instrument_sectors_sector_idx;
DROP INDEX instrument_skills_skill_idx;
DROP INDEX funding_instruments_status_idx;
ALTER TABLE funding_instruments DROP COLUMN edited_at;
ALTER TABLE funding_instruments DROP COLUMN details;
ALTER TABLE funding_instruments DROP COLUMN funding_rate_pct;
ALTER TABLE funding_instruments DROP COLUMN channel;
