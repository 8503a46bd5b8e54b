//! Reading the fixture files: csv-spectrum conformance and the quirks collection.

use std::io::Write;
use std::path::{Path, PathBuf};

use leadstream_core::import::source::*;
use leadstream_core::Error;

use crate::{fixture, shared};
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A file as detected and read.
struct Read {
    format: SourceFormat,
    headers: Vec<String>,
    raw_headers: Vec<String>,
    records: Vec<Result<SourceRecord, RecordError>>,
}

impl Read {
    /// The records, which must all be readable.
    fn rows(&self) -> Vec<&SourceRecord> {
        self.records
            .iter()
            .map(|r| r.as_ref().unwrap_or_else(|e| panic!("record error: {e}")))
            .collect()
    }

    fn values(&self) -> Vec<Vec<&str>> {
        self.rows()
            .iter()
            .map(|r| r.fields.iter().collect())
            .collect()
    }

    fn last_value(&self) -> &str {
        self.rows().last().unwrap().fields.last().unwrap()
    }

    fn column(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.headers))
    }

    fn any_value(&self, value: &str) -> bool {
        self.rows()
            .iter()
            .any(|r| r.fields.iter().any(|f| f == value))
    }
}

fn read_with(path: &Path, format: SourceFormat) -> Read {
    let mut reader = RecordReader::open(path, &format).unwrap();
    let headers = reader.headers().to_vec();
    let raw_headers = reader.raw_headers().to_vec();
    let records: Vec<_> = reader.by_ref().collect();
    assert_eq!(
        reader.bytes_read(),
        reader.total_bytes(),
        "{}",
        path.display()
    );
    Read {
        format,
        headers,
        raw_headers,
        records,
    }
}

fn read(path: &Path) -> Read {
    let format = detect_format(path).unwrap_or_else(|e| panic!("{e}"));
    read_with(path, format)
}

fn read_fixture(relative: &str) -> Read {
    read(&fixture(relative))
}

fn refusal(path: &Path) -> String {
    match detect_format(path) {
        Err(Error::UnreadableFile { message, .. }) => message,
        other => panic!("{} should be refused, got {other:?}", path.display()),
    }
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.flush().unwrap();
    file
}

fn names(headers: &[&str]) -> Vec<String> {
    headers.iter().map(|h| h.to_string()).collect()
}

const MARKETING_COLUMNS: [&str; 29] = [
    "ID",
    "Year_Birth",
    "Education",
    "Marital_Status",
    "Income",
    "Kidhome",
    "Teenhome",
    "Dt_Customer",
    "Recency",
    "MntWines",
    "MntFruits",
    "MntMeatProducts",
    "MntFishProducts",
    "MntSweetProducts",
    "MntGoldProds",
    "NumDealsPurchases",
    "NumWebPurchases",
    "NumCatalogPurchases",
    "NumStorePurchases",
    "NumWebVisitsMonth",
    "AcceptedCmp3",
    "AcceptedCmp4",
    "AcceptedCmp5",
    "AcceptedCmp1",
    "AcceptedCmp2",
    "Complain",
    "Z_CostContact",
    "Z_Revenue",
    "Response",
];

// ---------------------------------------------------------------------------
// csv-spectrum
// ---------------------------------------------------------------------------

#[test]
fn csv_spectrum_every_case_matches_its_expected_json() {
    let dir = fixture("csv-spectrum/csvs");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 12);
    for csv in cases {
        let case = csv.file_stem().unwrap().to_str().unwrap().to_owned();
        let json = if case == "location_coordinates" {
            fixture("csv-spectrum/json/location_coordinates.corrected.json")
        } else {
            fixture(&format!("csv-spectrum/json/{case}.json"))
        };
        let expected: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let file = read(&csv);
        assert_eq!(file.format.encoding, TextEncoding::Utf8, "{case}");
        assert_eq!(file.format.delimiter, ",", "{case}");
        assert!(file.format.has_header, "{case}");
        let actual: Vec<Value> = file
            .rows()
            .iter()
            .map(|row| {
                assert_eq!(row.fields.len(), file.raw_headers.len(), "{case}");
                let object: Map<String, Value> = file
                    .raw_headers
                    .iter()
                    .zip(row.fields.iter())
                    .map(|(k, v)| (k.clone(), Value::String(v.to_owned())))
                    .collect();
                Value::Object(object)
            })
            .collect();
        assert_eq!(Value::Array(actual), expected, "{case}");
    }
}

#[test]
fn csv_spectrum_crlf_cases_keep_crlf_inside_quotes() {
    let file = read_fixture("csv-spectrum/csvs/newlines_crlf.csv");
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert!(file.any_value("Once upon \r\na time"));
    let lines: Vec<u64> = file.rows().iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5]);
}

// ---------------------------------------------------------------------------
// csvkit fixtures
// ---------------------------------------------------------------------------

#[test]
fn csvkit_utf8_with_and_without_bom() {
    let with_bom = read_fixture("quirks/csvkit-fixtures/test_utf8_bom.csv");
    assert_eq!(with_bom.format.encoding, TextEncoding::Utf8);
    assert!(with_bom.format.has_bom);
    assert_eq!(with_bom.raw_headers, names(&["foo", "bar", "baz"]));
    assert_eq!(with_bom.values(), [["1", "2", "3"], ["4", "5", "ʤ"]]);
    assert_eq!(with_bom.rows()[0].byte, 15, "offsets count the BOM");

    let without = read_fixture("quirks/csvkit-fixtures/test_utf8.csv");
    assert_eq!(without.format.encoding, TextEncoding::Utf8);
    assert!(!without.format.has_bom);
    assert_eq!(without.headers, with_bom.headers);
    assert_eq!(without.values(), with_bom.values());
}

#[test]
fn csvkit_latin1_is_read_as_windows_1252() {
    let file = read_fixture("quirks/csvkit-fixtures/test_latin1.csv");
    assert_eq!(file.format.encoding, TextEncoding::Windows1252);
    assert_eq!(file.headers, names(&["a", "b", "c"]));
    assert_eq!(file.values(), [["1", "2", "3"], ["4", "5", "©"]]);
}

#[test]
fn csvkit_utf16_both_byte_orders() {
    for (name, encoding) in [
        ("test_utf16_little.csv", TextEncoding::Utf16Le),
        ("test_utf16_big.csv", TextEncoding::Utf16Be),
    ] {
        let file = read_fixture(&format!("quirks/csvkit-fixtures/{name}"));
        assert_eq!(file.format.encoding, encoding, "{name}");
        assert!(file.format.has_bom, "{name}");
        assert_eq!(file.headers, names(&["a", "b", "c"]), "{name}");
        assert_eq!(file.values().len(), 2, "{name}");
        assert_eq!(file.last_value(), "\u{2A4}", "{name}");
        // 2 bytes of BOM, then 2 bytes per UTF-16 unit.
        let starts: Vec<(u64, u64)> = file.rows().iter().map(|r| (r.line, r.byte)).collect();
        assert_eq!(starts, [(2, 14), (3, 26)], "{name}");
    }
}

