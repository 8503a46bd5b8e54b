-- Lead scoring models: named definitions (JSON, docs/scoring.md), at most
-- one of them active. The active model's scores are what the app shows.
CREATE TABLE scoring_models (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    is_active   INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)),
    definition  TEXT NOT NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE UNIQUE INDEX scoring_models_one_active ON scoring_models (is_active) WHERE is_active = 1;
