//! Each lead's time zone for send windows: the `timezone` field when it
//! names an IANA zone, else the main zone of its country, else the
//! workspace default.

use chrono_tz::Tz;

use crate::text::fold_key;

/// The main time zone of a country (by English name or ISO code).
pub fn country_zone(country: &str) -> Option<Tz> {
    let zone = match fold_key(country).as_str() {
        "united states" | "usa" | "us" | "united states of america" => Tz::America__New_York,
        "canada" | "ca" => Tz::America__Toronto,
        "mexico" | "mx" => Tz::America__Mexico_City,
        "brazil" | "br" | "brasil" => Tz::America__Sao_Paulo,
        "argentina" | "ar" => Tz::America__Argentina__Buenos_Aires,
        "united kingdom" | "uk" | "gb" | "great britain" | "england" => Tz::Europe__London,
        "ireland" | "ie" => Tz::Europe__Dublin,
        "portugal" | "pt" => Tz::Europe__Lisbon,
        "spain" | "es" | "españa" => Tz::Europe__Madrid,
        "france" | "fr" => Tz::Europe__Paris,
        "belgium" | "be" => Tz::Europe__Brussels,
        "netherlands" | "nl" | "the netherlands" => Tz::Europe__Amsterdam,
        "germany" | "de" | "deutschland" => Tz::Europe__Berlin,
        "switzerland" | "ch" => Tz::Europe__Zurich,
        "austria" | "at" | "österreich" => Tz::Europe__Vienna,
        "italy" | "it" | "italia" => Tz::Europe__Rome,
        "denmark" | "dk" => Tz::Europe__Copenhagen,
        "norway" | "no" => Tz::Europe__Oslo,
        "sweden" | "se" | "sverige" => Tz::Europe__Stockholm,
        "finland" | "fi" => Tz::Europe__Helsinki,
        "poland" | "pl" | "polska" => Tz::Europe__Warsaw,
        "czechia" | "czech republic" | "cz" => Tz::Europe__Prague,
        "greece" | "gr" => Tz::Europe__Athens,
        "turkey" | "türkiye" | "tr" => Tz::Europe__Istanbul,
        "israel" | "il" => Tz::Asia__Jerusalem,
        "united arab emirates" | "uae" | "ae" => Tz::Asia__Dubai,
        "india" | "in" => Tz::Asia__Kolkata,
        "singapore" | "sg" => Tz::Asia__Singapore,
        "china" | "cn" => Tz::Asia__Shanghai,
        "hong kong" | "hk" => Tz::Asia__Hong_Kong,
        "japan" | "jp" => Tz::Asia__Tokyo,
        "south korea" | "korea" | "kr" => Tz::Asia__Seoul,
        "australia" | "au" => Tz::Australia__Sydney,
        "new zealand" | "nz" => Tz::Pacific__Auckland,
        "south africa" | "za" => Tz::Africa__Johannesburg,
        "nigeria" | "ng" => Tz::Africa__Lagos,
        "kenya" | "ke" => Tz::Africa__Nairobi,
        _ => return None,
    };
    Some(zone)
}

/// An IANA zone name, in any case (`Europe/Berlin`, `europe/berlin`).
pub fn parse_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    name.parse::<Tz>()
        .ok()
        .or_else(|| Tz::from_str_insensitive(name).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_from_names_and_countries() {
        assert_eq!(parse_zone(" Europe/Berlin "), Some(Tz::Europe__Berlin));
        assert_eq!(parse_zone("europe/berlin"), Some(Tz::Europe__Berlin));
        assert_eq!(parse_zone("Mars/Olympus"), None);
        assert_eq!(country_zone("DEUTSCHLAND"), Some(Tz::Europe__Berlin));
        assert_eq!(country_zone("Atlantis"), None);
    }
}
