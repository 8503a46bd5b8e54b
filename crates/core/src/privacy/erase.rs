//! Erasing a person everywhere, keeping only a salted hash of the e-mail in the suppression list (issue 15).