#[test]
fn csvkit_delimiters_and_locale_numbers() {
    let semicolon = read_fixture("quirks/csvkit-fixtures/sniff_limit.csv");
    assert_eq!(semicolon.format.delimiter, ";");
    assert_eq!(semicolon.headers, names(&["a", "b", "c"]));
    assert_eq!(semicolon.values(), [["1", "2", "3"]]);

    let tab = read_fixture("quirks/csvkit-fixtures/dummy.tsv");
    assert_eq!(tab.format.delimiter, "\t");
    assert_eq!(tab.values(), [["1", "2", "3"]]);

    let locale = read_fixture("quirks/csvkit-fixtures/test_locale.csv");
    assert_eq!(locale.format.delimiter, ",");
    assert_eq!(locale.values(), [["1,7", "200.000.000", ""]]);

    let quoted = read_fixture("quirks/csvkit-fixtures/optional_quote_characters.csv");
    assert_eq!(quoted.format.quote, "\"");
    assert_eq!(quoted.values(), [["1", "2", "3"]]);
}

#[test]
fn csvkit_mac_newlines_are_cr_only() {
    let file = read_fixture("quirks/csvkit-fixtures/mac_newlines.csv");
    assert_eq!(file.format.line_ending, LineEnding::Cr);
    assert_eq!(file.headers, names(&["a", "b", "c"]));
    assert_eq!(
        file.values(),
        [vec!["1", "2", "3"], vec!["Once upon\ra time", "5", "6"]]
    );
    let lines: Vec<u64> = file.rows().iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn csvkit_header_cell_with_control_characters_is_cleaned() {
    let file = read_fixture("quirks/csvkit-fixtures/test_header_newline.csv");
    assert_eq!(file.headers, names(&["start end", "b", "c"]));
    assert_eq!(
        file.raw_headers[0],
        "\t\n\x0B\x0C\r start \t\n\x0B\x0C\r end \t\n\x0B\x0C\r"
    );
    assert_eq!(file.values(), [["d", "e", "f"]]);
    // The header spans seven physical lines (LF, lone CR and LF breaks).
    assert_eq!(file.rows()[0].line, 8);
}

#[test]
fn csvkit_null_byte_rejects_only_its_row() {
    let file = read_fixture("quirks/csvkit-fixtures/null_byte.csv");
    assert_eq!(file.headers, names(&["a", "b", "c"]));
    assert_eq!(file.records.len(), 1);
    let error = file.records[0].as_ref().unwrap_err();
    assert_eq!(error.line, 2);
    assert_eq!(error.byte, 6);
    assert!(error.message.contains("NUL"), "{}", error.message);
    assert!(error.message.contains("column 1"), "{}", error.message);
    assert_eq!(error.fields, ["\u{FFFD}", "2", "3"]);
}

#[test]
fn csvkit_bad_rows_come_back_ragged() {
    let file = read_fixture("quirks/csvkit-fixtures/bad.csv");
    assert_eq!(file.headers, names(&["column_a", "column_b", "column_c"]));
    let widths: Vec<usize> = file.rows().iter().map(|r| r.fields.len()).collect();
    assert_eq!(widths, [4, 2, 3]);
    assert_eq!(file.values()[0], ["1", "27", "", "I'm too long!"]);
    assert_eq!(file.values()[1], ["", "I'm too short!"]);
}

#[test]
fn csvkit_blanks_keep_null_like_tokens_as_text() {
    let file = read_fixture("quirks/csvkit-fixtures/blanks.csv");
    assert_eq!(file.headers, names(&["a", "b", "c", "d", "e", "f"]));
    assert_eq!(file.values(), [["", "NA", "N/A", "NONE", "NULL", "."]]);
}

#[test]
fn csvkit_empty_column_names_are_numbered() {
    let file = read_fixture("quirks/csvkit-fixtures/test_empty_columns.csv");
    assert_eq!(
        file.headers,
        names(&["a", "b", "c", "Column 4", "Column 5"])
    );
    assert_eq!(file.raw_headers, names(&["a", "b", "c", "", ""]));
    let widths: Vec<usize> = file.rows().iter().map(|r| r.fields.len()).collect();
    assert_eq!(widths, [5, 4, 5]);
}

#[test]
fn csvkit_blank_lines_before_the_header_are_skipped() {
    let file = read_fixture("quirks/csvkit-fixtures/test_skip_lines.csv");
    assert_eq!(file.format.skip_lines, 3);
    assert_eq!(file.headers, names(&["a", "b", "c"]));
    assert_eq!(file.values(), [["1", "2", "3"]]);
    assert_eq!((file.rows()[0].line, file.rows()[0].byte), (5, 9));
}

// ---------------------------------------------------------------------------
// frictionless fixtures
// ---------------------------------------------------------------------------

#[test]
fn frictionless_small_files() {
    let bom = read_fixture("quirks/frictionless-fixtures/bom.csv");
    assert_eq!(bom.format.encoding, TextEncoding::Utf8);
    assert!(bom.format.has_bom);
    assert_eq!(bom.raw_headers, names(&["id", "name"]));
    assert_eq!(bom.values(), [["1", "english"], ["2", "中国人"]]);

    let latin1 = read_fixture("quirks/frictionless-fixtures/latin1.csv");
    assert_eq!(latin1.format.encoding, TextEncoding::Windows1252);
    assert_eq!(latin1.headers, names(&["id", "name"]));
    assert_eq!(latin1.values(), [["1", "english"], ["2", "©"]]);

    let semicolon = read_fixture("quirks/frictionless-fixtures/issue-1009-semicolon.csv");
    assert_eq!(semicolon.format.delimiter, ";");
    assert_eq!(semicolon.headers, names(&["fieldNameA", "fieldNameB"]));
    assert_eq!(semicolon.values(), [["0123", "c"]]);
}

#[test]
fn frictionless_table_with_accents() {
    let file = read_fixture("quirks/frictionless-fixtures/table-with-accents.csv");
    assert_eq!(file.format.encoding, TextEncoding::Windows1252);
    assert_eq!(file.format.delimiter, ";");
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(
        file.headers,
        names(&[
            "Classement",
            "Quartier",
            "Date",
            "Année",
            "Occupancy rate",
            "Average Price",
            "RevPAR",
            "Source"
        ])
    );
    assert_eq!(file.rows().len(), 638);
    assert!(file.rows().iter().all(|r| r.fields.len() == 8));
    assert_eq!(
        file.values()[0],
        [
            "3 stars",
            "All",
            "01-01-13",
            "2013",
            "0,611553068",
            "81,20416129",
            "49,66065393",
            "Mkg"
        ]
    );
}

#[test]
fn frictionless_issue_811_windows_1252_with_multiline_headers() {
    let file = read_fixture("quirks/frictionless-fixtures/issue-811.csv");
    assert_eq!(file.format.encoding, TextEncoding::Windows1252);
    assert_eq!(file.format.delimiter, ";");
    // Records end with CRLF; the two bare LFs are inside quoted header cells.
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(file.headers.len(), 26);
    assert_eq!(
        file.raw_headers[1],
        "Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)"
    );
    assert_eq!(
        file.headers[1],
        "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)"
    );
    assert_eq!(
        file.headers[11],
        "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)"
    );
    assert_eq!(
        file.raw_headers[12],
        "Tipologia di Unità territoriale sovracomunale "
    );
    assert_eq!(
        file.headers[12],
        "Tipologia di Unità territoriale sovracomunale"
    );
    assert_eq!(file.headers[2], "Codice Provincia (Storico)(1)");
    assert_eq!(file.headers[25], "Codice NUTS3 2021");
    let rows = file.rows();
    assert_eq!(rows.len(), 7904);
    assert!(rows.iter().all(|r| r.fields.len() == 26));
    // The header takes lines 1-3, so the first record is on line 4.
    assert_eq!(rows[0].line, 4);
    assert_eq!(rows[7903].line, 7907);
    let name = file.column("Denominazione (Italiana e straniera)");
    let has = |value: &str| rows.iter().any(|r| &r.fields[name] == value);
    assert!(has("San Floriano del Collio-Števerjan"));
    assert!(has("Duino Aurisina-Devin Nabrežina"));
    assert!(has("Agliè"));
    assert!(rows.iter().any(|r| r.fields.iter().any(|f| f == " 001 ")));
}

#[test]
fn frictionless_issue_647_french_charging_stations() {
    let file = read_fixture("quirks/frictionless-fixtures/issue-647.csv.txt");
    assert_eq!(file.format.encoding, TextEncoding::Windows1252);
    assert_eq!(file.format.delimiter, ";");
    assert_eq!(file.format.line_ending, LineEnding::Lf);
    assert_eq!(file.headers.len(), 17);
    assert_eq!(file.headers[14], "accessibilité");
    assert_eq!(file.rows().len(), 882);
    assert!(file.rows().iter().all(|r| r.fields.len() == 17));
    assert!(file.any_value("Allée du Ninu 20600 Bastia"));
}

#[test]
fn frictionless_late_utf8_is_still_utf8() {
    let file = read_fixture("quirks/frictionless-fixtures/encoding-issue-274.csv");
    assert_eq!(file.format.encoding, TextEncoding::Utf8);
    assert_eq!(file.format.delimiter, ",");
    assert_eq!(file.headers.len(), 17);
    assert_eq!(file.headers[16], "source_url");
    assert_eq!(file.rows().len(), 507);
    let name = file.column("name");
    assert!(file
        .rows()
        .iter()
        .any(|r| r.fields[name].contains("Te Rua Mahara o te Kāwanatanga")));
}

// ---------------------------------------------------------------------------
// Salesforce Data Loader fixtures
// ---------------------------------------------------------------------------

#[test]
fn salesforce_bom_variants_read_the_same() {
    let expected = [
        ["row1-1", "row1-2", "row1-3"],
        ["row2-1", "row2-2", "row2-3"],
    ];
    for (name, encoding, has_bom) in [
        ("csvtext.csv", TextEncoding::Utf8, false),
        ("csvtext_BOM_UTF8.csv", TextEncoding::Utf8, true),
        ("csvtext_BOM_UTF16LE.csv", TextEncoding::Utf16Le, true),
        ("csvtext_BOM_UTF16BE.csv", TextEncoding::Utf16Be, true),
    ] {
        let file = read_fixture(&format!("quirks/salesforce-dataloader-fixtures/{name}"));
        assert_eq!(file.format.encoding, encoding, "{name}");
        assert_eq!(file.format.has_bom, has_bom, "{name}");
        assert_eq!(file.format.delimiter, ",", "{name}");
        assert_eq!(
            file.raw_headers,
            names(&["column1", "column2", "column3"]),
            "{name}"
        );
        assert_eq!(file.values(), expected, "{name}");
    }
}

#[test]
fn salesforce_utf32_behind_a_utf16_mark_is_refused() {
    for name in ["csvtext_BOM_UTF32LE.csv", "csvtext_BOM_UTF32BE.csv"] {
        let message = refusal(&fixture(&format!(
            "quirks/salesforce-dataloader-fixtures/{name}"
        )));
        assert!(message.contains("malformed byte-order mark"), "{message}");
        assert!(message.contains("FE FF"), "{message}");
        assert!(message.contains("UTF-32"), "{message}");
        assert!(message.contains("UTF-8"), "says what to do: {message}");
    }
}

#[test]
fn salesforce_separator_and_escaped_quotes() {
    let separator = read_fixture("quirks/salesforce-dataloader-fixtures/csvSeparator.csv");
    assert_eq!(separator.format.delimiter, ",");
    assert_eq!(
        separator.headers,
        names(&["column1", "column2!some", "column3"])
    );
    assert_eq!(separator.rows().len(), 2);

    let quotes = read_fixture("quirks/salesforce-dataloader-fixtures/csvEscapedQuotes.csv");
    assert_eq!(quotes.headers, names(&["column1", "column2"]));
    assert_eq!(
        quotes.values(),
        [
            ["\"The Best\" Account", "bla"],
            ["The \"Best\" Account", "bla"]
        ]
    );
}

/// Every copied quirk file is either read completely or refused on purpose.
#[test]
fn every_copied_quirk_file_is_covered() {
    let refused = ["csvtext_BOM_UTF32LE.csv", "csvtext_BOM_UTF32BE.csv"];
    for set in [
        "csvkit-fixtures",
        "frictionless-fixtures",
        "salesforce-dataloader-fixtures",
    ] {
        for entry in std::fs::read_dir(fixture(&format!("quirks/{set}"))).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name == "PROVENANCE.md" {
                continue;
            }
            if refused.contains(&name.as_str()) {
                refusal(&path);
                continue;
            }
            let file = read(&path);
            assert!(!file.headers.is_empty(), "{name}");
            assert!(!file.records.is_empty(), "{name}");
        }
    }
}

