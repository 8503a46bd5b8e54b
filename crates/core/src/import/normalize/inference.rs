//! Placeholders that mean "empty" and a column's type inferred from its
//! values (the rules are in the `normalize` module documentation).

use super::*;

/// Placeholders that mean "empty", matched case-insensitively.
pub(super) const PLACEHOLDERS: &[&str] = &[
    "select",
    "unknown",
    "n/a",
    "na",
    "null",
    "none",
    "-",
    "--",
    "?",
    "(blank)",
    "nan",
    "#n/a",
    ".",
    "not specified",
    "not provided",
];

/// Suggests placeholder values that mean "empty", for the user to confirm,
/// from each column's sample values. A value is suggested when it matches a
/// known placeholder case-insensitively (`Select`, `unknown`, `N/A`, `NULL`,
/// `-`, `(blank)`, `#N/A`, …), or, generically, when it is the strictly most
/// frequent value of a column (at least twice), has letters and no digits,
/// is at most 30 characters, and the column's other values (at least 5) are
/// at least 95% numbers or 95% dates, as `unknown` among ages.
///
/// Tokens come back trimmed, as written in the file (case kept), each once,
/// most frequent first (counted over all columns), ties in order of first
/// appearance.
pub fn suggest_null_tokens(columns: &[Vec<&str>]) -> Vec<String> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut add = |token: &str, count: usize| match found.iter_mut().find(|(t, _)| t == token) {
        Some(entry) => entry.1 += count,
        None => found.push((token.to_owned(), count)),
    };
    for column in columns {
        let counts = value_counts(column);
        for &(value, count) in &counts {
            if is_known_placeholder(value) {
                add(value, count);
            }
        }
        if let Some((token, count)) = generic_placeholder(&counts) {
            add(token, count);
        }
    }
    found.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    found.into_iter().map(|(token, _)| token).collect()
}

/// Infers what a column holds from sample values (placeholders already
/// removed by the caller; empty values ignored). The rules are in the module
/// documentation.
pub fn infer_column(header: &str, values: &[&str]) -> ColumnProfile {
    let counts = value_counts(values);
    let non_empty: usize = counts.iter().map(|(_, count)| count).sum();
    let mut profile = ColumnProfile {
        field_type: FieldType::Text,
        date_format: None,
        date_format_ambiguous: false,
        number_style: None,
        non_empty: u32::try_from(non_empty).unwrap_or(u32::MAX),
        distinct_sample: counts
            .iter()
            .take(20)
            .map(|(value, _)| (*value).to_owned())
            .collect(),
    };
    if counts.is_empty() {
        return profile;
    }
    let header_words = words(header);
    if is_boolean_column(&header_words, &counts) {
        profile.field_type = FieldType::Boolean;
    } else if names_code(&header_words)
        || names_identifier(&header_words)
        || mostly_phone_numbers(&counts)
    {
        profile.field_type = FieldType::Text;
    } else if let Some((format, ambiguous)) = infer_date_format(&header_words, &counts) {
        profile.field_type = FieldType::Date;
        profile.date_format = Some(format);
        profile.date_format_ambiguous = ambiguous;
    } else if let Some(style) = infer_number_style(&counts) {
        profile.field_type = FieldType::Number;
        profile.number_style = Some(style);
    } else if is_list_column(&header_words, &counts) {
        profile.field_type = FieldType::List;
    }
    profile
}

/// The trimmed, non-empty values of a column with their counts, most frequent
/// first, ties in order of first appearance.
pub(super) fn value_counts<'a>(values: &[&'a str]) -> Vec<(&'a str, usize)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match index.get(value) {
            Some(&at) => counts[at].1 += 1,
            None => {
                index.insert(value, counts.len());
                counts.push((value, 1));
            }
        }
    }
    counts.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    counts
}

pub(super) fn is_known_placeholder(value: &str) -> bool {
    PLACEHOLDERS
        .iter()
        .any(|placeholder| value.eq_ignore_ascii_case(placeholder))
}

