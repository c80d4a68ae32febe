-- +goose Up
-- Organiser tools: stored cohorts (events, programmes) of an intermediary or admin, their
-- members by invitation, and the reviewed batch-matching draft whose pairs are published as brokered
-- introductions. Dates are ISO calendar days (YYYY-MM-DD) as text in both dialects.
CREATE TABLE cohorts (
    id                 TEXT PRIMARY KEY,
    owner_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    broker_actor_id    TEXT REFERENCES actors (id) ON DELETE SET NULL,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    starts_on          TEXT,
    ends_on            TEXT,
    draft_min_score    DOUBLE PRECISION,
    draft_total        DOUBLE PRECISION,
    draft_greedy_total DOUBLE PRECISION,
    draft_greedy_pairs INTEGER,
    draft_candidates   INTEGER,
    drafted_at         TIMESTAMPTZ,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX cohorts_owner_idx ON cohorts (owner_id, created_at);

-- status: invited → joined | declined. Actors the organiser manages are added as joined.
CREATE TABLE cohort_members (
    cohort_id    TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    invited_at   TIMESTAMPTZ NOT NULL,
    responded_at TIMESTAMPTZ,
    PRIMARY KEY (cohort_id, actor_id)
);
CREATE INDEX cohort_members_actor_idx ON cohort_members (actor_id);

-- One row per proposed pair. introduction_id is set once the pair is published: publishing again
-- skips it (idempotent).
CREATE TABLE cohort_pairs (
    id              TEXT PRIMARY KEY,
    cohort_id       TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    cci_actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    ai_actor_id     TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    score           DOUBLE PRECISION NOT NULL,
    source          TEXT NOT NULL,
    introduction_id TEXT REFERENCES introductions (id) ON DELETE SET NULL,
    published_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX cohort_pairs_key ON cohort_pairs (cohort_id, cci_actor_id, ai_actor_id);

-- +goose Down
DROP TABLE cohort_pairs;
DROP TABLE cohort_members;
DROP TABLE cohorts;