// ---------------------------------------------------------------------------
// Excel re-saved variants and lead datasets
//
// Files with an open licence are in tests/fixtures and always read. The
// others stay in ../shared/data (no licence, or not copied): their tests are
// ignored, so a skip shows in every run, and fail naming the missing file
// when run (`cargo test --test import -- --ignored`) without it.
// ---------------------------------------------------------------------------

/// A file of ../shared/data; panics, naming it, when it is absent.
fn shared_file(relative: &str) -> PathBuf {
    shared(relative).unwrap_or_else(|| {
        panic!("this test needs ../shared/data/{relative}, which is not present")
    })
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/quirks/excel-resaved-variants/marketing_campaign__bom_whole-row-quoted_tab_crlf.csv (licence: none, not copied)"
)]
fn excel_rows_wrapped_in_quotes_are_unwrapped() {
    let path = shared_file(
        "quirks/excel-resaved-variants/marketing_campaign__bom_whole-row-quoted_tab_crlf.csv",
    );
    let file = read(&path);
    assert!(file.format.rows_wrapped_in_quotes);
    assert_eq!(file.format.delimiter, "\t");
    assert_eq!(file.format.encoding, TextEncoding::Utf8);
    assert!(file.format.has_bom);
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(file.headers, names(&MARKETING_COLUMNS));
    let rows = file.rows();
    assert_eq!(rows.len(), 2240);
    assert!(rows.iter().all(|r| r.fields.len() == 29));
    assert_eq!(
        &file.values()[0][..8],
        [
            "5524",
            "1957",
            "Graduation",
            "Single",
            "58138",
            "0",
            "0",
            "04-09-2012"
        ]
    );
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/quirks/excel-resaved-variants/marketing_campaign__bom_semicolon_crlf_isodate.csv (licence: none, not copied)"
)]
fn excel_semicolon_with_bom() {
    let path = shared_file(
        "quirks/excel-resaved-variants/marketing_campaign__bom_semicolon_crlf_isodate.csv",
    );
    let file = read(&path);
    assert_eq!(file.format.delimiter, ";");
    assert!(file.format.has_bom);
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(file.raw_headers, names(&MARKETING_COLUMNS));
    assert_eq!(file.rows().len(), 2240);
    assert!(file.rows().iter().all(|r| r.fields.len() == 29));
    assert_eq!(file.values()[0][file.column("Dt_Customer")], "2012-09-04");
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/quirks/excel-resaved-variants/marketing_campaign__tab_space-padded.csv (licence: none, not copied)"
)]
fn excel_tab_space_padded() {
    let path =
        shared_file("quirks/excel-resaved-variants/marketing_campaign__tab_space-padded.csv");
    let file = read(&path);
    assert_eq!(file.format.delimiter, "\t");
    assert_eq!(file.format.encoding, TextEncoding::Utf8);
    assert_eq!(file.format.line_ending, LineEnding::Lf);
    assert_eq!(file.headers, names(&MARKETING_COLUMNS));
    assert_eq!(file.raw_headers[0], "ID ");
    assert_eq!(file.raw_headers[1], " Year_Birth");
    assert_eq!(file.rows().len(), 2240);
    // Values are returned as they are; trimming is normalisation's job.
    assert_eq!(file.values()[0][3], "    Single");
    assert_eq!(file.values()[0][4], "    58138");
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/quirks/excel-resaved-variants/marketing_campaign__comma_excel-serial-dates.csv (licence: none, not copied)"
)]
fn excel_comma_serial_dates() {
    let path = shared_file(
        "quirks/excel-resaved-variants/marketing_campaign__comma_excel-serial-dates.csv",
    );
    let file = read(&path);
    assert_eq!(file.format.delimiter, ",");
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(file.headers, names(&MARKETING_COLUMNS));
    assert_eq!(file.rows().len(), 2240);
    assert_eq!(file.values()[0][file.column("Dt_Customer")], "41156");
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/quirks/excel-resaved-variants/Leads__trailing-delimiter_crlf.csv (licence: none, not copied)"
)]
fn excel_trailing_delimiter_adds_an_unnamed_column() {
    let path = shared_file("quirks/excel-resaved-variants/Leads__trailing-delimiter_crlf.csv");
    let file = read(&path);
    assert_eq!(file.format.delimiter, ",");
    assert_eq!(file.format.line_ending, LineEnding::CrLf);
    assert_eq!(file.headers.len(), 38);
    assert_eq!(file.headers[0], "Prospect ID");
    assert_eq!(file.headers[36], "Last Notable Activity");
    assert_eq!(file.headers[37], "Column 38");
    assert_eq!(file.raw_headers[37], "");
    let rows = file.rows();
    assert_eq!(rows.len(), 9240);
    assert!(rows
        .iter()
        .all(|r| r.fields.len() == 38 && r.fields[37].is_empty()));
}

