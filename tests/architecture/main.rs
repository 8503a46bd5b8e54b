//! The layer check: every module of the core imports only from layers below
//! its own, as listed in ARCHITECTURE.md ("Layers"), and only `src-tauri`
//! depends on Tauri. The layer list is read from ARCHITECTURE.md itself, so
//! the document and the check cannot drift apart.
//!
//! Run it alone with `cargo test -p leadstream-core --test architecture`.

// Test code: a panic is how a test fails (the workspace warns on these in
// production code only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The layers, lowest first: each is a set of top-level modules of the core.
/// Read from the numbered list between `<!-- layers:begin -->` and
/// `<!-- layers:end -->`; each item names its modules in backticks before
/// the first colon.
fn layers_from(architecture: &str) -> Vec<BTreeSet<String>> {
    let begin = architecture
        .find("<!-- layers:begin -->")
        .expect("ARCHITECTURE.md has a <!-- layers:begin --> marker");
    let end = architecture
        .find("<!-- layers:end -->")
        .expect("ARCHITECTURE.md has a <!-- layers:end --> marker");
    architecture[begin..end]
        .lines()
        .filter(|line| {
            let trimmed = line.trim_start();
            trimmed.chars().next().is_some_and(|c| c.is_ascii_digit()) && trimmed.contains(". ")
        })
        .map(|line| {
            let names = line.split(':').next().unwrap_or(line);
            names
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The part of a source file that is production code: everything before the
/// first `#[cfg(test)]` at the start of a line, with comments and string
/// literals blanked out.
fn production_code(source: &str) -> String {
    let end = source
        .lines()
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| line.starts_with("#[cfg(test)]"))
        .map_or(source.len(), |(start, _)| start);
    strip_comments_and_strings(&source[..end])
}

fn strip_comments_and_strings(code: &str) -> String {
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                // A raw string: r"…", r#"…"#.
                let mut hashes = 0;
                let mut j = i + 1;
                while bytes.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if bytes.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < bytes.len() && !bytes[j..].starts_with(&closing) {
                    j += 1;
                }
                i = j + closing.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                // A char literal ('"', '\''), not a lifetime.
                let mut j = i + 1;
                if bytes[j] == b'\\' {
                    j += 1;
                }
                j += 1;
                while j < bytes.len() && bytes[j] != b'\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            }
            _ => {
                // Copy one whole UTF-8 character.
                let width = utf8_width(bytes[i]);
                out.push_str(&code[i..i + width]);
                i += width;
            }
        }
    }
    out
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The top-level modules a file's code refers to, as `crate::a`,
/// `crate::{a, b::c}` or `super::…` paths that climb to the crate root.
/// `module_path` is the file's module path (`["segments", "index"]`);
/// `root_names` maps names re-exported at the crate root to their module.
fn referenced_modules(
    code: &str,
    module_path: &[String],
    root_names: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let resolve = |name: &str, found: &mut BTreeSet<String>| {
        let top = root_names.get(name).map_or(name, String::as_str);
        found.insert(top.to_owned());
    };
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        for name in first_segments(rest) {
            resolve(&name, &mut found);
        }
    }
    // `super::super::x` from a file deep enough climbs to the crate root.
    let mut rest = code;
    while let Some(at) = rest.find("super::") {
        let mut tail = &rest[at..];
        let mut climbs = 0;
        while let Some(stripped) = tail.strip_prefix("super::") {
            climbs += 1;
            tail = stripped;
        }
        rest = &rest[at + climbs * "super::".len()..];
        if climbs >= module_path.len() {
            for name in first_segments(tail) {
                resolve(&name, &mut found);
            }
        }
    }
    found
}

/// The first path segment(s) after `crate::`: `a` in `a::b`, or `a`, `b` in
/// `{a, b::c, d::{e, f}}`.
fn first_segments(path: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = path.strip_prefix('{') else {
        return vec![ident(path)];
    };
    let mut names = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            c if c.is_whitespace() => {}
            _ if at_item_start && depth == 0 => {
                names.push(ident(&group[i..]));
                at_item_start = false;
            }
            _ => {}
        }
    }
    names.retain(|name| !name.is_empty() && name != "self");
    names
}

