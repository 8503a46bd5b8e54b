-- 0002: undo that never touches the wrong lead.
--
-- Lead ids are never reused (AUTOINCREMENT): the import history refers to
-- leads by id, and a removed lead's id given to a new lead would send an old
-- import's undo to another person. The undo records (import_changes) belong
-- to their lead (ON DELETE CASCADE) and are indexed by lead, for the checks
-- that refuse an undo a later import depends on.
--
-- SQLite cannot change a primary key or add a foreign key in place: both
-- tables are rebuilt (https://www.sqlite.org/lang_altertable.html#otheralter).
-- migrate.rs runs every migration with foreign keys off, so dropping the old
-- `leads` does not cascade to custom values and events, and checks the
-- foreign keys before it commits.

CREATE TABLE leads_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id     TEXT UNIQUE,
    email           TEXT,
    -- Unicode case-folded, trimmed email: the identity key for de-duplication.
    email_key       TEXT UNIQUE,
    first_name      TEXT,
    last_name       TEXT,
    phone           TEXT,
    company         TEXT,
    job_title       TEXT,
    persona         TEXT,
    country         TEXT,
    region          TEXT,
    city            TEXT,
    timezone        TEXT,
    industry        TEXT,
    employees       INTEGER,
    annual_revenue  REAL,
    lifecycle_stage TEXT,
    buying_stage    TEXT,
    lead_source     TEXT,
    entry_point     TEXT,
    email_opt_in    INTEGER CHECK (email_opt_in IN (0, 1)),
    do_not_email    INTEGER CHECK (do_not_email IN (0, 1)),
    score           REAL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    import_id       INTEGER REFERENCES imports(id) ON DELETE SET NULL
);
INSERT INTO leads_new (id, external_id, email, email_key, first_name, last_name, phone,
        company, job_title, persona, country, region, city, timezone, industry, employees,
        annual_revenue, lifecycle_stage, buying_stage, lead_source, entry_point,
        email_opt_in, do_not_email, score, created_at, updated_at, import_id)
    SELECT id, external_id, email, email_key, first_name, last_name, phone,
        company, job_title, persona, country, region, city, timezone, industry, employees,
        annual_revenue, lifecycle_stage, buying_stage, lead_source, entry_point,
        email_opt_in, do_not_email, score, created_at, updated_at, import_id
    FROM leads;

-- New ids start above every id a lead ever had: the ones still there, and
-- removed ones the undo records still name.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'leads_new', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'leads_new');
UPDATE sqlite_sequence
    SET seq = max(seq,
                  (SELECT coalesce(max(id), 0) FROM leads),
                  (SELECT coalesce(max(lead_id), 0) FROM import_changes))
    WHERE name = 'leads_new';

DROP TABLE leads;
ALTER TABLE leads_new RENAME TO leads;
CREATE INDEX leads_last_name ON leads (last_name);
CREATE INDEX leads_company ON leads (company);
CREATE INDEX leads_created_at ON leads (created_at);

-- Undo records of imports still applied, for leads that are still the lead
-- the import changed. Dropped: records of undone imports (spent), records
-- for leads that no longer exist, and records whose lead id was given to a
-- lead added later (restoring them would overwrite somebody else).
CREATE TABLE import_changes_new (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    field_key TEXT NOT NULL,
    old_value,          -- no declared type: stored exactly as it was
    PRIMARY KEY (import_id, lead_id, field_key)
) WITHOUT ROWID;
INSERT INTO import_changes_new (import_id, lead_id, field_key, old_value)
    SELECT c.import_id, c.lead_id, c.field_key, c.old_value
    FROM import_changes c
    JOIN imports i ON i.id = c.import_id AND i.undone_at IS NULL
    JOIN leads l ON l.id = c.lead_id AND (l.import_id IS NULL OR l.import_id < c.import_id);
DROP TABLE import_changes;
ALTER TABLE import_changes_new RENAME TO import_changes;
CREATE INDEX import_changes_lead ON import_changes (lead_id, field_key);