/// The strictly most frequent value of a column, when it is a word among
/// values of a different type (numbers or dates). Conservative on purpose.
pub(super) fn generic_placeholder<'a>(counts: &[(&'a str, usize)]) -> Option<(&'a str, usize)> {
    let (&(token, token_count), others) = counts.split_first()?;
    if token_count < 2
        || others
            .first()
            .is_some_and(|&(_, count)| count == token_count)
        || is_known_placeholder(token)
        || token.chars().count() > 30
        || token.chars().any(|c| c.is_ascii_digit())
        || !token.chars().any(char::is_alphabetic)
    {
        return None;
    }
    let other_total: usize = others.iter().map(|(_, count)| count).sum();
    if other_total < 5 {
        return None;
    }
    let share = |parses: &dyn Fn(&str) -> bool| {
        let parsed: usize = others
            .iter()
            .filter(|(value, _)| parses(value))
            .map(|(_, count)| count)
            .sum();
        most(parsed, other_total)
    };
    let numbers = share(&|value: &str| {
        parse_number(value, NumberStyle::DotDecimal).is_some()
            || parse_number(value, NumberStyle::CommaDecimal).is_some()
    });
    let dates = share(&|value: &str| {
        [
            DateFormat::Iso,
            DateFormat::MonthFirst,
            DateFormat::DayFirst,
        ]
        .into_iter()
        .any(|format| parse_date(value, format).is_some())
    });
    (numbers || dates).then_some((token, token_count))
}

/// At least 95% of `total`.
pub(super) fn most(count: usize, total: usize) -> bool {
    total > 0 && count * 20 >= total * 19
}

/// How many values (with their counts) satisfy `test`.
pub(super) fn weighted_count(counts: &[(&str, usize)], test: impl Fn(&str) -> bool) -> usize {
    counts
        .iter()
        .filter(|(value, _)| test(value))
        .map(|(_, count)| count)
        .sum()
}

pub(super) fn total(counts: &[(&str, usize)]) -> usize {
    counts.iter().map(|(_, count)| count).sum()
}

/// Words of headers that mark a 0/1 column as a flag.
pub(super) const FLAG_WORDS: &[&str] = &[
    "flag",
    "flags",
    "opt",
    "opted",
    "optin",
    "optout",
    "accepted",
    "converted",
    "complain",
    "complained",
    "response",
    "responded",
    "subscribed",
    "unsubscribed",
    "bounced",
    "consent",
    "consented",
    "active",
    "enabled",
    "disabled",
    "verified",
    "deleted",
    "won",
    "closed",
    "churned",
    "donotcall",
    "donotemail",
    "dnc",
    "bool",
    "boolean",
];

pub(super) fn reads_as_flag(header_words: &[String]) -> bool {
    let first_is_verb = header_words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "is" | "has" | "was" | "did" | "can" | "dont"));
    let do_not = header_words
        .windows(2)
        .any(|pair| pair[0] == "do" && pair[1] == "not");
    first_is_verb
        || do_not
        || header_words
            .iter()
            .any(|w| FLAG_WORDS.contains(&w.as_str()))
}

