-- Issue 16: what Leadstream derives from the leads and events (the segment
-- index's columns, the quick search's keys), kept in the workspace file so a
-- fresh process loads it instead of rebuilding it, and encrypted with the
-- workspace. Valid only for the data generation it was built from: every
-- write through the store bumps `data_generation` and empties this table
-- before it writes (`Workspace::conn_mut`).
CREATE TABLE derived_cache (
    name       TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    bytes      BLOB NOT NULL
) STRICT;

CREATE TABLE data_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO data_generation (id, value) VALUES (1, 0);
