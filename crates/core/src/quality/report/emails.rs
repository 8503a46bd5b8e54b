//! The e-mail checks of the quality report: what makes an address invalid,
//! a role address or a disposable one, and which events are hard bounces.
//! Each rule is documented in docs/quality-report.md.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::text::is_email_address;

/// Local parts that name a function, not a person (checked after
/// lower-casing and dropping a `+tag`): mail to them reaches a shared inbox
/// or nobody, and marketing tools (HubSpot, Marketo, Customer.io) treat them
/// as risky.
pub const ROLE_LOCAL_PARTS: &[&str] = &[
    "abuse",
    "accounts",
    "admin",
    "billing",
    "careers",
    "contact",
    "do-not-reply",
    "donotreply",
    "enquiries",
    "enquiry",
    "feedback",
    "hello",
    "help",
    "hostmaster",
    "hr",
    "info",
    "inquiries",
    "jobs",
    "legal",
    "mail",
    "marketing",
    "media",
    "no-reply",
    "noreply",
    "office",
    "postmaster",
    "press",
    "privacy",
    "reception",
    "sales",
    "security",
    "service",
    "support",
    "team",
    "webmaster",
];

/// Event types that are bounces; a hard one has the property `bounce_type`
/// (or else `type`) equal to "hard", in any case.
pub const BOUNCE_EVENT_TYPES: &[&str] = &["email_bounce", "email_bounced", "bounce", "bounced"];

/// Event types that are hard bounces whatever their properties.
pub const HARD_BOUNCE_EVENT_TYPES: &[&str] = &["hard_bounce", "email_hard_bounce"];

/// What one stored e-mail value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailVerdict {
    pub missing: bool,
    pub invalid: bool,
    pub role: bool,
    pub disposable: bool,
}

/// Checks one stored e-mail value. A missing or invalid address is neither
/// a role nor a disposable one; an address may be both of those.
pub fn check(raw: Option<&str>) -> EmailVerdict {
    let address = raw.map(str::trim).unwrap_or("");
    if address.is_empty() {
        return EmailVerdict {
            missing: true,
            invalid: false,
            role: false,
            disposable: false,
        };
    }
    if !is_email_address(address) {
        return EmailVerdict {
            missing: false,
            invalid: true,
            role: false,
            disposable: false,
        };
    }
    let lower = address.to_lowercase();
    let (local, domain) = lower.split_once('@').unwrap_or((lower.as_str(), ""));
    EmailVerdict {
        missing: false,
        invalid: false,
        role: is_role_local_part(local),
        disposable: is_disposable_domain(domain),
    }
}

/// Is `local` (lower-case) a role address's local part, `+tag` aside?
pub fn is_role_local_part(local: &str) -> bool {
    let base = local.split('+').next().unwrap_or(local);
    ROLE_LOCAL_PARTS.contains(&base)
}

/// Is `domain` (lower-case), or a domain it is under, on the disposable
/// list of the `mailchecker` crate?
pub fn is_disposable_domain(domain: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| mailchecker::blacklist().into_iter().collect());
    let mut rest = domain.trim_end_matches('.');
    loop {
        if list.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_invalid_addresses() {
        assert!(check(None).missing);
        assert!(check(Some("  ")).missing);
        for bad in ["ann", "ann@", "ann@example", "a b@example.com", "@x.com"] {
            let verdict = check(Some(bad));
            assert!(
                verdict.invalid && !verdict.role && !verdict.disposable,
                "{bad}"
            );
        }
        let good = check(Some("ann@example.com"));
        assert_eq!(
            good,
            EmailVerdict {
                missing: false,
                invalid: false,
                role: false,
                disposable: false
            }
        );
    }

    #[test]
    fn role_addresses_by_local_part_with_or_without_a_tag() {
        for role in [
            "info@acme.com",
            "Sales@acme.com",
            "no-reply@acme.com",
            "support+eu@acme.com",
        ] {
            assert!(check(Some(role)).role, "{role}");
        }
        for person in [
            "information@acme.com",
            "ann.sales@acme.com",
            "jane@info.com",
        ] {
            assert!(!check(Some(person)).role, "{person}");
        }
    }

    #[test]
    fn disposable_domains_and_their_subdomains() {
        assert!(check(Some("x@mailinator.com")).disposable);
        assert!(check(Some("x@10minutemail.com")).disposable);
        assert!(check(Some("x@eu.mailinator.com")).disposable);
        assert!(check(Some("X@MAILINATOR.COM")).disposable);
        for kept in [
            "x@gmail.com",
            "x@outlook.com",
            "x@acme.io",
            "x@example.co.uk",
        ] {
            assert!(!check(Some(kept)).disposable, "{kept}");
        }
    }

    #[test]
    fn disposable_domains_agree_with_the_crates_own_check() {
        // The crate's own check scans its whole list for every address (40 s
        // over 1M leads); the set here must give the same answers.
        for address in [
            "x@33mail.com",
            "x@ok.33mail.com",
            "x@acme.example",
            "x@yopmail.com",
            "x@mailinator.com",
        ] {
            assert_eq!(
                check(Some(address)).disposable,
                !mailchecker::is_valid(address),
                "{address}"
            );
        }
    }
}