pub(super) fn is_boolean_column(header_words: &[String], counts: &[(&str, usize)]) -> bool {
    let mut forms: Vec<String> = Vec::new();
    let mut parsed = 0;
    for &(value, count) in counts {
        if parse_bool(value).is_some() {
            parsed += count;
            let form = value.to_ascii_lowercase();
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    if !most(parsed, total(counts)) || forms.len() > 3 {
        return false;
    }
    let only_digits = forms.iter().all(|form| form == "0" || form == "1");
    !only_digits || reads_as_flag(header_words)
}

/// Does the header name a phone number or a code, which stay text even when
/// they look like numbers?
pub(super) fn names_code(header_words: &[String]) -> bool {
    header_words.iter().any(|w| {
        w.contains("phone")
            || w.contains("postal")
            || w.starts_with("zip")
            || w.ends_with("code")
            || matches!(
                w.as_str(),
                "fax" | "tel" | "mobile" | "cell" | "whatsapp" | "postcode"
            )
    })
}

/// Does the header name an identifier (`Lead Number`, `Account No`,
/// `Customer ID`, `Order Ref`), which stays text even when it holds digits:
/// an id is never summed, compared or written with thousands separators.
/// The last word decides, so `Number of Employees` is still a number.
pub(super) fn names_identifier(header_words: &[String]) -> bool {
    header_words.last().is_some_and(|last| {
        matches!(
            last.as_str(),
            "id" | "ids"
                | "number"
                | "no"
                | "nr"
                | "num"
                | "ref"
                | "reference"
                | "identifier"
                | "uuid"
                | "guid"
                | "key"
        )
    })
}

pub(super) fn looks_like_phone_number(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('+') else {
        return false;
    };
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

pub(super) fn mostly_phone_numbers(counts: &[(&str, usize)]) -> bool {
    weighted_count(counts, looks_like_phone_number) * 2 >= total(counts)
}

/// Does the header name a point in time (so that Excel serials may be read)?
pub(super) fn names_point_in_time(header_words: &[String]) -> bool {
    const NOT_A_DATE: &[&str] = &[
        "spent", "duration", "total", "zone", "timezone", "sec", "secs", "seconds", "minutes",
        "mins", "hours", "days", "avg", "average", "amount", "count", "number", "value",
    ];
    if header_words
        .iter()
        .any(|w| NOT_A_DATE.contains(&w.as_str()))
    {
        return false;
    }
    header_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "dt" | "time" | "timestamp" | "datetime" | "created" | "modified" | "updated"
        ) || w.ends_with("date")
    })
}

pub(super) fn looks_like_excel_serial(value: &str) -> bool {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    fraction.bytes().all(|b| b.is_ascii_digit())
        && whole.len() == 5
        && whole
            .parse::<u32>()
            .is_ok_and(|serial| (20_000..=80_000).contains(&serial))
}

pub(super) fn infer_date_format(
    header_words: &[String],
    counts: &[(&str, usize)],
) -> Option<(DateFormat, bool)> {
    let total = total(counts);
    let parsed = |format| weighted_count(counts, |value| parse_date(value, format).is_some());
    let mut candidates = vec![
        (DateFormat::Iso, parsed(DateFormat::Iso)),
        (DateFormat::MonthFirst, parsed(DateFormat::MonthFirst)),
        (DateFormat::DayFirst, parsed(DateFormat::DayFirst)),
    ];
    if names_point_in_time(header_words) {
        candidates.push((
            DateFormat::ExcelSerial,
            weighted_count(counts, looks_like_excel_serial),
        ));
    }
    let best = candidates.iter().map(|&(_, count)| count).max()?;
    if !most(best, total) {
        return None;
    }
    let month_first = candidates[1].1;
    let day_first = candidates[2].1;
    if month_first == best && day_first == best {
        let slashed = weighted_count(counts, |value| {
            value
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with('/')
        });
        let guess = if slashed * 2 > total {
            DateFormat::MonthFirst
        } else {
            DateFormat::DayFirst
        };
        return Some((guess, true));
    }
    candidates
        .into_iter()
        .find(|&(_, count)| count == best)
        .map(|(format, _)| (format, false))
}

pub(super) fn is_zero_padded(value: &str) -> bool {
    let digits = value.trim_start_matches(['+', '-']).as_bytes();
    digits.len() > 1 && digits[0] == b'0' && digits[1].is_ascii_digit()
}