/// (file, encoding, delimiter, columns, rows) of a lead dataset.
type Dataset = (&'static str, TextEncoding, &'static str, usize, usize);

/// Reads a lead dataset completely and checks its shape.
fn check_dataset(path: &Path, (relative, encoding, delimiter, columns, rows): Dataset) {
    let file = read(path);
    assert_eq!(file.format.encoding, encoding, "{relative}");
    assert_eq!(file.format.delimiter, delimiter, "{relative}");
    assert_eq!(file.headers.len(), columns, "{relative}");
    assert_eq!(file.rows().len(), rows, "{relative}");
    assert!(
        file.rows().iter().all(|r| r.fields.len() == columns),
        "{relative}"
    );
}

#[test]
fn lead_datasets_in_the_fixtures_read_completely() {
    let cases: [Dataset; 3] = [
        (
            "leads/salesforce-dataloader-samples/accountData.csv",
            TextEncoding::Windows1252,
            ",",
            38,
            423,
        ),
        (
            "leads/salesforce-dataloader-samples/opportunityData.csv",
            TextEncoding::Utf8,
            ",",
            31,
            38,
        ),
        (
            "leads/uci-bank-marketing/bank-full.csv",
            TextEncoding::Utf8,
            ";",
            17,
            45211,
        ),
    ];
    for case in cases {
        check_dataset(&fixture(case.0), case);
    }
    // Its first non-ASCII byte is at offset 33,254, past a naive sniff.
    let accounts = read_fixture("leads/salesforce-dataloader-samples/accountData.csv");
    assert!(accounts.any_value("Pébéo of America"));
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/leads/{customer-personality,x-education} (licence: none, not copied)"
)]
fn unlicensed_lead_datasets_read_completely() {
    let cases: [Dataset; 3] = [
        (
            "leads/customer-personality/marketing_campaign.csv",
            TextEncoding::Utf8,
            "\t",
            29,
            2240,
        ),
        (
            "leads/x-education/Leads.csv",
            TextEncoding::Utf8,
            ",",
            37,
            9240,
        ),
        (
            "leads/x-education/Leads_Data_Dictionary.csv",
            TextEncoding::Utf8,
            ",",
            2,
            37,
        ),
    ];
    for case in cases {
        check_dataset(&shared_file(case.0), case);
    }
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/leads/uci-bank-marketing/{bank,bank-additional-full}.csv (licence: CC BY 4.0, not copied)"
)]
fn uci_bank_variants_read_completely() {
    let cases: [Dataset; 2] = [
        (
            "leads/uci-bank-marketing/bank.csv",
            TextEncoding::Utf8,
            ";",
            17,
            4521,
        ),
        (
            "leads/uci-bank-marketing/bank-additional-full.csv",
            TextEncoding::Utf8,
            ";",
            21,
            41188,
        ),
    ];
    for case in cases {
        check_dataset(&shared_file(case.0), case);
    }
}

