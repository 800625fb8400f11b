//! Config text with its secrets replaced, for diffs a person reads: credentials in
//! config.toml (`password`, `identitytoken`, `auth`) and the header values of config.toml and
//! hosts.toml (`Authorization` and whatever else a header may carry).
//!
//! Redaction works on the parsed document, not on lines: a quoted key, a multi-line string or
//! an inline table hides a secret from any line pattern.

use std::collections::HashMap;

use toml_edit::{DocumentMut, Item, TableLike, Value};

const SECRET_KEYS: [&str; 3] = ["password", "identitytoken", "auth"];
const HEADER_TABLES: [&str; 2] = ["header", "headers"];

/// `old` and `new` (either may be empty: a file created or removed) with every secret replaced.
/// A secret that differs from the one at the same place in `old` reads `<redacted, changed>`, so
/// that a changed password still shows in the diff. `None` when either is not TOML.
pub fn pair(old: &str, new: &str) -> Option<(String, String)> {
    let mut old_doc: DocumentMut = old.parse().ok()?;
    let mut new_doc: DocumentMut = new.parse().ok()?;
    let mut before = HashMap::new();
    walk(
        old_doc.as_item_mut(),
        &mut Vec::new(),
        &mut |path, secret| {
            before.insert(path.to_vec(), secret.to_string());
            "<redacted>"
        },
    );
    walk(
        new_doc.as_item_mut(),
        &mut Vec::new(),
        &mut |path, secret| {
            if before.get(path).map(String::as_str) == Some(secret) {
                "<redacted>"
            } else {
                "<redacted, changed>"
            }
        },
    );
    Some((old_doc.to_string(), new_doc.to_string()))
}

/// Calls `replace` for every secret string below `item`, with its key path, and puts what it
/// returns in its place, keeping the value's surrounding spaces and comments.
fn walk(
    item: &mut Item,
    path: &mut Vec<String>,
    replace: &mut impl FnMut(&[String], &str) -> &'static str,
) {
    match item {
        Item::Table(table) => walk_table(table, path, replace),
        Item::ArrayOfTables(tables) => {
            for (i, table) in tables.iter_mut().enumerate() {
                path.push(i.to_string());
                walk_table(table, path, replace);
                path.pop();
            }
        }
        Item::Value(value) => walk_value(value, path, replace),
        Item::None => {}
    }
}

/// A header table and an inline table alike.
fn walk_table(
    table: &mut dyn TableLike,
    path: &mut Vec<String>,
    replace: &mut impl FnMut(&[String], &str) -> &'static str,
) {
    for (key, child) in table.iter_mut() {
        path.push(key.get().to_string());
        walk(child, path, replace);
        path.pop();
    }
}

fn walk_value(
    value: &mut Value,
    path: &mut Vec<String>,
    replace: &mut impl FnMut(&[String], &str) -> &'static str,
) {
    match value {
        Value::InlineTable(table) => walk_table(table, path, replace),
        Value::Array(array) => {
            for (i, child) in array.iter_mut().enumerate() {
                path.push(i.to_string());
                walk_value(child, path, replace);
                path.pop();
            }
        }
        Value::String(secret) if is_secret(path) => {
            let shown = replace(path, secret.value());
            let decor = secret.decor().clone();
            *value = Value::from(shown);
            *value.decor_mut() = decor;
        }
        _ => {}
    }
}

/// A credential key, or anything below a table of HTTP headers (an array index may follow).
fn is_secret(path: &[String]) -> bool {
    let named = path
        .iter()
        .rev()
        .find(|k| k.parse::<usize>().is_err())
        .map(String::as_str);
    named.is_some_and(|k| SECRET_KEYS.contains(&k))
        || path
            .iter()
            .rev()
            .skip(1)
            .any(|k| HEADER_TABLES.contains(&k.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_however_they_are_written() {
        let old = r#"
[plugins."io.containerd.grpc.v1.cri".registry.configs."h".auth]
  "password" = """MULTI
SECRET"""
  username = "password"
  identitytoken = 'tok-1' # kept comment
[plugins."io.containerd.grpc.v1.cri".registry.configs."i"]
  auth = { username = "u", password = "p", auth = "dTpw" }
[plugins."io.containerd.grpc.v1.cri".registry.headers]
  X-Api-Key = ["key1", "key2"]
"#;
        let new = old.replace("'tok-1'", "'tok-2'");
        let (a, b) = pair(old, &new).unwrap();
        for text in [&a, &b] {
            for secret in ["MULTI", "SECRET", "tok-", "\"p\"", "dTpw", "key1", "key2"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            assert!(text.contains(r#"username = "password""#), "{text}");
            assert!(text.contains("# kept comment"), "{text}");
        }
        assert!(
            b.contains(r#"identitytoken = "<redacted, changed>" # kept comment"#),
            "{b}"
        );
        assert!(
            b.contains(r#"X-Api-Key = ["<redacted>", "<redacted>"]"#),
            "{b}"
        );

        let hosts = "server = \"https://r\"\n[host.\"https://m\".header]\n  Authorization = \"Basic dTpw\"\n";
        let (_, shown) = pair("", hosts).unwrap();
        assert!(!shown.contains("dTpw"), "{shown}");
        assert!(shown.contains("server = \"https://r\""), "{shown}");
        assert!(pair("", "not [toml").is_none());
    }
}
