//! The blocking keys of duplicate detection: an e-mail address up to its
//! provider's rules, a phone number as E.164 in the lead's country, and
//! first name, last name and company with case, accents and punctuation
//! folded away. Two leads with the same key are a candidate pair.

use unicode_normalization::UnicodeNormalization;

use crate::quality::{country, phone};
use crate::text::fold_key;

/// How a mail provider reads the local part of its addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderRule {
    /// Gmail: dots ignored, everything from `+` ignored; googlemail.com is
    /// gmail.com.
    DotsAndPlusTags,
    /// Outlook, Hotmail, Live, iCloud, Fastmail, Proton: `+tag` ignored.
    PlusTags,
    /// Yahoo: `-tag` (a disposable address's keyword) ignored.
    DashTags,
}

/// The provider's rule and its canonical domain, for the domains whose
/// providers deliver several spellings of one address to one mailbox.
pub fn provider_rule(domain: &str) -> Option<(ProviderRule, &str)> {
    Some(match domain {
        "gmail.com" | "googlemail.com" => (ProviderRule::DotsAndPlusTags, "gmail.com"),
        "outlook.com" | "hotmail.com" | "live.com" | "msn.com" | "icloud.com" | "me.com"
        | "mac.com" | "fastmail.com" | "fastmail.fm" | "protonmail.com" | "proton.me" | "pm.me" => {
            (ProviderRule::PlusTags, domain)
        }
        "yahoo.com" | "ymail.com" => (ProviderRule::DashTags, domain),
        _ => return None,
    })
}

/// The provider's name as the evidence says it.
pub fn provider_name(domain: &str) -> &str {
    match domain {
        "gmail.com" => "Gmail",
        "outlook.com" | "hotmail.com" | "live.com" | "msn.com" => "Outlook",
        "icloud.com" | "me.com" | "mac.com" => "iCloud",
        "fastmail.com" | "fastmail.fm" => "Fastmail",
        "protonmail.com" | "proton.me" | "pm.me" => "Proton Mail",
        "yahoo.com" | "ymail.com" => "Yahoo",
        other => other,
    }
}

/// The address as its provider reads it (`janedoe@gmail.com` for
/// `Jane.Doe+webinar@googlemail.com`), for providers with rules; `None` for
/// every other address (an exact address is already unique) and for text
/// that is not an address.
pub fn provider_email_key(email: &str) -> Option<String> {
    let folded = fold_key(email);
    let (local, domain) = folded.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let (rule, domain) = provider_rule(domain)?;
    let local = match rule {
        ProviderRule::DotsAndPlusTags => local.split('+').next().unwrap_or(local).replace('.', ""),
        ProviderRule::PlusTags => local.split('+').next().unwrap_or(local).to_owned(),
        ProviderRule::DashTags => local.split('-').next().unwrap_or(local).to_owned(),
    };
    (!local.is_empty()).then(|| format!("{local}@{domain}"))
}

/// The domain of an address, folded (`oceanic-gmbh.example`).
pub fn email_domain(email: &str) -> Option<String> {
    let folded = fold_key(email);
    folded
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_owned())
        .filter(|domain| !domain.is_empty())
}

/// The phone as E.164, read in the lead's country when it has no country
/// code; `None` when empty or not a valid number.
pub fn phone_key(raw: &str, lead_country: Option<&str>) -> Option<String> {
    let region = lead_country
        .and_then(country::lookup)
        .map(|found| found.alpha2);
    match phone::check(raw, region) {
        phone::PhoneCheck::Valid { e164 } => Some(e164),
        _ => None,
    }
}

/// A cheap stand-in for [`phone_key`] that needs no parsing: the digits
/// with the country calling code in front (from the lead's country when the
/// number is written nationally, its trunk prefix `0` or `1` dropped), as
/// E.164 has them for ordinary numbers. Duplicate detection files every
/// lead under this key and checks only the leads that share one with
/// [`phone_key`] (libphonenumber's parsing compiles regular expressions
/// per country and is too slow to run on a million leads).
pub fn phone_block_key(raw: &str, lead_country: Option<&str>) -> Option<String> {
    let trimmed = raw.trim().replace("(0)", "");
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return None;
    }
    if trimmed.starts_with('+') {
        return Some(format!("+{digits}"));
    }
    if let Some(international) = digits.strip_prefix("00") {
        return Some(format!("+{international}"));
    }
    let region = lead_country.and_then(country::lookup)?.alpha2;
    let code = phonenumber::metadata::DATABASE
        .by_id(&region.to_uppercase())?
        .country_code();
    let national = match code {
        1 if digits.len() == 11 => digits.strip_prefix('1').unwrap_or(&digits),
        // Italy keeps its leading 0 in international numbers.
        39 => &digits,
        _ => digits.strip_prefix('0').unwrap_or(&digits),
    };
    Some(format!("+{code}{national}"))
}

