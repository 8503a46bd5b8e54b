-- 0011_privacy: privacy and compliance (issue 15).
--
-- Consent is kept as history: one row per statement of consent for a
-- channel (e-mail or advertising), with its lawful basis, where it came from
-- and when. The leads' `email_opt_in` and new `ads_opt_in` columns stay the
-- current status, which segments, the planner and every export read; each
-- consent row that changes the status also sets them.
CREATE TABLE consent_events (
    id           INTEGER PRIMARY KEY,
    lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'ads')),
    status       TEXT NOT NULL CHECK (status IN ('granted', 'denied', 'withdrawn')),
    lawful_basis TEXT CHECK (lawful_basis IN ('consent', 'contract', 'legal_obligation',
                     'vital_interests', 'public_task', 'legitimate_interests')),
    source       TEXT NOT NULL DEFAULT '',
    recorded_at  INTEGER NOT NULL,
    import_id    INTEGER REFERENCES imports(id) ON DELETE SET NULL
);
CREATE INDEX consent_events_lead ON consent_events (lead_id, channel, recorded_at);
CREATE INDEX consent_events_import ON consent_events (import_id) WHERE import_id IS NOT NULL;

-- Two standard fields: consent to advertising (the current status of the
-- `ads` channel), and CCPA's "do not sell or share my personal
-- information", which every export to an ad platform honours.
ALTER TABLE leads ADD COLUMN ads_opt_in INTEGER CHECK (ads_opt_in IN (0, 1));
ALTER TABLE leads ADD COLUMN do_not_sell INTEGER CHECK (do_not_sell IN (0, 1));
UPDATE fields SET position = position + 2 WHERE is_standard = 1 AND position > 20;
INSERT INTO fields (key, label, type, origin, category, is_standard, position) VALUES
    ('ads_opt_in',  'Advertising consent',     'boolean', 'explicit', 'behavioral', 1, 21),
    ('do_not_sell', 'Do not sell or share',    'boolean', 'explicit', 'behavioral', 1, 22);

-- Erased people: only a salted SHA-256 of the folded e-mail address (hex),
-- so that a later import can skip them and say so, without the workspace
-- keeping who they were. The salt is the workspace's own.
CREATE TABLE suppression (
    email_hash TEXT PRIMARY KEY,
    erased_at  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('suppression_salt', json_quote(lower(hex(randomblob(16)))));

-- The audit log holds no person in clear: the merge fixes of issue 14 put
-- the survivor's name and e-mail address in their title; keep only its ids.
UPDATE audit_log
   SET detail = json_set(detail, '$.title',
                         'Merge ' || (json_extract(detail, '$.leads_merged') + 1) || ' leads')
 WHERE action = 'fix' AND json_extract(detail, '$.kind') = 'merge';

-- The audit log is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
