//! Reading and editing a TOML document by key path, in the style the document already uses.
//!
//! A new table below a `[header]` table gets a header of its own; below a dotted-key table it is
//! dotted too (a `[header]` there is what TOML 1.0 and containerd 2.x refuse); inside an inline
//! table it is inline. A replaced value keeps its spacing and trailing comment, and an equal
//! value is not rewritten at all, so a second identical run changes nothing.

use std::path::Path;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use super::Error;

/// Parses `text` (the contents of `path`); an error names the line, column and the line itself,
/// unless that line may hold a credential (a broken line can hide its key from any parser).
pub fn parse(path: &Path, text: &str) -> Result<DocumentMut, Error> {
    text.parse().map_err(|e: toml_edit::TomlError| {
        let offset = e.span().map_or(0, |s| s.start).min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let source: String = text
            .lines()
            .nth(line - 1)
            .unwrap_or_default()
            .trim()
            .chars()
            .take(80)
            .collect();
        let message = e.message().trim().replace('\n', "; ");
        let lowered = source.to_ascii_lowercase();
        let secret = ["pass", "auth", "token", "secret", "key", "header"]
            .iter()
            .any(|word| lowered.contains(word))
            || !text.lines().nth(line - 1).unwrap_or_default().contains('=');
        Error::Parse {
            path: path.to_path_buf(),
            line,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: if secret {
                message
            } else {
                format!("{message} at `{source}`")
            },
        }
    })
}

/// The item at `path`, through header, dotted and inline tables alike.
pub fn get<'a>(root: &'a Item, path: &[&str]) -> Option<&'a Item> {
    path.iter().try_fold(root, |item, key| item.get(*key))
}

/// The table at `path`, created where missing. `Err` names the first key on the way that holds
/// something other than a table.
pub fn ensure_table<'a>(root: &'a mut Item, path: &[&str]) -> Result<&'a mut Item, String> {
    let mut current = root;
    for (depth, key) in path.iter().enumerate() {
        if current.get(*key).is_none() {
            match current {
                Item::Table(parent) => {
                    let mut child = Table::new();
                    if parent.is_dotted() {
                        child.set_dotted(true);
                    } else {
                        child.set_implicit(true);
                        if let Some(indent) = child_header_indent(parent) {
                            child.decor_mut().set_prefix(format!("\n{indent}"));
                        }
                    }
                    parent.insert(key, Item::Table(child));
                }
                Item::Value(Value::InlineTable(parent)) => {
                    parent.insert(*key, Value::InlineTable(InlineTable::new()));
                }
                _ => return Err(path[..depth].join(".")),
            }
        }
        current = current
            .get_mut(*key)
            .filter(|item| item.is_table_like())
            .ok_or_else(|| path[..=depth].join("."))?;
    }
    Ok(current)
}

/// Sets `path` to `value`; returns whether the document changed.
pub fn set(root: &mut Item, path: &[&str], value: Value) -> Result<bool, String> {
    let (leaf, parent_path) = path.split_last().expect("a key path is never empty");
    let parent = ensure_table(root, parent_path)?;
    // `Item::get_mut` would insert an empty placeholder for a missing key: ask `get` first.
    if parent.get(*leaf).is_some() {
        let Some(old) = parent.get_mut(*leaf).and_then(Item::as_value_mut) else {
            return Err(path.join("."));
        };
        if same(old, &value) {
            return Ok(false);
        }
        let decor = old.decor().clone();
        *old = quoted_like(old, value);
        *old.decor_mut() = decor;
        return Ok(true);
    }
    match parent {
        Item::Table(table) => {
            let indent = sibling_indent(table).or_else(|| new_key_indent(table));
            table.insert(leaf, Item::Value(value));
            if let (Some(indent), Some(mut key)) = (indent, table.key_mut(leaf)) {
                key.leaf_decor_mut().set_prefix(indent);
            }
        }
        Item::Value(Value::InlineTable(table)) => {
            table.insert(*leaf, value);
        }
        _ => return Err(parent_path.join(".")),
    }
    Ok(true)
}