/// Names re-exported at the crate root by `pub use module::…` in lib.rs.
fn root_reexports(lib_rs: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in production_code(lib_rs).split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        // `a::{B, C}`, `a::b::{C}` or `a::b::C`: the names after the last `::`
        // outside the braces.
        let items = match items.split_once('{') {
            Some((_, group)) => group.trim_end_matches('}'),
            None => items,
        };
        for item in items.split(',') {
            let item = item.trim();
            let exported = item.rsplit(" as ").next().unwrap_or(item);
            let exported = exported.rsplit("::").next().unwrap_or(exported);
            if !exported.is_empty() {
                names.insert(exported.to_owned(), module.trim().to_owned());
            }
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src`: `segments/index/mod.rs` →
/// `["segments", "index"]`, `fields.rs` → `["fields"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

/// Every import in the core that points at its own layer or one above:
/// `(file, module, layer, target, target's layer)`.
fn violations(src: &Path, layers: &[BTreeSet<String>]) -> Vec<String> {
    let layer_of = |module: &str| layers.iter().position(|layer| layer.contains(module));
    let lib_rs = fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let root_names = root_reexports(&lib_rs);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let path = module_path(src, &file);
        let shown = format!(
            "crates/core/src/{}",
            file.strip_prefix(src).unwrap_or(&file).display()
        );
        let Some(top) = path.first().filter(|top| top.as_str() != "lib") else {
            continue;
        };
        let Some(own_layer) = layer_of(top) else {
            problems.push(format!(
                "{shown}: module `{top}` is in no layer of ARCHITECTURE.md"
            ));
            continue;
        };
        let code = production_code(&fs::read_to_string(&file).expect("source file"));
        for target in referenced_modules(&code, &path, &root_names) {
            if &target == top {
                continue;
            }
            match layer_of(&target) {
                Some(layer) if layer < own_layer => {}
                Some(layer) => problems.push(format!(
                    "{shown}: `{top}` (layer {}) imports `{target}` (layer {})",
                    own_layer + 1,
                    layer + 1
                )),
                None => problems.push(format!(
                    "{shown}: `{top}` imports `{target}`, which is in no layer of ARCHITECTURE.md"
                )),
            }
        }
    }
    problems
}

#[test]
fn core_modules_import_only_from_layers_below_their_own() {
    let root = repository();
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let layers = layers_from(&architecture);
    assert!(
        layers.len() >= 4,
        "ARCHITECTURE.md lists the layers: {layers:?}"
    );
    let problems = violations(&root.join("crates/core/src"), &layers);
    assert!(
        problems.is_empty(),
        "imports that point up or sideways (see ARCHITECTURE.md, Layers):\n{}",
        problems.join("\n")
    );
}

#[test]
fn only_the_shell_depends_on_tauri() {
    let root = repository();
    for manifest in ["crates/core/Cargo.toml", "crates/cli/Cargo.toml"] {
        let text = fs::read_to_string(root.join(manifest)).expect("manifest");
        let depends_on_tauri = text
            .lines()
            .map(str::trim)
            .any(|line| line.starts_with("tauri") || line.starts_with("\"tauri"));
        assert!(!depends_on_tauri, "{manifest} depends on tauri");
    }
    let shell = fs::read_to_string(root.join("src-tauri/Cargo.toml")).expect("manifest");
    assert!(shell.lines().any(|line| line.starts_with("tauri ")));
}

#[test]
fn the_shell_is_not_a_default_member() {
    let manifest = fs::read_to_string(repository().join("Cargo.toml")).expect("Cargo.toml");
    let default_members = manifest
        .lines()
        .find(|line| line.starts_with("default-members"))
        .expect("Cargo.toml names its default members");
    assert!(!default_members.contains("src-tauri"), "{default_members}");
}

/// The most lines of production code a source file may hold (the lines
/// before its `#[cfg(test)]` module; UI tests live in files of their own).
const MAX_PRODUCTION_LINES: usize = 800;

fn production_line_count(source: &str) -> usize {
    source
        .lines()
        .take_while(|line| !line.starts_with("#[cfg(test)]"))
        .count()
}

fn source_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder is readable") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        if path.is_dir() {
            if name != "bindings" && name != "node_modules" {
                source_files(&path, extensions, out);
            }
        } else if extensions.iter().any(|ext| name.ends_with(ext)) && !name.contains(".test.") {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_holds_more_than_800_lines_of_production_code() {
    let root = repository();
    let mut files = Vec::new();
    for dir in ["crates/core/src", "crates/cli/src", "src-tauri/src"] {
        source_files(&root.join(dir), &[".rs"], &mut files);
    }
    source_files(&root.join("ui/src"), &[".ts", ".tsx"], &mut files);
    assert!(files.len() > 50, "found the sources: {}", files.len());
    let too_long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = production_line_count(&fs::read_to_string(file).expect("source file"));
            (lines > MAX_PRODUCTION_LINES).then(|| {
                let shown = file.strip_prefix(&root).unwrap_or(file);
                format!("{}: {lines} lines", shown.display())
            })
        })
        .collect();
    assert!(
        too_long.is_empty(),
        "split these along their seams (at most {MAX_PRODUCTION_LINES} lines of production code):\n{}",
        too_long.join("\n")
    );
}

