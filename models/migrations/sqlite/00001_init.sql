-- +goose Up
-- The whole domain's schema. Later issues add columns and tables in new migrations.
-- Every timestamp is UTC; mutable rows carry version for optimistic locking.

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'intermediary', 'admin')),
    tokens_valid_after DATETIME NOT NULL,
    matching_paused BOOLEAN NOT NULL DEFAULT FALSE,
    digest_opt_out  BOOLEAN NOT NULL DEFAULT FALSE,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    expires_at  DATETIME NOT NULL,
    spent_at    DATETIME,
    revoked_at  DATETIME,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE consents (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('terms', 'matching', 'open_data', 'digest')),
    terms_version TEXT NOT NULL,
    granted     BOOLEAN NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX consents_user_idx ON consents (user_id, purpose, created_at);

CREATE TABLE skills (
    slug        TEXT PRIMARY KEY,
    domain      TEXT NOT NULL CHECK (domain IN ('ai', 'cci', 'transversal')),
    parent_slug TEXT,
    esco_uri    TEXT,
    source      TEXT NOT NULL DEFAULT 'curated' CHECK (source IN ('curated', 'esco')),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX skills_parent_idx ON skills (parent_slug);
CREATE UNIQUE INDEX skills_esco_uri_key ON skills (esco_uri) WHERE esco_uri IS NOT NULL;

-- Labels per language: kind 'pref' (one per language) or 'alt' (synonyms); norm is lower-cased and
-- stripped of accents for case- and accent-insensitive prefix search.
CREATE TABLE skill_labels (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    skill_slug  TEXT NOT NULL REFERENCES skills (slug) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pref', 'alt')),
    label       TEXT NOT NULL,
    norm        TEXT NOT NULL
);
CREATE UNIQUE INDEX skill_labels_key ON skill_labels (skill_slug, lang, kind, label);
CREATE INDEX skill_labels_norm_idx ON skill_labels (norm);

CREATE TABLE sectors (
    slug         TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    nace         TEXT NOT NULL DEFAULT '',
    nace_version TEXT NOT NULL DEFAULT '2',
    position     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE actors (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('cci', 'ai', 'intermediary')),
    name          TEXT NOT NULL,
    org_type      TEXT NOT NULL,
    country       TEXT NOT NULL,
    region        TEXT NOT NULL DEFAULT '',
    remote        BOOLEAN NOT NULL DEFAULT FALSE,
    available     BOOLEAN NOT NULL DEFAULT TRUE,
    capacity      INTEGER NOT NULL DEFAULT 3,
    bio           TEXT NOT NULL DEFAULT '',
    website       TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    focus         TEXT NOT NULL DEFAULT '',
    managed       BOOLEAN NOT NULL DEFAULT FALSE,
    source        TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'directory', 'demo', 'synthetic', 'import')),
    claimed       BOOLEAN NOT NULL DEFAULT TRUE,
    open_data     BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_at     DATETIME,
    renewed_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX actors_owner_idx ON actors (owner_id);
CREATE INDEX actors_kind_idx ON actors (kind, id);
CREATE INDEX actors_country_idx ON actors (country);

-- Offers and needs are child rows, indexed by skill, so that they can be queried and counted.
CREATE TABLE actor_offers (
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    skill_slug TEXT NOT NULL REFERENCES skills (slug),
    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, skill_slug)
);
CREATE INDEX actor_offers_skill_idx ON actor_offers (skill_slug);

CREATE TABLE actor_needs (
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    skill_slug TEXT NOT NULL REFERENCES skills (slug),
    importance TEXT NOT NULL CHECK (importance IN ('must', 'nice')),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, skill_slug)
);
CREATE INDEX actor_needs_skill_idx ON actor_needs (skill_slug);

CREATE TABLE actor_sectors (
    actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    sector_slug TEXT NOT NULL REFERENCES sectors (slug),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, sector_slug)
);
CREATE INDEX actor_sectors_sector_idx ON actor_sectors (sector_slug);

CREATE TABLE actor_languages (
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, lang)
);
CREATE INDEX actor_languages_lang_idx ON actor_languages (lang);

CREATE TABLE actor_modes (
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    mode     TEXT NOT NULL,
    PRIMARY KEY (actor_id, mode)
);

-- Append-only change feed: every write to an actor (or anything the matching index reads) adds a row;
-- each replica's index follows it by sequence number.
CREATE TABLE actor_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id   TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete', 'exclude', 'include')),
    other_id   TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);

-- Every version of a profile, kept so that the observatory can count the past.
CREATE TABLE actor_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    country    TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX actor_versions_actor_idx ON actor_versions (actor_id, version);
CREATE INDEX actor_versions_time_idx ON actor_versions (created_at);

