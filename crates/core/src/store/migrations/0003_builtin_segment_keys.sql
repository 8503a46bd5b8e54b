-- Built-in segments get a stable key, their template's (`stage-decision`),
-- so that a newer set of built-ins updates them in place: their ids, which
-- other segments and streams refer to, never change.
ALTER TABLE segments ADD COLUMN builtin_key TEXT;
CREATE UNIQUE INDEX segments_builtin_key ON segments (builtin_key);

-- The built-ins installed so far are version 1's: key them by their names.
UPDATE segments SET builtin_key = CASE name
    WHEN 'Executive decision makers' THEN 'persona-executive'
    WHEN 'Technical decision makers' THEN 'persona-technical'
    WHEN 'Financial decision makers' THEN 'persona-financial'
    WHEN 'Practitioners' THEN 'persona-practitioner'
    WHEN 'Awareness stage' THEN 'stage-awareness'
    WHEN 'Consideration stage' THEN 'stage-consideration'
    WHEN 'Decision stage' THEN 'stage-decision'
    WHEN 'New prospects' THEN 'lifecycle-new-prospects'
    WHEN 'Current customers' THEN 'lifecycle-customers'
    WHEN 'Former customers' THEN 'lifecycle-former-customers'
    WHEN 'First-time visitors' THEN 'actions-first-time-visitors'
    WHEN 'Active prospects' THEN 'actions-active-prospects'
    WHEN 'Lapsed leads' THEN 'actions-lapsed-leads'
    WHEN 'Whitepaper downloaders' THEN 'actions-whitepaper-downloaders'
    WHEN 'Requested a demo' THEN 'actions-demo-requested'
    WHEN 'Trade-show contacts' THEN 'entry-trade-show'
    WHEN 'Came in through a whitepaper' THEN 'entry-whitepaper'
    WHEN 'Abandoned cart' THEN 'entry-abandoned-cart'
    WHEN 'Enterprise' THEN 'size-enterprise'
    WHEN 'Small and medium businesses' THEN 'size-smb'
END
WHERE is_builtin = 1;