pub(super) fn is_long_integer(value: &str) -> bool {
    let digits = value.trim_start_matches(['+', '-']);
    digits.len() > 15 && digits.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn infer_number_style(counts: &[(&str, usize)]) -> Option<NumberStyle> {
    if counts
        .iter()
        .any(|(value, _)| is_zero_padded(value) || is_long_integer(value))
    {
        return None;
    }
    let parsed = |style| weighted_count(counts, |value| parse_number(value, style).is_some());
    let dot = parsed(NumberStyle::DotDecimal);
    let comma = parsed(NumberStyle::CommaDecimal);
    let (style, count) = if comma > dot {
        (NumberStyle::CommaDecimal, comma)
    } else {
        (NumberStyle::DotDecimal, dot)
    };
    most(count, total(counts)).then_some(style)
}

/// Header words that name a list of values.
pub(super) const LIST_WORDS: &[&str] = &[
    "tag",
    "tags",
    "interest",
    "interests",
    "technology",
    "technologies",
    "tech",
    "stack",
    "skill",
    "skills",
    "product",
    "products",
    "category",
    "categories",
    "topic",
    "topics",
    "channel",
    "channels",
    "language",
    "languages",
    "label",
    "labels",
    "tool",
    "tools",
    "platform",
    "platforms",
    "hobby",
    "hobbies",
    "list",
    "lists",
    "segment",
    "segments",
    "keyword",
    "keywords",
    "feature",
    "features",
    "brand",
    "brands",
    "service",
    "services",
    "integrations",
    "apps",
];

pub(super) fn is_list_column(header_words: &[String], counts: &[(&str, usize)]) -> bool {
    let has_separator = |value: &str| value.contains(';') || value.contains('|');
    let listed = weighted_count(counts, has_separator);
    if listed * 5 < total(counts) {
        return false;
    }
    let header_names_list = header_words
        .iter()
        .any(|w| LIST_WORDS.contains(&w.as_str()));
    let items_are_short = counts
        .iter()
        .filter(|(value, _)| has_separator(value))
        .flat_map(|(value, _)| split_list(value))
        .all(|item| item.chars().count() <= 40 && item.split_whitespace().count() <= 5);
    header_names_list || items_are_short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_placeholders_are_suggested_by_frequency_keeping_case() {
        // X Education: "Select" in Specialization, City and Lead Profile.
        let specialization = vec![
            "Select",
            "",
            "Finance Management",
            "Select",
            "Human Resource Management",
            "Select",
        ];
        let city = vec!["Mumbai", "Select", "", "Thane & Outskirts", "Mumbai"];
        // UCI bank: "unknown" in default/contact/poutcome.
        let poutcome = vec!["unknown", "unknown", "failure", "other", "success"];
        let other = vec!["N/A", "n/a", "ok", "NULL", "-", "(blank)", "#N/A"];
        let suggested = suggest_null_tokens(&[specialization, city, poutcome, other]);
        assert_eq!(
            suggested,
            ["Select", "unknown", "N/A", "n/a", "NULL", "-", "(blank)", "#N/A"]
        );
    }

    #[test]
    fn a_word_dominating_numbers_is_suggested() {
        let ages = vec![
            "unknown", "34", "unknown", "41", "29", "unknown", "58", "63",
        ];
        let dates = vec![
            "pending",
            "2024-01-02",
            "pending",
            "2024-02-03",
            "2024-03-04",
            "2024-04-05",
            "2024-05-06",
        ];
        assert_eq!(suggest_null_tokens(&[ages, dates]), ["unknown", "pending"]);
    }

    #[test]
    fn generic_placeholders_stay_conservative() {
        let cases: Vec<Vec<&str>> = vec![
            // A word among words.
            vec!["Mumbai", "Mumbai", "Pune", "Delhi", "Goa", "Agra", "Pune"],
            // Once only.
            vec!["missing", "1", "2", "3", "4", "5"],
            // Too few other values.
            vec!["missing", "missing", "1", "2"],
            // Not strictly the most frequent.
            vec!["missing", "missing", "7", "7", "1", "2", "3"],
            // Others are not numbers.
            vec!["pending", "pending", "1", "2", "b", "c", "d"],
            // Empty column.
            vec!["", " "],
        ];
        for column in cases {
            assert!(
                suggest_null_tokens(std::slice::from_ref(&column)).is_empty(),
                "{column:?}"
            );
        }
        assert!(suggest_null_tokens(&[]).is_empty());
    }

    fn infer(header: &str, values: &[&str]) -> ColumnProfile {
        infer_column(header, values)
    }

    fn field_type(header: &str, values: &[&str]) -> FieldType {
        infer(header, values).field_type
    }

    #[test]
    fn infers_booleans() {
        let yes_no = ["No", "No", "Yes", "No", "", "No"];
        assert_eq!(field_type("Do Not Email", &yes_no), FieldType::Boolean);
        assert_eq!(
            field_type("Magazine", &["No", "No", "No"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("ISDELETED", &["false", "false", "true"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("Attended", &["x", "", "x", "X"]),
            FieldType::Boolean
        );
        assert_eq!(
            field_type("Subscribed", &["TRUE", "False", "true", "FALSE"]),
            FieldType::Boolean
        );
        let too_many_forms = ["yes", "no", "y", "n", "true", "false"];
        assert_eq!(field_type("Flag", &too_many_forms), FieldType::Text);
    }

    #[test]
    fn zero_one_columns_are_booleans_only_under_flag_headers() {
        let flags = ["0", "0", "1", "0", "0", "1"];
        for header in [
            "AcceptedCmp3",
            "Complain",
            "Response",
            "Converted",
            "Do Not Call",
            "is_active",
            "HasOptedOutOfEmail",
            "opt_in",
        ] {
            assert_eq!(field_type(header, &flags), FieldType::Boolean, "{header}");
        }
        for header in ["Kidhome", "Score", "Visits", "Quantity"] {
            assert_eq!(field_type(header, &flags), FieldType::Number, "{header}");
        }
        // Kidhome holds 0, 1 and a few 2s: a count, not a flag.
        let mut kidhome = vec!["0"; 60];
        kidhome.extend(["1"; 38]);
        kidhome.extend(["2"; 2]);
        let profile = infer("Kidhome", &kidhome);
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
    }

    #[test]
    fn infers_dates() {
        // Salesforce CREATEDDATE.
        let profile = infer(
            "CREATEDDATE",
            &["2006-04-15T03:23:15.000Z", "2006-06-15T20:47:07.000Z", ""],
        );
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::Iso));
        assert!(!profile.date_format_ambiguous);
        assert_eq!(profile.number_style, None);

        // marketing_campaign Dt_Customer, DD-MM-YYYY: 21-08-2013 settles it.
        let profile = infer(
            "Dt_Customer",
            &["04-09-2012", "08-03-2014", "21-08-2013", "10-02-2014"],
        );
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(!profile.date_format_ambiguous);

        // US dates: 12/31 settles it.
        let profile = infer("Close Date", &["03/01/2026", "12/31/2025", "1/2/2026"]);
        assert_eq!(profile.date_format, Some(DateFormat::MonthFirst));
        assert!(!profile.date_format_ambiguous);

        // Dotted dates are day-first only.
        let profile = infer("Datum", &["01.03.2026", "02.03.2026"]);
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(!profile.date_format_ambiguous);
    }

    #[test]
    fn ambiguous_dates_are_flagged() {
        // table-with-accents "Date": 01-01-13 … 01-12-17.
        let profile = infer("Date", &["01-01-13", "01-02-13", "01-03-14", "01-12-17"]);
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::DayFirst));
        assert!(profile.date_format_ambiguous);

        let profile = infer("Signup", &["01/02/2020", "03/04/2021"]);
        assert_eq!(profile.date_format, Some(DateFormat::MonthFirst));
        assert!(profile.date_format_ambiguous);
    }

    #[test]
    fn excel_serials_need_a_date_header() {
        let serials = ["41156", "41706", "41507", "41680", "41152"];
        let profile = infer("Dt_Customer", &serials);
        assert_eq!(profile.field_type, FieldType::Date);
        assert_eq!(profile.date_format, Some(DateFormat::ExcelSerial));
        assert_eq!(field_type("Created", &serials), FieldType::Date);
        assert_eq!(field_type("Last Modified Date", &serials), FieldType::Date);

        // The same values under other headers are numbers.
        for header in ["Income", "Customer Lifetime Value", "Visits"] {
            let profile = infer(header, &serials);
            assert_eq!(profile.field_type, FieldType::Number, "{header}");
        }
        // Durations mentioning time are not dates.
        assert_eq!(
            field_type("Total Time Spent on Website", &serials),
            FieldType::Number
        );
        // Small integers under a date header are not serials.
        assert_eq!(
            field_type("Date", &["0", "674", "1532", "305"]),
            FieldType::Number
        );
        // Income (marketing_campaign) sits in the serial range: still a number.
        assert_eq!(
            field_type("Income", &["58138", "46344", "71613", "26646"]),
            FieldType::Number
        );
    }

    #[test]
    fn infers_number_styles() {
        // table-with-accents decimal commas.
        let profile = infer(
            "Occupancy rate",
            &["0,611553068", "0,559014092", "0,57902577"],
        );
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        let profile = infer(
            "Average Price",
            &["81,20416129", "111,0309761", "154,448997"],
        );
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        // "1,234" alone reads as thousands.
        let profile = infer("Employees", &["1,234", "5,000", "12"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        // Beside comma decimals, it reads as a decimal comma.
        let profile = infer("Rate", &["1,234", "0,61", "2,5"]);
        assert_eq!(profile.number_style, Some(NumberStyle::CommaDecimal));

        // UCI bank, three decimals everywhere: still dot-decimal.
        let profile = infer("cons.price.idx", &["93.994", "93.994", "94.465", "92.893"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        let profile = infer("emp.var.rate", &["1.1", "-1.8", "1.4", "-0.1"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));

        // Salesforce money in scientific notation.
        let profile = infer("ANNUALREVENUE", &["6.0E7", "8.48E10", ""]);
        assert_eq!(profile.field_type, FieldType::Number);
        assert_eq!(profile.non_empty, 2);

        // X Education, plain integers and decimals.
        let profile = infer("Page Views Per Visit", &["0", "2.5", "2", "1", "1.33"]);
        assert_eq!(profile.number_style, Some(NumberStyle::DotDecimal));
        assert_eq!(
            field_type("Année", &["2013", "2014", "2015"]),
            FieldType::Number
        );
    }

    #[test]
    fn codes_phones_and_ids_stay_text() {
        // Identifiers (X Education's `Lead Number`): never "660,737".
        for header in [
            "Lead Number",
            "ID",
            "Customer ID",
            "Account No",
            "Order Ref",
            "lead_num",
        ] {
            assert_eq!(
                field_type(header, &["660737", "660728", "660727"]),
                FieldType::Text,
                "{header}"
            );
        }
        for header in [
            "Number of Employees",
            "NumWebVisitsMonth",
            "Page Views Per Visit",
        ] {
            assert_eq!(
                field_type(header, &["660737", "660728"]),
                FieldType::Number,
                "{header}"
            );
        }
        assert_eq!(
            field_type("Code", &["001001", "001002", "1003"]),
            FieldType::Text
        );
        assert_eq!(field_type("Account", &["0042", "0043"]), FieldType::Text);
        assert_eq!(
            field_type("BILLINGPOSTALCODE", &["80525", "15106"]),
            FieldType::Text
        );
        assert_eq!(field_type("Zip", &["80525", "15106"]), FieldType::Text);
        assert_eq!(
            field_type("PHONE", &["5551234567", "5559876543"]),
            FieldType::Text
        );
        assert_eq!(field_type("MobilePhone", &["5551234567"]), FieldType::Text);
        assert_eq!(
            field_type(
                "Contact",
                &["+4915112345678", "+33 6 12 34 56 78", "+1 (555) 123-4567"]
            ),
            FieldType::Text
        );
        assert_eq!(
            field_type("Card", &["1234567890123456", "1234567890123457"]),
            FieldType::Text
        );
        assert_eq!(
            field_type("Prospect ID", &["7927b2df-8bba-4d29-b9a2-b6e0beafe620"]),
            FieldType::Text
        );
        assert_eq!(field_type("Percent", &["12%", "15%"]), FieldType::Text);
        assert_eq!(field_type("Mixed", &["1.2.3", "4.5.6"]), FieldType::Text);
    }

    #[test]
    fn infers_lists() {
        let profile = infer(
            "Tech Stack",
            &["WordPress; HubSpot", "Salesforce", "Slack;Zoom;Notion", ""],
        );
        assert_eq!(profile.field_type, FieldType::List);
        assert_eq!(
            field_type("Anything", &["a; b", "c; d", "e", "f", "g"]),
            FieldType::List
        );
        assert_eq!(
            field_type("Interests", &["golf|wine", "travel"]),
            FieldType::List
        );
        // Prose with the odd semicolon.
        let prose = [
            "Called twice and left a message with the assistant; will try again next week",
            "No answer",
            "Wants a demo",
        ];
        assert_eq!(field_type("Notes", &prose), FieldType::Text);
        // Too few values with separators.
        let rare = ["a;b", "c", "d", "e", "f", "g"];
        assert_eq!(field_type("Anything", &rare), FieldType::Text);
    }

    #[test]
    fn infers_text_with_a_distinct_sample() {
        // X Education Specialization, placeholders removed by the caller.
        let values = [
            "Finance Management",
            "",
            "Human Resource Management",
            "Finance Management",
            " Marketing Management ",
            "Finance Management",
            "Human Resource Management",
        ];
        let profile = infer("Specialization", &values);
        assert_eq!(profile.field_type, FieldType::Text);
        assert_eq!(profile.non_empty, 6);
        assert_eq!(
            profile.distinct_sample,
            [
                "Finance Management",
                "Human Resource Management",
                "Marketing Management"
            ]
        );
        assert_eq!(profile.date_format, None);
        assert_eq!(profile.number_style, None);

        // UCI bank job, and 02.Medium-style indexes.
        assert_eq!(
            field_type(
                "job",
                &["management", "technician", "admin.", "blue-collar"]
            ),
            FieldType::Text
        );
        assert_eq!(
            field_type(
                "Asymmetrique Activity Index",
                &["02.Medium", "01.High", "03.Low"]
            ),
            FieldType::Text
        );
    }

    #[test]
    fn distinct_sample_keeps_twenty_most_frequent() {
        let values: Vec<String> = (0..30)
            .flat_map(|i| std::iter::repeat_n(format!("v{i}"), 30 - i))
            .collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let profile = infer("Code", &values);
        assert_eq!(profile.distinct_sample.len(), 20);
        assert_eq!(profile.distinct_sample[0], "v0");
        assert_eq!(profile.distinct_sample[19], "v19");
    }

    #[test]
    fn empty_columns_are_text() {
        let profile = infer("Income", &["", "  "]);
        assert_eq!(profile.field_type, FieldType::Text);
        assert_eq!(profile.non_empty, 0);
        assert!(profile.distinct_sample.is_empty());
        assert_eq!(infer("Income", &[]).field_type, FieldType::Text);
    }

    #[test]
    fn a_few_stray_values_are_tolerated() {
        let mut values = vec!["12"; 97];
        values.extend(["twelve", "n/a", "?"]);
        assert_eq!(field_type("Visits", &values), FieldType::Number);
        let mut values = vec!["12"; 94];
        values.extend(["x1", "x2", "x3", "x4", "x5", "x6"]);
        assert_eq!(field_type("Visits", &values), FieldType::Text);
    }

    #[test]
    fn enums_serialize_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&DateFormat::ExcelSerial).unwrap(),
            "\"excel_serial\""
        );
        assert_eq!(
            serde_json::to_string(&NumberStyle::CommaDecimal).unwrap(),
            "\"comma_decimal\""
        );
    }
}