// ---------------------------------------------------------------------------
// Generated bad input
// ---------------------------------------------------------------------------

#[test]
fn empty_file_is_refused_by_detection_and_empty_for_the_reader() {
    let file = temp_file(b"");
    assert_eq!(refusal(file.path()), "the file is empty");
    let read = read_with(file.path(), SourceFormat::default());
    assert!(read.headers.is_empty());
    assert!(read.records.is_empty());
}

#[test]
fn header_only_files_have_headers_and_no_records() {
    for bytes in [&b"a,b,c\n"[..], b"a,b,c", b"\xEF\xBB\xBFa;b;c\r\n"] {
        let file = temp_file(bytes);
        let read = read(file.path());
        assert_eq!(read.headers, names(&["a", "b", "c"]));
        assert!(read.records.is_empty());
        let (headers, records) = preview(file.path(), &read.format, 10).unwrap();
        assert_eq!(headers, names(&["a", "b", "c"]));
        assert!(records.is_empty());
    }
}

#[test]
fn binary_files_renamed_csv_are_refused() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let mut xlsx = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
    xlsx.extend_from_slice(b"[Content_Types].xml");
    xlsx.extend_from_slice(&[0u8; 64]);
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend_from_slice(&[0u8; 64]);
    let cases: [(&[u8], &str); 6] = [
        (&png, "PNG"),
        (&xlsx, ".xlsx"),
        (b"PK\x03\x04junk", "ZIP"),
        (&xls, ".xls"),
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "PDF"),
        (b"SQLite format 3\0\x10\0\x01\x01", "SQLite"),
    ];
    for (bytes, kind) in cases {
        let file = temp_file(bytes);
        let message = refusal(file.path());
        assert!(message.starts_with("this is not a text file"), "{message}");
        assert!(message.contains(kind), "{kind}: {message}");
    }
    // No magic number, but mostly control bytes.
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 32) as u8).collect();
    let message = refusal(temp_file(&noise).path());
    assert!(message.contains("not a text file"), "{message}");
}

#[test]
fn malformed_and_unsupported_encodings_are_refused_by_name() {
    let utf32 = temp_file(b"\xFF\xFE\0\0a\0\0\0,\0\0\0b\0\0\0");
    assert!(refusal(utf32.path()).contains("UTF-32"));

    let cyrillic = "Имя,Город\nИван,Москва\nПётр,Санкт-Петербург\nАнна,Новосибирск\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(cyrillic);
    let message = refusal(temp_file(&bytes).path());
    assert!(message.contains("windows-1251"), "{message}");
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn utf16_without_bom_is_detected() {
    let text = "name,email\nAnn,ann@example.com\nBo,bo@example.com\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let file = temp_file(&bytes);
    let read = read(file.path());
    assert_eq!(read.format.encoding, TextEncoding::Utf16Le);
    assert!(!read.format.has_bom);
    assert_eq!(read.headers, names(&["name", "email"]));
    assert_eq!(read.values()[1], ["Bo", "bo@example.com"]);
    assert_eq!(read.rows()[1].byte, 2 * 31);
}

#[test]
fn five_thousand_columns() {
    let header: Vec<String> = (1..=5000).map(|i| format!("field_{i}")).collect();
    let mut text = header.join(",") + "\n";
    for row in 0..3 {
        let values: Vec<String> = (1..=5000).map(|i| format!("{row}-{i}")).collect();
        text += &(values.join(",") + "\n");
    }
    let file = temp_file(text.as_bytes());
    let read = read(file.path());
    assert_eq!(read.format.delimiter, ",");
    assert_eq!(read.headers.len(), 5000);
    assert_eq!(read.headers[4999], "field_5000");
    assert_eq!(read.rows().len(), 3);
    assert!(read.rows().iter().all(|r| r.fields.len() == 5000));
    assert_eq!(read.values()[2][4999], "2-5000");
}

#[test]
fn ten_megabyte_cell() {
    let line = "lorem ipsum, dolor; sit \"amet\"\n";
    let cell: String = line.repeat(10 * 1024 * 1024 / line.len() + 1);
    let lines_in_cell = cell.matches('\n').count() as u64;
    let quoted = cell.replace('"', "\"\"");
    let text = format!("id,notes,tag\n1,\"{quoted}\",x\n2,short,y\n");
    let file = temp_file(text.as_bytes());
    let read = read(file.path());
    assert_eq!(read.format.delimiter, ",");
    assert_eq!(read.headers, names(&["id", "notes", "tag"]));
    let rows = read.rows();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].fields[1].len() > 10 * 1024 * 1024);
    assert_eq!(rows[0].fields[1], cell);
    assert_eq!(rows[1].line, 2 + lines_in_cell + 1);
    assert_eq!(rows[1].byte, (text.len() - "2,short,y\n".len()) as u64);
}

#[test]
fn late_windows_1252_byte_after_ten_megabytes_of_ascii() {
    let mut bytes = b"name,city\n".to_vec();
    while bytes.len() < 10 * 1024 * 1024 {
        bytes.extend_from_slice(b"Ann,Paris\n");
    }
    bytes.extend_from_slice(b"Ren\xE9e,Montr\xE9al\n");
    let file = temp_file(&bytes);
    let read = read(file.path());
    assert_eq!(read.format.encoding, TextEncoding::Windows1252);
    assert_eq!(read.values().last().unwrap(), &["Renée", "Montréal"]);
}

#[test]
fn late_utf8_character_after_ten_megabytes_of_ascii() {
    let mut bytes = b"name,city\n".to_vec();
    while bytes.len() < 10 * 1024 * 1024 {
        bytes.extend_from_slice(b"Ann,Paris\n");
    }
    bytes.extend_from_slice("Renée,Montréal\n".as_bytes());
    let file = temp_file(&bytes);
    let read = read(file.path());
    assert_eq!(read.format.encoding, TextEncoding::Utf8);
    assert_eq!(read.values().last().unwrap(), &["Renée", "Montréal"]);
}