CREATE TABLE match_feedback (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    verdict    TEXT NOT NULL CHECK (verdict IN ('not_interested', 'met_before', 'saved')),
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX match_feedback_key ON match_feedback (actor_id, target_id, verdict);

CREATE TABLE saved_searches (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('partner', 'funding')),
    query      TEXT NOT NULL,
    last_run_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX saved_searches_actor_idx ON saved_searches (actor_id);

CREATE TABLE directory_claims (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by TEXT,
    decided_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX directory_claims_pending_key ON directory_claims (actor_id, user_id) WHERE status = 'pending';

CREATE TABLE funding_instruments (
    id            TEXT PRIMARY KEY,
    slug          TEXT NOT NULL,
    name          TEXT NOT NULL,
    managing_body TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL CHECK (type IN ('grant', 'cascade', 'equity', 'guarantee', 'tax', 'prize', 'service')),
    summary       TEXT NOT NULL DEFAULT '',
    amount_min    INTEGER,
    amount_max    INTEGER,
    rate_percent  INTEGER,
    currency      TEXT NOT NULL DEFAULT 'EUR',
    indicative    BOOLEAN NOT NULL DEFAULT TRUE,
    eligibility   TEXT NOT NULL DEFAULT '{}',
    deadline      DATE,
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed', 'reference')),
    source_url    TEXT NOT NULL DEFAULT '',
    checked_on    DATE,
    created_by    TEXT REFERENCES users (id) ON DELETE SET NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX funding_instruments_slug_key ON funding_instruments (slug);

CREATE TABLE instrument_skills (
    instrument_id TEXT NOT NULL REFERENCES funding_instruments (id) ON DELETE CASCADE,
    skill_slug    TEXT NOT NULL REFERENCES skills (slug),
    PRIMARY KEY (instrument_id, skill_slug)
);

CREATE TABLE instrument_sectors (
    instrument_id TEXT NOT NULL REFERENCES funding_instruments (id) ON DELETE CASCADE,
    sector_slug   TEXT NOT NULL REFERENCES sectors (slug),
    PRIMARY KEY (instrument_id, sector_slug)
);

CREATE TABLE introductions (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'brokered')),
    broker_actor_id TEXT REFERENCES actors (id) ON DELETE SET NULL,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    message         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'connected', 'declined', 'withdrawn', 'expired')),
    share_contact_with_broker BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at      DATETIME NOT NULL,
    connected_at    DATETIME,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX introductions_status_idx ON introductions (status, expires_at);

-- The parties of an introduction. actor_id becomes NULL when a party erases its account; the
-- other side keeps its view, showing a "deleted member".
CREATE TABLE introduction_parties (
    id              TEXT PRIMARY KEY,
    introduction_id TEXT NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    actor_id        TEXT REFERENCES actors (id) ON DELETE SET NULL,
    role            TEXT NOT NULL CHECK (role IN ('requester', 'recipient', 'party')),
    response        TEXT NOT NULL DEFAULT 'pending' CHECK (response IN ('pending', 'accepted', 'declined')),
    note            TEXT NOT NULL DEFAULT '',
    responded_at    DATETIME
);
CREATE INDEX introduction_parties_actor_idx ON introduction_parties (actor_id);
CREATE INDEX introduction_parties_intro_idx ON introduction_parties (introduction_id);

CREATE TABLE introduction_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    introduction_id TEXT NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    actor_id        TEXT,
    type            TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL
);
CREATE INDEX introduction_events_intro_idx ON introduction_events (introduction_id, seq);

CREATE TABLE introduction_outcomes (
    id              TEXT PRIMARY KEY,
    introduction_id TEXT NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    actor_id        TEXT REFERENCES actors (id) ON DELETE SET NULL,
    due_at          DATETIME NOT NULL,
    stage           TEXT NOT NULL CHECK (stage IN ('30d', '6m')),
    answer          TEXT CHECK (answer IN ('no_contact', 'talking', 'collaborating', 'agreement')),
    answered_at     DATETIME
);
CREATE INDEX introduction_outcomes_due_idx ON introduction_outcomes (due_at);

CREATE TABLE practices (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    sector_slug TEXT REFERENCES sectors (slug),
    summary     TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    links       TEXT NOT NULL DEFAULT '[]',
    licence     TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE practice_skills (
    practice_id TEXT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    skill_slug  TEXT NOT NULL REFERENCES skills (slug),
    PRIMARY KEY (practice_id, skill_slug)
);
CREATE INDEX practice_skills_skill_idx ON practice_skills (skill_slug);

CREATE TABLE practice_actors (
    practice_id TEXT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    PRIMARY KEY (practice_id, actor_id)
);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    read_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);

-- Transactional outbox for e-mail: written in the same transaction as the event it tells about.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    claimed_until   DATETIME,
    sent_at         DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX outbox_message_id_key ON outbox (message_id);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT,
    ip         TEXT NOT NULL DEFAULT '',
    event      TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, created_at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE notifications;
DROP TABLE practice_actors;
DROP TABLE practice_skills;
DROP TABLE practices;
DROP TABLE introduction_outcomes;
DROP TABLE introduction_events;
DROP TABLE introduction_parties;
DROP TABLE introductions;
DROP TABLE instrument_sectors;
DROP TABLE instrument_skills;
DROP TABLE funding_instruments;
DROP TABLE directory_claims;
DROP TABLE saved_searches;
DROP TABLE match_feedback;
DROP TABLE actor_versions;
DROP TABLE actor_changes;
DROP TABLE actor_modes;
DROP TABLE actor_languages;
DROP TABLE actor_sectors;
DROP TABLE actor_needs;
DROP TABLE actor_offers;
DROP TABLE actors;
DROP TABLE sectors;
DROP TABLE skill_labels;
DROP TABLE skills;
DROP TABLE consents;
DROP TABLE refresh_tokens;
DROP TABLE users;
