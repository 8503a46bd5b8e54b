-- 0008_goals_and_reviews: SMART goals of segments and streams, review
-- cadences of segments and recorded reviews (issue 12).

-- A goal: a metric of a segment's (or a stream's entry segments') members,
-- a baseline measured when it was set, a target and a span of dates.
-- Exactly one of segment_id and stream_id is set.
CREATE TABLE goals (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    segment_id     INTEGER,
    stream_id      INTEGER,
    metric         TEXT NOT NULL,
    -- Outcome event types as a JSON array (conversion metrics).
    outcome_types  TEXT NOT NULL DEFAULT '["purchase"]',
    objective      TEXT NOT NULL DEFAULT '',
    baseline       REAL NOT NULL,
    baseline_at    INTEGER NOT NULL,
    target         REAL NOT NULL,
    start_date     TEXT NOT NULL,
    deadline       TEXT NOT NULL,
    -- The feasibility check made when the goal was set, as JSON.
    feasibility    TEXT NOT NULL DEFAULT '{}',
    created_at     INTEGER NOT NULL,
    CHECK ((segment_id IS NULL) <> (stream_id IS NULL))
);
CREATE INDEX goals_segment ON goals (segment_id);
CREATE INDEX goals_stream ON goals (stream_id);

-- A segment's review cadence (absent: the default of 90 days); `days` NULL
-- means never due. `retired_at` is set by a review that retires it.
CREATE TABLE review_settings (
    segment_id  INTEGER PRIMARY KEY,
    days        INTEGER,
    retired_at  INTEGER
);

-- A recorded review with the numbers of that day.
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    segment_id       INTEGER NOT NULL,
    reviewed_at      INTEGER NOT NULL,
    decision         TEXT NOT NULL CHECK (decision IN ('keep', 'change', 'retire')),
    note             TEXT NOT NULL DEFAULT '',
    members          INTEGER NOT NULL,
    conversion_rate  REAL NOT NULL,
    engagement_rate  REAL NOT NULL
);
CREATE INDEX reviews_segment ON reviews (segment_id, reviewed_at);

CREATE TRIGGER goals_and_reviews_segment_deleted AFTER DELETE ON segments
BEGIN
    DELETE FROM goals WHERE segment_id = OLD.id;
    DELETE FROM review_settings WHERE segment_id = OLD.id;
    DELETE FROM reviews WHERE segment_id = OLD.id;
END;

CREATE TRIGGER goals_stream_deleted AFTER DELETE ON streams
BEGIN
    DELETE FROM goals WHERE stream_id = OLD.id;
END;