// The checker's own parts, on made-up sources: it must see what it claims to.
#[cfg(test)]
mod checker {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_the_layers_in_order() {
        let doc = "x\n<!-- layers:begin -->\n1. `text`, `error`: helpers\n2. `store`: files, see `x`\n<!-- layers:end -->\n";
        assert_eq!(
            layers_from(doc),
            vec![names(&["text", "error"]), names(&["store"])]
        );
    }

    #[test]
    fn finds_plain_grouped_nested_and_super_paths() {
        let roots = BTreeMap::from([("Workspace".to_owned(), "store".to_owned())]);
        let code = "use crate::{Error, segments::{a, b}, fields};\nfn f() { crate::leads::x(); }\nuse super::super::streams::y;";
        let path = vec!["import".to_owned(), "apply".to_owned()];
        let mut roots = roots;
        roots.insert("Error".into(), "error".into());
        assert_eq!(
            referenced_modules(code, &path, &roots),
            names(&["error", "segments", "fields", "leads", "streams"])
        );
    }

    #[test]
    fn ignores_comments_strings_and_test_code() {
        let source = "// crate::segments\n/* crate::streams */\nconst S: &str = \"crate::demo\";\nconst R: &str = r#\"crate::launch\"#;\nuse crate::text;\n#[cfg(test)]\nmod tests { use crate::demo; }\n";
        let code = production_code(source);
        assert_eq!(
            referenced_modules(&code, &["x".to_owned()], &BTreeMap::new()),
            names(&["text"])
        );
    }

    #[test]
    fn super_within_the_module_is_not_a_crate_path() {
        let path = vec!["segments".to_owned(), "index".to_owned()];
        assert!(referenced_modules("use super::compile;", &path, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn production_lines_stop_at_the_test_module() {
        assert_eq!(
            production_line_count("a\nb\n#[cfg(test)]\nmod tests {}\n"),
            2
        );
        assert_eq!(production_line_count("a\nb\n"), 2);
    }

    #[test]
    fn reads_root_reexports() {
        let names = root_reexports(
            "pub use error::{Error, Result};\npub use store::Workspace;\npub use store::info::{event_count, WorkspaceInfo};\n",
        );
        assert_eq!(names["Error"], "error");
        assert_eq!(names["Workspace"], "store");
        assert_eq!(names["WorkspaceInfo"], "store");
    }
}
