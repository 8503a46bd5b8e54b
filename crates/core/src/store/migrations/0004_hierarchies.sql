-- Hierarchies: ordered lists of saved segments that settle each lead into
-- one primary segment (the first it matches) and its secondary segments
-- (the others it matches). A segment in a hierarchy cannot be deleted: the
-- core refuses with the hierarchy's name, and the foreign key backs it up.
CREATE TABLE hierarchies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

-- The segments of each hierarchy, in order (position 0 first).
CREATE TABLE hierarchy_segments (
    hierarchy_id INTEGER NOT NULL REFERENCES hierarchies(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    segment_id   INTEGER NOT NULL REFERENCES segments(id),
    PRIMARY KEY (hierarchy_id, position),
    UNIQUE (hierarchy_id, segment_id)
);
CREATE INDEX hierarchy_segments_segment ON hierarchy_segments (segment_id);
