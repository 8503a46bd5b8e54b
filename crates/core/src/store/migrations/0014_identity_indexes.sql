-- 0014: the leads' identity keys unique by named indexes, not by column
-- constraints.
--
-- `external_id` and `email_key` were declared `UNIQUE` on their columns, so
-- SQLite kept their indexes up row by row through every import: a
-- constraint's index can never be dropped. As named unique indexes they
-- mean the same to every statement, and an import large for its workspace
-- drops them with the other indexes it rebuilds, and creates them again,
-- one sort each, before it commits (about 0.8 s of a 1M-lead import;
-- docs/decisions.md, "Speed (issue 16): the identity indexes"). Creating a
-- unique index checks every key, so a duplicate fails that import whole.
--
-- SQLite cannot drop a column constraint in place: the table is rebuilt
-- (https://www.sqlite.org/lang_altertable.html#otheralter) as 0002 rebuilt
-- it, with every column in the same order (those 0006 and 0011 added at the
-- end), ids kept and the id sequence carried over, so no id is ever given
-- twice. migrate.rs runs it with foreign keys off and checks them before
-- it commits.

CREATE TABLE leads_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id     TEXT,
    email           TEXT,
    -- Unicode case-folded, trimmed email: the identity key for de-duplication.
    email_key       TEXT,
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
    import_id       INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    score_fit       REAL,
    score_engagement REAL,
    score_total     REAL,
    score_grade     TEXT,
    score_band      TEXT,
    ads_opt_in      INTEGER CHECK (ads_opt_in IN (0, 1)),
    do_not_sell     INTEGER CHECK (do_not_sell IN (0, 1))
);
INSERT INTO leads_new (id, external_id, email, email_key, first_name, last_name, phone,
        company, job_title, persona, country, region, city, timezone, industry, employees,
        annual_revenue, lifecycle_stage, buying_stage, lead_source, entry_point,
        email_opt_in, do_not_email, score, created_at, updated_at, import_id,
        score_fit, score_engagement, score_total, score_grade, score_band,
        ads_opt_in, do_not_sell)
    SELECT id, external_id, email, email_key, first_name, last_name, phone,
        company, job_title, persona, country, region, city, timezone, industry, employees,
        annual_revenue, lifecycle_stage, buying_stage, lead_source, entry_point,
        email_opt_in, do_not_email, score, created_at, updated_at, import_id,
        score_fit, score_engagement, score_total, score_grade, score_band,
        ads_opt_in, do_not_sell
    FROM leads
    ORDER BY id;

-- New ids start above every id a lead ever had (the old table's sequence
-- counts removed leads too).
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'leads_new', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'leads_new');
UPDATE sqlite_sequence
    SET seq = max(seq, (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'leads'))
    WHERE name = 'leads_new';

DROP TABLE leads;
ALTER TABLE leads_new RENAME TO leads;
CREATE UNIQUE INDEX leads_external_id ON leads (external_id);
CREATE UNIQUE INDEX leads_email_key ON leads (email_key);
CREATE INDEX leads_last_name ON leads (last_name);
CREATE INDEX leads_company ON leads (company);
CREATE INDEX leads_created_at ON leads (created_at);