#[test]
fn invalid_utf8_beyond_the_detection_limit_rejects_only_its_record() {
    let row = b"1,Ann,ann@example.com,Zurich\n";
    let mut bytes = b"id,name,email,city\n".to_vec();
    let mut good_rows = 0u64;
    while bytes.len() <= DETECTION_LIMIT {
        bytes.extend_from_slice(row);
        good_rows += 1;
    }
    let bad_line = 1 + good_rows + 1;
    let bad_byte = bytes.len() as u64;
    bytes.extend_from_slice(b"2,Bj\xF6rn,bjorn@example.com,Oslo\n");
    bytes.extend_from_slice(row);
    let file = temp_file(&bytes);
    let format = detect_format(file.path()).unwrap();
    assert_eq!(format.encoding, TextEncoding::Utf8);
    let mut reader = RecordReader::open(file.path(), &format).unwrap();
    let mut errors = Vec::new();
    let mut count = 0u64;
    while let Some(record) = reader.next_record() {
        count += 1;
        if let Err(error) = record {
            errors.push(error);
        }
    }
    assert_eq!(count, good_rows + 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, bad_line);
    assert_eq!(errors[0].byte, bad_byte);
    assert_eq!(
        errors[0].message,
        format!("invalid UTF-8 at byte {}", bad_byte + 4)
    );
    assert_eq!(&errors[0].fields[1], "Bj\u{FFFD}rn");
}

#[test]
fn mostly_utf8_file_with_one_broken_byte_stays_utf8() {
    let mut text = "name,city\n".to_owned();
    for _ in 0..20 {
        text += "José,São Paulo\n";
    }
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"Bj\xF6rn,Troms\xF8\n");
    bytes.extend_from_slice("Zoë,Zürich\n".as_bytes());
    let read = read(temp_file(&bytes).path());
    assert_eq!(read.format.encoding, TextEncoding::Utf8);
    assert_eq!(read.records.len(), 22);
    let error = read.records[20].as_ref().unwrap_err();
    assert_eq!(error.line, 22);
    assert!(error.message.starts_with("invalid UTF-8 at byte"));
    assert_eq!(read.records[21].as_ref().unwrap().fields, ["Zoë", "Zürich"]);
}

#[test]
fn first_row_of_data_means_no_header() {
    let file = temp_file(b"1,ann@example.com,2024-01-05\n2,bo@example.com,2024-02-11\n");
    let read = read(file.path());
    assert!(!read.format.has_header);
    assert_eq!(read.headers, names(&["Column 1", "Column 2", "Column 3"]));
    assert_eq!(read.rows().len(), 2);
    assert_eq!(read.rows()[0].line, 1);
}

#[test]
fn single_quotes_are_detected_when_clearly_used() {
    let file = temp_file(b"'name','note'\n'Ann','likes, commas'\n'Bo','x'\n");
    let read = read(file.path());
    assert_eq!(read.format.quote, "'");
    assert_eq!(read.values()[0], ["Ann", "likes, commas"]);
}

#[test]
fn a_single_column_file_is_fine() {
    let read = read(temp_file(b"email\nann@example.com\nbo@example.com\n").path());
    assert_eq!(read.format.delimiter, ",");
    assert_eq!(read.headers, names(&["email"]));
    assert_eq!(read.rows().len(), 2);
}

#[test]
fn user_overrides_skip_title_lines_and_disable_quoting() {
    let file =
        temp_file(b"Export of 2024-05-01\r\nGenerated by CRM\r\nname;note\r\nAnn;\"quoted\"\r\n");
    let format = SourceFormat {
        delimiter: ";".into(),
        quote: String::new(),
        skip_lines: 2,
        ..SourceFormat::default()
    };
    let read = read_with(file.path(), format);
    assert_eq!(read.headers, names(&["name", "note"]));
    assert_eq!(read.values(), [["Ann", "\"quoted\""]]);
    assert_eq!((read.rows()[0].line, read.rows()[0].byte), (4, 51));
}

#[test]
fn duplicate_header_names_are_numbered() {
    let read = read(temp_file(b"Email,email,Email, Email ,\nA,b,c,d,e\n").path());
    assert_eq!(
        read.headers,
        names(&["Email", "email", "Email (2)", "Email (3)", "Column 5"])
    );
    assert_eq!(read.raw_headers[3], " Email ");
}

#[test]
fn invalid_formats_are_refused() {
    let file = temp_file(b"a,b\n1,2\n");
    for (delimiter, quote) in [
        ("", "\""),
        (",,", "\""),
        ("§", "\""),
        ("\n", "\""),
        (",", ","),
    ] {
        let format = SourceFormat {
            delimiter: delimiter.into(),
            quote: quote.into(),
            ..SourceFormat::default()
        };
        assert!(matches!(
            RecordReader::open(file.path(), &format),
            Err(Error::InvalidArgument(_))
        ));
    }
}

#[test]
fn preview_stops_at_its_limit_and_reports_progress() {
    let mut text = "id,name\n".to_owned();
    for i in 0..100 {
        text += &format!("{i},name {i}\n");
    }
    let file = temp_file(text.as_bytes());
    let format = detect_format(file.path()).unwrap();
    let (headers, records) = preview(file.path(), &format, 5).unwrap();
    assert_eq!(headers, names(&["id", "name"]));
    assert_eq!(records.len(), 5);
    assert_eq!(records[4].as_ref().unwrap().fields, ["4", "name 4"]);

    let mut reader = RecordReader::open(file.path(), &format).unwrap();
    assert_eq!(reader.total_bytes(), text.len() as u64);
    reader.next_record();
    let early = reader.bytes_read();
    assert!(early > 0 && early < reader.total_bytes());
    while reader.next_record().is_some() {}
    assert_eq!(reader.bytes_read(), reader.total_bytes());
}

// ---------------------------------------------------------------------------
// Stray quotes: a quote that never closes rejects its record, not the file
// ---------------------------------------------------------------------------

/// The line, fields and message of each record, readable or not.
fn outcomes(read: &Read) -> Vec<(u64, Vec<&str>, Option<&str>)> {
    read.records
        .iter()
        .map(|record| match record {
            Ok(r) => (r.line, r.fields.iter().collect(), None),
            Err(e) => (e.line, e.fields.iter().collect(), Some(e.message.as_str())),
        })
        .collect()
}

#[test]
fn a_stray_quote_does_not_swallow_the_rest_of_the_file() {
    let file = temp_file(b"email,company\na@x.com,\"Acme\nb@x.com,Beta\nc@x.com,Gamma\n");
    let read = read(file.path());
    assert_eq!(
        outcomes(&read),
        [
            (
                2,
                vec!["a@x.com", "Acme"],
                Some(
                    "a quote opened in column 2 (company) never closes; \
                     the lines after it are read as rows of their own"
                )
            ),
            (3, vec!["b@x.com", "Beta"], None),
            (4, vec!["c@x.com", "Gamma"], None),
        ]
    );
}

#[test]
fn a_stray_quote_at_the_end_of_the_last_line_is_rejected() {
    let file = temp_file(b"email,company\r\na@x.com,Acme\r\nb@x.com,\"Beta");
    let read = read(file.path());
    assert_eq!(
        outcomes(&read),
        [
            (2, vec!["a@x.com", "Acme"], None),
            (
                3,
                vec!["b@x.com", "Beta"],
                Some(
                    "a quote opened in column 2 (company) never closes; \
                     the lines after it are read as rows of their own"
                )
            ),
        ]
    );
}

