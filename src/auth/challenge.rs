//! Parsing `WWW-Authenticate` (RFC 7235): one or more challenges, each a scheme followed by
//! comma-separated parameters whose values may be quoted strings containing commas.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Lower-cased: `bearer`, `basic`, …
    pub scheme: String,
    /// Parameter names lower-cased; values unquoted.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    pub fn is_bearer(&self) -> bool {
        self.scheme == "bearer"
    }

    pub fn is_basic(&self) -> bool {
        self.scheme == "basic"
    }
}

/// Every challenge of every `WWW-Authenticate` header value given, in order.
pub fn parse_all<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    values.into_iter().flat_map(parse).collect()
}

/// Challenges in one header value. Malformed parts are skipped rather than failing: a registry
/// that gets one detail wrong should still be usable.
pub fn parse(value: &str) -> Vec<Challenge> {
    let mut lexer = Lexer {
        s: value.as_bytes(),
        i: 0,
    };
    let mut challenges: Vec<Challenge> = Vec::new();
    loop {
        lexer.skip_separators();
        let Some(token) = lexer.token() else { break };
        lexer.skip_spaces();
        if lexer.peek() == Some(b'=') {
            // `name=value` belongs to the challenge being read.
            lexer.i += 1;
            lexer.skip_spaces();
            let value = lexer.value();
            if let Some(current) = challenges.last_mut() {
                current.params.insert(token.to_ascii_lowercase(), value);
            }
        } else {
            challenges.push(Challenge {
                scheme: token.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
            // token68 form (`Basic abc==`) carries no parameters we use; skip it.
            lexer.skip_token68();
        }
    }
    challenges
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        if self.i == start {
            // Not a token: skip one byte so that garbage cannot stall the loop.
            if self.i < self.s.len() {
                self.i += 1;
                return self.token();
            }
            return None;
        }
        Some(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn value(&mut self) -> String {
        if self.peek() == Some(b'"') {
            self.i += 1;
            let mut out = Vec::new();
            while let Some(c) = self.peek() {
                self.i += 1;
                match c {
                    b'\\' => {
                        if let Some(escaped) = self.peek() {
                            out.push(escaped);
                            self.i += 1;
                        }
                    }
                    b'"' => break,
                    _ => out.push(c),
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        } else {
            let start = self.i;
            while !matches!(self.peek(), None | Some(b',' | b' ' | b'\t')) {
                self.i += 1;
            }
            String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
        }
    }

    fn skip_token68(&mut self) {
        let save = self.i;
        self.skip_spaces();
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"-._~+/".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        // If what followed was really `name=value`, rewind: it is the first parameter.
        let after = self.i;
        self.skip_spaces();
        let ends = matches!(self.peek(), None | Some(b','));
        if !(after > start && ends) {
            self.i = save;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harbor_bearer() {
        let c = parse(
            r#"Bearer realm="https://harbor.local/service/token",service="harbor-registry",scope="repository:library/busybox:pull,push""#,
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].is_bearer());
        assert_eq!(
            c[0].param("realm"),
            Some("https://harbor.local/service/token")
        );
        assert_eq!(c[0].param("service"), Some("harbor-registry"));
        assert_eq!(
            c[0].param("scope"),
            Some("repository:library/busybox:pull,push")
        );
    }

    #[test]
    fn several_challenges_spaces_escapes_and_case() {
        let c = parse(
            r#"Basic realm="Registry Realm", BEARER Realm = "https://a/t?x=1,2" , service=plain,error="invalid_token", Negotiate"#,
        );
        assert_eq!(c.len(), 3);
        assert!(c[0].is_basic());
        assert_eq!(c[0].param("realm"), Some("Registry Realm"));
        assert!(c[1].is_bearer());
        assert_eq!(c[1].param("realm"), Some("https://a/t?x=1,2"));
        assert_eq!(c[1].param("service"), Some("plain"));
        assert_eq!(c[1].param("error"), Some("invalid_token"));
        assert_eq!(c[2].scheme, "negotiate");
        let e = parse(r#"Bearer realm="a\"b""#);
        assert_eq!(e[0].param("realm"), Some("a\"b"));
    }

    #[test]
    fn token68_and_garbage() {
        let c = parse("Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer realm=x");
        assert_eq!(c.len(), 2);
        assert!(c[0].params.is_empty());
        assert_eq!(c[1].param("realm"), Some("x"));
        assert!(parse("").is_empty());
        let _ = parse("=,,\"\" ==");
    }
}