/// Removes `path`; tables on the way that this leaves empty go too, except the first `keep`
/// levels. Returns whether the document changed.
pub fn remove(root: &mut Item, path: &[&str], keep: usize) -> bool {
    let Some((leaf, parent_path)) = path.split_last() else {
        return false;
    };
    let removed = match root.get_mut_path(parent_path) {
        Some(Item::Table(t)) => t.remove(leaf).is_some(),
        Some(Item::Value(Value::InlineTable(t))) => t.remove(leaf).is_some(),
        _ => false,
    };
    if removed && parent_path.len() > keep {
        let parent_empty = get(root, parent_path)
            .and_then(Item::as_table_like)
            .is_some_and(|t| t.is_empty());
        if parent_empty {
            remove(root, parent_path, keep);
        }
    }
    removed
}

/// The edited document's text, with every line the edit did not touch exactly as in
/// `original`. toml_edit keeps nearly everything, but not all: e.g. a header that quotes a key
/// differently from an earlier header (`'a'` vs `"a"`) comes out in the earlier one's quoting.
/// So the edit is taken as the difference between the untouched document rendered (`before`)
/// and the edited one rendered (`after`), and applied to the original lines.
pub fn render_preserving(original: &str, before: &str, after: &str) -> String {
    endings_like(original, preserved(original, before, after))
}

fn preserved(original: &str, before: &str, after: &str) -> String {
    let original_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let before_lines: Vec<&str> = before.split_inclusive('\n').collect();
    if original == before || original_lines.len() != before_lines.len() {
        return after.to_string();
    }
    let diff = similar::TextDiff::from_lines(before, after);
    let mut out = String::with_capacity(after.len());
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            match (change.tag(), change.old_index()) {
                (similar::ChangeTag::Equal, Some(i)) => out.push_str(original_lines[i]),
                (similar::ChangeTag::Insert, _) => out.push_str(change.value()),
                _ => {}
            }
        }
    }
    out
}

/// `text` with CRLF line ends when `original` has them (a file edited on Windows, or by a
/// tool that writes them): new and changed lines end like the rest, not with a lone LF.
fn endings_like(original: &str, text: String) -> String {
    if !original.contains("\r\n") {
        return text;
    }
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(body) if !body.ends_with('\r') => format!("{body}\r\n"),
            _ => line.to_string(),
        })
        .collect()
}

/// `new`, as a literal string (`'…'`) where the value it replaces was one and it can be.
fn quoted_like(old: &Value, new: Value) -> Value {
    let (Value::String(before), Value::String(after)) = (old, &new) else {
        return new;
    };
    let literal = before
        .as_repr()
        .and_then(|r| r.as_raw().as_str())
        .is_some_and(|raw| raw.starts_with('\''));
    let text = after.value();
    if literal && !text.contains(['\'', '\n']) {
        if let Ok(value) = format!("'{text}'").parse::<Value>() {
            return value;
        }
    }
    new
}

/// Semantic equality: `'a'` and `"a"` are the same string.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value() == y.value(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

/// The indentation of the table's existing keys, so that a new key lines up with them.
fn sibling_indent(table: &Table) -> Option<String> {
    let (first, _) = table.iter().find(|(_, item)| item.is_value())?;
    let prefix = table.key(first)?.leaf_decor().prefix()?.as_str()?;
    prefix
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| prefix.to_string())
}

/// The whitespace before a header or key on its line (what follows the last newline of its
/// prefix), when that is only spaces and tabs.
fn indent_of(prefix: Option<&toml_edit::RawString>) -> Option<String> {
    let prefix = prefix?.as_str()?;
    let last = prefix.rsplit('\n').next().unwrap_or_default();
    last.chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| last.to_string())
}

/// Where a new `[header]` below `parent` starts: in line with the parent's other sub-tables,
/// else two spaces deeper than an indented parent header (as `containerd config default`
/// nests them); `None` where nothing tells.
fn child_header_indent(parent: &Table) -> Option<String> {
    let sibling = parent
        .iter()
        .filter_map(|(_, item)| item.as_table())
        .filter(|t| !t.is_dotted() && t.position().is_some())
        .find_map(|t| indent_of(t.decor().prefix()));
    if sibling.is_some() {
        return sibling;
    }
    let own = indent_of(parent.decor().prefix())?;
    let step = if own.is_empty() { "" } else { "  " };
    Some(format!("{own}{step}"))
}

/// The indentation of the first key of a table that has none yet: two spaces deeper than an
/// indented header.
fn new_key_indent(table: &Table) -> Option<String> {
    indent_of(table.decor().prefix())
        .filter(|own| !own.is_empty())
        .map(|own| format!("{own}  "))
}

