//! An event's properties as JSON text, written straight from the row's
//! cells (no JSON value per row): an object of strings, keys in byte order,
//! escaped exactly as `serde_json` writes them.

/// The JSON object of `properties` (name, text); names are distinct.
pub(super) fn properties_json(properties: &mut [(&str, &str)]) -> String {
    if properties.is_empty() {
        return "{}".to_owned();
    }
    properties.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let length: usize = properties.iter().map(|(n, t)| n.len() + t.len() + 6).sum();
    let mut json = String::with_capacity(length + 2);
    json.push('{');
    for (position, (name, text)) in properties.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        push_json_string(&mut json, name);
        json.push(':');
        push_json_string(&mut json, text);
    }
    json.push('}');
    json
}

/// Appends `text` as a JSON string: quotes and backslashes escaped, control
/// characters as `\n`-style escapes or `\u00XX`, everything else as is.
fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Nearly every cell needs no escape: one pass without an early exit,
    // which the compiler vectorises, finds that before the byte-by-byte
    // match below.
    let needs_escape = text.bytes().fold(false, |needs, byte| {
        needs | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    if !needs_escape {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (position, byte) in text.bytes().enumerate() {
        let escape: &str = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..position]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = position + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the import wrote before: a `serde_json` map turned to text.
    fn through_serde(properties: &[(&str, &str)]) -> String {
        let map: serde_json::Map<String, serde_json::Value> = properties
            .iter()
            .map(|(n, t)| ((*n).to_owned(), serde_json::Value::String((*t).to_owned())))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    #[test]
    fn properties_are_the_json_serde_would_write() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        let cases: Vec<Vec<(&str, &str)>> = vec![
            vec![],
            vec![("url", "/pricing")],
            vec![
                ("value", "12.5"),
                ("campaign", "Spring \"Launch\""),
                ("asset", "a\\b"),
            ],
            vec![("note", "line 1\nline 2\r\n\ttab \u{7f} end")],
            vec![("controls", every_control.as_str())],
            vec![("名前", "Müller – 東京 🚀"), ("Ä", "é\u{301}"), ("a", "")],
            vec![("quote\"key", "\\\"")],
        ];
        for case in cases {
            let expected = through_serde(&case);
            let mut properties = case.clone();
            let json = properties_json(&mut properties);
            assert_eq!(json, expected, "{case:?}");
            let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
            for (name, text) in &case {
                assert_eq!(parsed[*name], serde_json::Value::String((*text).to_owned()));
            }
        }
    }
}
