-- 0001: the whole Leadstream schema, designed up front so that later features
-- (import, segments, streams, planner) fill tables rather than reshape them.
-- Timestamps are INTEGER seconds since the Unix epoch, UTC.

-- The field catalogue: standard and custom fields of a lead.
CREATE TABLE fields (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'list')),
    origin      TEXT NOT NULL CHECK (origin IN ('explicit', 'implicit')),
    category    TEXT NOT NULL CHECK (category IN ('demographic', 'geographic', 'firmographic',
                    'psychographic', 'behavioral', 'needs_based', 'technographic')),
    is_standard INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

INSERT INTO fields (key, label, type, origin, category, is_standard, position) VALUES
    ('email',           'Email',             'text',    'explicit', 'demographic',   1, 1),
    ('first_name',      'First name',        'text',    'explicit', 'demographic',   1, 2),
    ('last_name',       'Last name',         'text',    'explicit', 'demographic',   1, 3),
    ('phone',           'Phone',             'text',    'explicit', 'demographic',   1, 4),
    ('company',         'Company',           'text',    'explicit', 'firmographic',  1, 5),
    ('job_title',       'Job title',         'text',    'explicit', 'demographic',   1, 6),
    ('persona',         'Persona',           'text',    'explicit', 'psychographic', 1, 7),
    ('country',         'Country',           'text',    'explicit', 'geographic',    1, 8),
    ('region',          'Region',            'text',    'explicit', 'geographic',    1, 9),
    ('city',            'City',              'text',    'explicit', 'geographic',    1, 10),
    ('timezone',        'Time zone',         'text',    'explicit', 'geographic',    1, 11),
    ('industry',        'Industry',          'text',    'explicit', 'firmographic',  1, 12),
    ('employees',       'Employees',         'number',  'explicit', 'firmographic',  1, 13),
    ('annual_revenue',  'Annual revenue',    'number',  'explicit', 'firmographic',  1, 14),
    ('lifecycle_stage', 'Lifecycle stage',   'text',    'explicit', 'behavioral',    1, 15),
    ('buying_stage',    'Buying stage',      'text',    'implicit', 'behavioral',    1, 16),
    ('lead_source',     'Lead source',       'text',    'explicit', 'behavioral',    1, 17),
    ('entry_point',     'Entry point',       'text',    'explicit', 'behavioral',    1, 18),
    ('email_opt_in',    'Email opt-in',      'boolean', 'explicit', 'behavioral',    1, 19),
    ('do_not_email',    'Do not email',      'boolean', 'explicit', 'behavioral',    1, 20),
    ('score',           'Score',             'number',  'implicit', 'behavioral',    1, 21),
    ('created_at',      'Created',           'date',    'implicit', 'behavioral',    1, 22),
    ('updated_at',      'Updated',           'date',    'implicit', 'behavioral',    1, 23);

-- Leads: one row per person, standard fields as real columns.
CREATE TABLE leads (
    id              INTEGER PRIMARY KEY,
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
CREATE INDEX leads_last_name ON leads (last_name);
CREATE INDEX leads_company ON leads (company);
CREATE INDEX leads_created_at ON leads (created_at);

-- Custom field values, clustered by field: the values of one field for all
-- leads sit together on disk, so reading one field over a million leads is a
-- single range scan (see docs/benchmarks.md, "custom field storage").
-- `value` holds the typed value: TEXT, REAL, INTEGER (dates, booleans) or, for
-- list fields, a JSON array of strings.
CREATE TABLE custom_values (
    field_id INTEGER NOT NULL REFERENCES fields(id) ON DELETE CASCADE,
    lead_id  INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    value    ANY NOT NULL,
    PRIMARY KEY (field_id, lead_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX custom_values_lead ON custom_values (lead_id);

-- Implicit data: what a lead did. `properties` is a JSON object
-- (url, asset, value, campaign, ...).
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    properties  TEXT NOT NULL DEFAULT '{}',
    import_id   INTEGER REFERENCES imports(id) ON DELETE SET NULL
);
CREATE INDEX events_lead_time ON events (lead_id, occurred_at);

-- Saved segments: a react-querybuilder rule tree as JSON.
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL DEFAULT '#4f46e5',
    folder      TEXT NOT NULL DEFAULT '',
    rules       TEXT NOT NULL,
    is_builtin  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Content library for nurture streams.
CREATE TABLE content_items (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    personas    TEXT NOT NULL DEFAULT '[]',
    stages      TEXT NOT NULL DEFAULT '[]',
    lifecycles  TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Nurture streams: the flow graph as JSON (documented in docs/streams.md when
-- the designer lands).
CREATE TABLE streams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    priority    INTEGER NOT NULL DEFAULT 0,
    is_active   INTEGER NOT NULL DEFAULT 0,
    definition  TEXT NOT NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Import history: one row per import, with its mapping and counts, so an
-- import can be reviewed and undone.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('leads', 'events')),
    file_name   TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    mapping     TEXT NOT NULL DEFAULT '{}',
    counts      TEXT NOT NULL DEFAULT '{}',
    undone_at   INTEGER
);

-- Previous values of fields that an import overwrote, for undo.
CREATE TABLE import_changes (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    lead_id   INTEGER NOT NULL,
    field_key TEXT NOT NULL,
    old_value,          -- no declared type: stored exactly as it was
    PRIMARY KEY (import_id, lead_id, field_key)
) WITHOUT ROWID;

-- Who changed what and when.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL DEFAULT (unixepoch()),
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);

-- Workspace-wide settings (default time zone, send window, ...), as JSON values.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
