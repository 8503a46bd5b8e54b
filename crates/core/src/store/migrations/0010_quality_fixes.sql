-- 0010_quality_fixes: data-quality fixes (issue 14) are changes in the same
-- history as imports: a merge of duplicates, a normalisation of a field, or
-- addresses marked as not sendable is one row of `imports` (its kind says
-- which), its overwritten values are kept in `import_changes` like an
-- import's, and its undo is exact or refused like an import's.
--
-- `imports.kind` gains the fix kinds. SQLite cannot change a CHECK in place:
-- the table is rebuilt (migrate.rs runs migrations with foreign keys off and
-- checks them before it commits). Ids are kept, so every reference holds.
CREATE TABLE imports_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('leads', 'events', 'merge', 'normalise', 'unsendable')),
    file_name   TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    mapping     TEXT NOT NULL DEFAULT '{}',
    counts      TEXT NOT NULL DEFAULT '{}',
    undone_at   INTEGER
);
INSERT INTO imports_new (id, kind, file_name, started_at, finished_at, mapping, counts, undone_at)
    SELECT id, kind, file_name, started_at, finished_at, mapping, counts, undone_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;

-- One lead merged into another by a merge fix: what the undo needs to put
-- the merged lead back exactly. `merged_lead` is JSON: the lead's row
-- ([[column, value]]), its custom values ([[field id, value]]) and its undo
-- records ([[change id, field key, old value]]: import_changes rows, which
-- go with the lead when it is deleted); values keep their SQLite type (a
-- real is {"real": x}). `merged_import_id` is the import that added the
-- merged lead (the undo of that import asks about it). `moved_events` is a
-- JSON array of the event ids moved to the survivor. `history` is a JSON
-- array of [snapshot id, survivor was a member] for every segment snapshot
-- the merged lead was in.
CREATE TABLE lead_merges (
    fix_id           INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    survivor_id      INTEGER NOT NULL,
    merged_id        INTEGER NOT NULL,
    merged_import_id INTEGER,
    merged_lead      TEXT NOT NULL,
    moved_events     TEXT NOT NULL DEFAULT '[]',
    history          TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (fix_id, merged_id)
);
CREATE INDEX lead_merges_survivor ON lead_merges (survivor_id);
CREATE INDEX lead_merges_merged ON lead_merges (merged_id);
