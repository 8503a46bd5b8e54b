-- 0013: the consent statements' checks without lists.
--
-- SQLite checks `status IN ('granted', 'denied', 'withdrawn')` in a CHECK
-- constraint by building a temporary index of the list for every row it
-- writes; an import writes a statement per lead, and those indexes were
-- most of its cost. Comparisons joined by OR accept exactly the same
-- values (NULL included) without one (docs/decisions.md, "Speed (issue
-- 16)"). SQLite cannot change a constraint in place: the table is rebuilt
-- (https://www.sqlite.org/lang_altertable.html#otheralter), ids kept.

CREATE TABLE consent_events_new (
    id           INTEGER PRIMARY KEY,
    lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL CHECK (channel = 'email' OR channel = 'ads'),
    status       TEXT NOT NULL CHECK (status = 'granted' OR status = 'denied'
                     OR status = 'withdrawn'),
    lawful_basis TEXT CHECK (lawful_basis = 'consent' OR lawful_basis = 'contract'
                     OR lawful_basis = 'legal_obligation' OR lawful_basis = 'vital_interests'
                     OR lawful_basis = 'public_task' OR lawful_basis = 'legitimate_interests'),
    source       TEXT NOT NULL DEFAULT '',
    recorded_at  INTEGER NOT NULL,
    import_id    INTEGER REFERENCES imports(id) ON DELETE SET NULL
);
INSERT INTO consent_events_new (id, lead_id, channel, status, lawful_basis, source, recorded_at, import_id)
    SELECT id, lead_id, channel, status, lawful_basis, source, recorded_at, import_id
    FROM consent_events;
DROP TABLE consent_events;
ALTER TABLE consent_events_new RENAME TO consent_events;
CREATE INDEX consent_events_lead ON consent_events (lead_id, channel, recorded_at);
CREATE INDEX consent_events_import ON consent_events (import_id) WHERE import_id IS NOT NULL;
