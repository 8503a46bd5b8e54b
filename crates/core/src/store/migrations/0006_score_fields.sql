-- Lead scores as computed fields: the active scoring model's fit,
-- engagement and total score, grade (like "B3") and band of each lead,
-- written by `scoring::run` and read like any standard column. The
-- catalogue marks them computed: imports and streams never write them.
ALTER TABLE leads ADD COLUMN score_fit REAL;
ALTER TABLE leads ADD COLUMN score_engagement REAL;
ALTER TABLE leads ADD COLUMN score_total REAL;
ALTER TABLE leads ADD COLUMN score_grade TEXT;
ALTER TABLE leads ADD COLUMN score_band TEXT;

ALTER TABLE fields ADD COLUMN is_computed INTEGER NOT NULL DEFAULT 0;

INSERT INTO fields (key, label, type, origin, category, is_standard, position, is_computed) VALUES
    ('score_fit',        'Fit score',        'number', 'implicit', 'behavioral', 1, 24, 1),
    ('score_engagement', 'Engagement score', 'number', 'implicit', 'behavioral', 1, 25, 1),
    ('score_total',      'Lead score',       'number', 'implicit', 'behavioral', 1, 26, 1),
    ('score_grade',      'Score grade',      'text',   'implicit', 'behavioral', 1, 27, 1),
    ('score_band',       'Score band',       'text',   'implicit', 'behavioral', 1, 28, 1);