#[test]
fn a_stray_quote_closed_by_a_later_stray_quote_is_still_rejected() {
    // Line 3's quote would close line 2's, followed by text: not a real close.
    let file = temp_file(b"email,company\na@x.com,\"Acme\nb@x.com,\"Beta\" Inc\nc@x.com,Gamma\n");
    let read = read(file.path());
    let lines: Vec<(u64, bool)> = read
        .records
        .iter()
        .map(|r| match r {
            Ok(r) => (r.line, true),
            Err(e) => (e.line, false),
        })
        .collect();
    assert_eq!(lines, [(2, false), (3, true), (4, true)]);
    assert_eq!(
        outcomes(&read)[1].1,
        ["b@x.com", "Beta Inc"],
        "line 3 is read on its own, its own quotes closing normally"
    );
}

#[test]
fn a_stray_quote_opened_after_a_multiline_field_names_its_own_line() {
    let file = temp_file(b"id,note,company\n1,\"two\nlines\",\"Acme\n2,ok,Beta\n");
    let read = read(file.path());
    let outcomes = outcomes(&read);
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert_eq!(outcomes[0].0, 2);
    assert_eq!(
        outcomes[0].2,
        Some(
            "a quote opened on line 3 in column 3 (company) never closes; \
             the lines after it are read as rows of their own"
        )
    );
    assert_eq!(outcomes[1], (4, vec!["2", "ok", "Beta"], None));
}

#[test]
fn legitimate_multiline_and_escaped_quotes_still_read() {
    let file = temp_file(b"id,note\n1,\"a \"\"quoted\"\"\nnote\"\n2,\"x\"\"\"\n3,plain\"quote\n");
    let read = read(file.path());
    assert_eq!(
        read.values(),
        [
            vec!["1", "a \"quoted\"\nnote"],
            vec!["2", "x\""],
            vec!["3", "plain\"quote"]
        ]
    );
}

#[test]
fn a_stray_quote_is_one_rejected_row_and_every_line_is_counted() {
    use leadstream_core::import::apply::{run_import, ImportControl};
    use leadstream_core::import::inspect::inspect;
    use std::sync::atomic::AtomicBool;

    let dir = tempfile::tempdir().unwrap();
    let mut ws = leadstream_core::Workspace::create(dir.path().join("w.leadstream")).unwrap();
    let file = temp_file(b"email,company\na@x.com,\"Acme\nb@x.com,Beta\nc@x.com,Gamma\n");
    let inspection = inspect(&ws, file.path(), None, None).unwrap();
    let spec = inspection.into_suggested_spec();
    let cancel = AtomicBool::new(false);
    let mut progress = |_: &_| {};
    let control = ImportControl {
        cancel: &cancel,
        progress: &mut progress,
    };
    let report = run_import(&mut ws, file.path(), &spec, false, control).unwrap();
    let counts = &report.counts;
    assert_eq!((counts.rows, counts.inserted, counts.rejected), (3, 2, 1));
    assert_eq!(report.rejections.len(), 1);
    assert_eq!(report.rejections[0].line, 2);
    assert!(
        report.rejections[0]
            .reason
            .starts_with("a quote opened in column 2 (company) never closes"),
        "{}",
        report.rejections[0].reason
    );
    let rejected = std::fs::read_to_string(report.rejected_file.unwrap()).unwrap();
    assert!(rejected.contains("\n2,a quote opened"), "{rejected}");
    assert!(rejected.contains(",a@x.com,Acme\n"), "{rejected}");
}

// ---------------------------------------------------------------------------
// Hostile files: records and headers are bounded, with messages naming the line
// ---------------------------------------------------------------------------

#[test]
fn a_record_over_sixteen_mebibytes_is_rejected_with_its_line_and_size() {
    let mut text = b"id,notes\n1,short\n2,".to_vec();
    text.resize(text.len() + 17 * 1024 * 1024 - "2,".len(), b'x');
    text.extend_from_slice(b"\n3,after\n");
    let file = temp_file(&text);
    let read = read_with(file.path(), SourceFormat::default());
    let outcomes = outcomes(&read);
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0], (2, vec!["1", "short"], None));
    assert_eq!(outcomes[1].0, 3);
    assert_eq!(
        outcomes[1].2,
        Some("this record is 17 MiB, more than the 16 MiB a record may have — is a quote missing?")
    );
    assert_eq!(outcomes[2], (4, vec!["3", "after"], None));
}

#[test]
fn a_record_over_sixteen_thousand_columns_is_rejected() {
    let wide = vec!["x"; 20_000].join(",");
    let text = format!("a,b\n1,2\n{wide}\n3,4\n");
    let file = temp_file(text.as_bytes());
    let read = read_with(file.path(), SourceFormat::default());
    let outcomes = outcomes(&read);
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[1].0, 3);
    assert_eq!(
        outcomes[1].2,
        Some("this record has 20,000 columns, more than the 16,384 a record may have")
    );
    assert!(
        outcomes[1].1.len() <= 16_384,
        "the columns past the limit are not kept"
    );
    assert_eq!(outcomes[2], (4, vec!["3", "4"], None));
}

#[test]
fn a_header_row_over_sixteen_thousand_columns_refuses_the_file() {
    let wide = vec!["name"; 20_000].join(",");
    let file = temp_file(format!("{wide}\n1,2\n").as_bytes());
    match RecordReader::open(file.path(), &SourceFormat::default()) {
        Err(Error::UnreadableFile { line, message, .. }) => {
            assert_eq!(line, Some(1));
            assert_eq!(
                message,
                "the header row cannot be read: this record has 20,000 columns, \
                 more than the 16,384 a record may have"
            );
        }
        other => panic!(
            "should be refused, got {:?}",
            other.map(|r| r.headers().len())
        ),
    }
}

#[test]
fn an_unterminated_quote_of_twenty_mebibytes_is_rejected_and_reading_resumes() {
    let mut text = b"id,notes\n1,\"".to_vec();
    for _ in 0..20 * 1024 {
        text.resize(text.len() + 1023, b'x');
        text.push(b'\n');
    }
    text.extend_from_slice(b"2,after\n");
    let file = temp_file(&text);
    let read = read_with(file.path(), SourceFormat::default());
    let outcomes = outcomes(&read);
    assert_eq!(outcomes[0].0, 2);
    assert_eq!(
        outcomes[0].2,
        Some(
            "a quote opened in column 2 (notes) runs over more than 16 MiB, so it probably \
             never closes; the lines after it are read as rows of their own"
        )
    );
    assert_eq!(
        outcomes[0].1[1].len(),
        1023,
        "the field as on its opening line"
    );
    // Every line after the opening one is read again, as a row of its own.
    assert_eq!(outcomes.len(), 1 + 20 * 1024);
    assert_eq!(outcomes[1].0, 3);
    assert_eq!(
        outcomes.last().unwrap(),
        &(20 * 1024 + 2, vec!["2", "after"], None)
    );
}

