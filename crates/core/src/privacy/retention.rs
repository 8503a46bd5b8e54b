//! Retention: deleting or anonymising leads without activity for N months, with a preview (issue 15).
