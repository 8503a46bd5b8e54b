//! Normalisations of a field (countries to their one name, phones to E.164,
//! a value mapping the user confirms) and addresses marked as not sendable:
//! each with a preview of the leads and values it changes, applied as a fix.