/// One name part, folded: case folded, accents and punctuation dropped
/// (`Müller` and `muller`, `Tessier-Ashpool Inc.` and `tessierashpool inc`).
pub fn folded_part(part: &str) -> String {
    fold_key(part)
        .nfd()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// First name, last name and company, folded and joined; `None` unless all
/// three have letters or digits.
pub fn name_company_key(first: &str, last: &str, company: &str) -> Option<String> {
    let parts = [folded_part(first), folded_part(last), folded_part(company)];
    parts
        .iter()
        .all(|part| !part.is_empty())
        .then(|| parts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(email: &str) -> Option<String> {
        provider_email_key(email)
    }

    #[test]
    fn gmail_ignores_dots_and_plus_tags_and_googlemail_is_gmail() {
        assert_eq!(
            key("Jane.Doe+webinar@gmail.com").as_deref(),
            Some("janedoe@gmail.com")
        );
        assert_eq!(
            key("j.a.n.e.doe@googlemail.com").as_deref(),
            Some("janedoe@gmail.com")
        );
        assert_eq!(
            key("janedoe@GMAIL.com").as_deref(),
            Some("janedoe@gmail.com")
        );
    }

    #[test]
    fn outlook_family_ignores_plus_tags_but_not_dots() {
        for domain in [
            "outlook.com",
            "hotmail.com",
            "live.com",
            "icloud.com",
            "fastmail.com",
            "protonmail.com",
        ] {
            assert_eq!(
                key(&format!("alex.morgan+events@{domain}")),
                Some(format!("alex.morgan@{domain}")),
                "{domain}"
            );
            assert_ne!(
                key(&format!("alexmorgan@{domain}")),
                key(&format!("alex.morgan@{domain}")),
                "{domain} keeps dots"
            );
        }
        // Different providers are different mailboxes.
        assert_ne!(key("a@outlook.com"), key("a@hotmail.com"));
    }

    #[test]
    fn yahoo_ignores_dash_tags_only() {
        assert_eq!(
            key("sam-shopping@yahoo.com").as_deref(),
            Some("sam@yahoo.com")
        );
        assert_eq!(key("sam+x@yahoo.com").as_deref(), Some("sam+x@yahoo.com"));
        assert_eq!(key("s.am@yahoo.com").as_deref(), Some("s.am@yahoo.com"));
    }

    #[test]
    fn other_domains_and_non_addresses_have_no_provider_key() {
        assert_eq!(key("jane.doe+x@acme.example"), None);
        assert_eq!(key("not an address"), None);
        assert_eq!(key("+tag@gmail.com"), None);
    }

    #[test]
    fn phones_are_compared_as_e164_in_the_leads_country() {
        assert_eq!(
            phone_key("(415) 234-5678", Some("USA")).as_deref(),
            Some("+14152345678")
        );
        assert_eq!(
            phone_key("+1 415 234 5678", None).as_deref(),
            Some("+14152345678")
        );
        assert_eq!(
            phone_key("020 7946 0123", Some("United Kingdom")).as_deref(),
            Some("+442079460123")
        );
        assert_eq!(phone_key("12345", Some("USA")), None);
        assert_eq!(phone_key("(415) 234-5678", None), None);
    }

    #[test]
    fn the_cheap_phone_key_agrees_with_e164_for_ordinary_numbers() {
        for (raw, country) in [
            ("(415) 234-5678", Some("USA")),
            ("+1 415 234 5678", None),
            ("1-415-234-5678", Some("United States")),
            ("020 7946 0123", Some("UK")),
            ("+44 (0)20 7946 0123", None),
            ("0044 20 7946 0123", Some("UK")),
            ("030 1592991", Some("Germany")),
            ("01 42 68 53 00", Some("France")),
            ("06 6982 1234", Some("Italy")),
        ] {
            assert_eq!(
                phone_block_key(raw, country),
                phone_key(raw, country),
                "{raw} in {country:?}"
            );
        }
        assert_eq!(phone_block_key("n/a", Some("USA")), None);
        assert_eq!(phone_block_key("(415) 234-5678", None), None);
    }

    #[test]
    fn names_fold_case_accents_and_punctuation() {
        assert_eq!(
            name_company_key("Jürgen", "Müller", "Tessier-Ashpool Inc."),
            name_company_key("jurgen", "MULLER", "Tessier Ashpool, Inc")
        );
        assert_ne!(
            name_company_key("Jane", "Doe", "Acme"),
            name_company_key("Jane", "Doe", "Globex")
        );
        assert_eq!(name_company_key("Jane", "", "Acme"), None);
        assert_eq!(name_company_key("Jane", "Doe", "..."), None);
    }
}
