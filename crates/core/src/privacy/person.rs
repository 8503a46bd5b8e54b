//! One person: finding them by e-mail or id, and the access export of everything the workspace holds about them (issue 15).
