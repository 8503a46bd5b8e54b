-- 0009_segment_history: snapshots of every saved segment's members over
-- time (issue 12). One row per segment per snapshot: when its members were
-- taken (as of), why (daily, import, undo, demo, or manual: `segment history --record`), the import it followed,
-- the member count, the rules as they were, and the members as a
-- serialized roaring bitmap of lead ids. A segment whose rules did not
-- compile at that time has no members and says why in `problem`.
CREATE TABLE segment_snapshots (
    id           INTEGER PRIMARY KEY,
    segment_id   INTEGER NOT NULL,
    taken_at     INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('daily', 'import', 'undo', 'demo', 'manual')),
    import_id    INTEGER,
    member_count INTEGER,
    rules        TEXT NOT NULL,
    members      BLOB,
    problem      TEXT
);
CREATE INDEX segment_snapshots_by_segment ON segment_snapshots (segment_id, taken_at);
CREATE INDEX segment_snapshots_by_time ON segment_snapshots (taken_at);

-- A deleted segment's history goes with it.
CREATE TRIGGER segment_snapshots_follow_segments AFTER DELETE ON segments
BEGIN
    DELETE FROM segment_snapshots WHERE segment_id = OLD.id;
END;
