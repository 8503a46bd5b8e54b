-- 0007_ice_scores: ICE scores (impact, confidence, ease) of saved segments
-- and streams, each 1-10 (empty until the user sets it) with a note per
-- score and one for the row. `ease` is always stored as ease (10 = the
-- easiest): under the weighted formula the app shows it as effort, 11 - ease.
-- A target's scores go with it (the triggers below).
CREATE TABLE ice_scores (
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('segment', 'stream')),
    target_id       INTEGER NOT NULL,
    impact          INTEGER CHECK (impact BETWEEN 1 AND 10),
    confidence      INTEGER CHECK (confidence BETWEEN 1 AND 10),
    ease            INTEGER CHECK (ease BETWEEN 1 AND 10),
    note_impact     TEXT NOT NULL DEFAULT '',
    note_confidence TEXT NOT NULL DEFAULT '',
    note_ease       TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (target_kind, target_id)
);

CREATE TRIGGER ice_scores_segment_deleted AFTER DELETE ON segments
BEGIN
    DELETE FROM ice_scores WHERE target_kind = 'segment' AND target_id = OLD.id;
END;

CREATE TRIGGER ice_scores_stream_deleted AFTER DELETE ON streams
BEGIN
    DELETE FROM ice_scores WHERE target_kind = 'stream' AND target_id = OLD.id;
END;