/// `get_mut` along a path (the standard library way of writing it fights the borrow checker).
trait GetMutPath {
    fn get_mut_path(&mut self, path: &[&str]) -> Option<&mut Item>;
}

impl GetMutPath for Item {
    fn get_mut_path(&mut self, path: &[&str]) -> Option<&mut Item> {
        path.iter().try_fold(self, |item, key| {
            // `get_mut` alone would insert a placeholder for a missing key.
            item.get(*key).is_some().then_some(())?;
            item.get_mut(*key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, f: impl FnOnce(&mut Item)) -> String {
        let mut doc: DocumentMut = text.parse().unwrap();
        f(doc.as_item_mut());
        doc.to_string()
    }

    #[test]
    fn new_tables_follow_the_parent_style() {
        let header = edit("[a]\n  x = 1\n", |root| {
            set(root, &["a", "b", "c", "k"], Value::from("v")).unwrap();
        });
        assert_eq!(header, "[a]\n  x = 1\n\n[a.b.c]\nk = \"v\"\n");
        let dotted = edit("[a]\nb.x = 1\n", |root| {
            set(root, &["a", "b", "c", "k"], Value::from("v")).unwrap();
        });
        assert_eq!(dotted, "[a]\nb.x = 1\nb.c.k = \"v\"\n");
        let inline = edit("[a]\nb = { x = 1 }\n", |root| {
            set(root, &["a", "b", "c", "k"], Value::from("v")).unwrap();
        });
        assert_eq!(inline, "[a]\nb = { x = 1 , c = { k = \"v\" } }\n");
    }

    #[test]
    fn new_headers_and_keys_follow_the_indentation_around_them() {
        let text = "[a]\n  [a.reg]\n    x = 1\n\n    [a.reg.configs]\n\n    [a.reg.mirrors]\n";
        let out = edit(text, |root| {
            set(
                root,
                &["a", "reg", "configs", "h", "auth", "u"],
                Value::from("v"),
            )
            .unwrap();
        });
        assert_eq!(
            out,
            "[a]\n  [a.reg]\n    x = 1\n\n    [a.reg.configs]\n\n        [a.reg.configs.h.auth]\n          u = \"v\"\n\n    [a.reg.mirrors]\n"
        );
        let flat = edit("[c]\n  k = 1\n[c.sub]\n  j = 2\n", |root| {
            set(root, &["c", "reg", "p"], Value::from("v")).unwrap();
        });
        assert_eq!(
            flat,
            "[c]\n  k = 1\n[c.sub]\n  j = 2\n\n[c.reg]\np = \"v\"\n"
        );
    }

    #[test]
    fn equal_values_are_left_alone_and_changed_ones_keep_their_comment() {
        let text = "[a]\n  k = 'v'   # why\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        assert!(!set(doc.as_item_mut(), &["a", "k"], Value::from("v")).unwrap());
        assert_eq!(doc.to_string(), text);
        assert!(set(doc.as_item_mut(), &["a", "k"], Value::from("w")).unwrap());
        assert_eq!(doc.to_string(), "[a]\n  k = 'w'   # why\n");
        assert!(set(doc.as_item_mut(), &["a", "k", "x"], Value::from(1)).is_err());
    }

    #[test]
    fn lines_toml_edit_would_requote_stay_as_written() {
        let text = "[p.'x'.a]\nk = 1\n[p.\"x\".b]\nk = 2\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        let before = doc.to_string();
        assert_ne!(before, text, "toml_edit requotes: this test is moot");
        assert_eq!(render_preserving(text, &before, &doc.to_string()), text);
        set(doc.as_item_mut(), &["p", "x", "b", "n"], Value::from(3)).unwrap();
        assert_eq!(
            render_preserving(text, &before, &doc.to_string()),
            "[p.'x'.a]\nk = 1\n[p.\"x\".b]\nk = 2\nn = 3\n"
        );
    }

    #[test]
    fn removal_prunes_only_what_it_emptied() {
        let text = "[a.keep]\n[a.keep.h.auth]\nu = 1\n";
        let out = edit(text, |root| {
            assert!(remove(root, &["a", "keep", "h", "auth", "u"], 2));
        });
        assert_eq!(out, "[a.keep]\n");
    }
}