/// Small limits, so that the tests stay fast.
const SMALL_LIMITS: ReadLimits = ReadLimits {
    max_record_bytes: 1024,
    max_columns: 4,
};

fn read_with_small_limits(bytes: &[u8]) -> Vec<(u64, Vec<String>, Option<String>)> {
    let file = temp_file(bytes);
    let reader =
        RecordReader::open_with_limits(file.path(), &SourceFormat::default(), SMALL_LIMITS)
            .unwrap();
    reader
        .map(|record| match record {
            Ok(r) => (r.line, r.fields.to_vec(), None),
            Err(e) => (e.line, e.fields.to_vec(), Some(e.message)),
        })
        .collect()
}

#[test]
fn the_default_limits_are_the_documented_ones() {
    assert_eq!(MAX_RECORD_BYTES, 16 * 1024 * 1024);
    assert_eq!(MAX_COLUMNS, 16_384);
    assert_eq!(
        ReadLimits::default(),
        ReadLimits {
            max_record_bytes: MAX_RECORD_BYTES,
            max_columns: MAX_COLUMNS,
        }
    );
}

#[test]
fn a_record_over_the_size_limit_is_rejected_and_the_next_one_read() {
    let long = "x".repeat(3000);
    let records = read_with_small_limits(format!("id,note\n1,{long}\n2,ok\n").as_bytes());
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].0, 2);
    assert_eq!(
        records[0].2.as_deref(),
        Some("this record is 3 KiB, more than the 1 KiB a record may have — is a quote missing?")
    );
    assert_eq!(records[1], (3, vec!["2".into(), "ok".into()], None));
}

#[test]
fn a_quoted_field_over_the_size_limit_on_one_line_is_rejected_as_a_stray_quote() {
    let long = "x".repeat(3000);
    let records = read_with_small_limits(format!("id,note\n1,\"{long}\n2,ok\n").as_bytes());
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].0, 2);
    assert_eq!(
        records[0].2.as_deref(),
        Some(
            "a quote opened in column 2 (note) runs over more than 1 KiB, so it probably \
             never closes; the lines after it are read as rows of their own"
        )
    );
    assert_eq!(records[1], (3, vec!["2".into(), "ok".into()], None));
}

#[test]
fn a_long_quoted_field_that_closes_on_its_line_is_only_too_big() {
    let long = "x".repeat(3000);
    let records = read_with_small_limits(format!("id,note\n1,\"{long}\",tail\n2,ok\n").as_bytes());
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].0, 2);
    assert_eq!(
        records[0].2.as_deref(),
        Some("this record is 3 KiB, more than the 1 KiB a record may have — is a quote missing?")
    );
    assert_eq!(records[1], (3, vec!["2".into(), "ok".into()], None));
}

#[test]
fn a_multiline_quote_reaching_the_size_limit_resumes_after_its_opening_line() {
    let mut text = "id,note\n1,\"opens here\n".to_owned();
    for i in 2..200 {
        text += &format!("{i},row {i}\n");
    }
    let records = read_with_small_limits(text.as_bytes());
    assert_eq!(records[0].0, 2);
    assert_eq!(records[0].1, ["1", "opens here"]);
    assert!(records[0].2.as_deref().is_some_and(
        |m| m.starts_with("a quote opened in column 2 (note) runs over more than 1 KiB")
    ));
    assert_eq!(records.len(), 1 + 198, "every later line is a row");
    for (index, (line, fields, problem)) in records[1..].iter().enumerate() {
        let i = index + 2;
        assert_eq!(*line, i as u64 + 1);
        assert_eq!(fields, &[i.to_string(), format!("row {i}")]);
        assert_eq!(*problem, None);
    }
}

#[test]
fn a_record_over_the_column_limit_is_rejected() {
    let records = read_with_small_limits(b"a,b\n1,2,3,4\n1,2,3,4,5,6\n5,6\n");
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0],
        (2, ["1", "2", "3", "4"].map(String::from).to_vec(), None)
    );
    assert_eq!(records[1].0, 3);
    assert_eq!(
        records[1].2.as_deref(),
        Some("this record has 6 columns, more than the 4 a record may have")
    );
    assert_eq!(records[2], (4, vec!["5".into(), "6".into()], None));
}

#[test]
fn rows_wrapped_in_quotes_are_held_to_the_column_limit() {
    let file = temp_file(b"\"a;b\"\n\"1;2;3;4;5\"\n\"3;4\"\n");
    let format = SourceFormat {
        delimiter: ";".into(),
        rows_wrapped_in_quotes: true,
        ..SourceFormat::default()
    };
    let reader = RecordReader::open_with_limits(file.path(), &format, SMALL_LIMITS).unwrap();
    let records: Vec<_> = reader.collect();
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].as_ref().unwrap_err().message,
        "this record has 5 columns, more than the 4 a record may have"
    );
    assert_eq!(records[1].as_ref().unwrap().fields, ["3", "4"]);
}

#[test]
fn inspecting_sixteen_thousand_columns_of_one_name_finishes() {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let header = vec!["Notes"; MAX_COLUMNS].join(",");
        let row = vec!["x"; MAX_COLUMNS].join(",");
        let file = temp_file(format!("{header}\n{row}\n{row}\n").as_bytes());
        let ws = leadstream_core::Workspace::in_memory().unwrap();
        let inspection =
            leadstream_core::import::inspect::inspect(&ws, file.path(), None, None).unwrap();
        sender.send((inspection.headers, inspection.columns.len()))
    });
    let (headers, columns) = receiver
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("inspecting 16,384 columns named alike took more than two minutes");
    assert_eq!(columns, MAX_COLUMNS);
    assert_eq!(headers[MAX_COLUMNS - 1], format!("Notes ({MAX_COLUMNS})"));
}

#[test]
fn a_stray_quote_in_the_header_row_refuses_the_file_with_a_way_out() {
    let file = temp_file(b"email,\"company\na@x.com,Acme\n");
    match RecordReader::open(file.path(), &SourceFormat::default()) {
        Err(Error::UnreadableFile { line, message, .. }) => {
            assert_eq!(line, Some(1));
            assert_eq!(
                message,
                "the header row cannot be read: a quote opened in column 2 never closes; \
                 if the file does not put quotes around fields, set its quote character to none"
            );
        }
        other => panic!(
            "should be refused, got {:?}",
            other.map(|r| r.headers().to_vec())
        ),
    }
    let unquoted = SourceFormat {
        quote: String::new(),
        ..SourceFormat::default()
    };
    let read = read_with(file.path(), unquoted);
    assert_eq!(read.headers, names(&["email", "\"company"]));
    assert_eq!(read.values(), [["a@x.com", "Acme"]]);
}
