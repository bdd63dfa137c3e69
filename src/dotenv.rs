//! Reads a `.env` file into the environment, so one file configures both the fakes and the
//! clients. Variables already set win over the file. Lines are `KEY=VALUE`, with optional
//! `export `, quotes around the value, blank lines and `#` comments.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum DotenvError {
    #[error("{path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}: expected KEY=VALUE, found {text:?}")]
    Malformed { path: String, line: usize, text: String },
}

/// The `KEY=VALUE` pairs of a `.env` text, in order.
pub fn parse(path: &str, text: &str) -> Result<Vec<(String, String)>, DotenvError> {
    let mut pairs = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let malformed = || DotenvError::Malformed { path: path.to_owned(), line: index + 1, text: raw.to_owned() };
        let (key, value) = line.split_once('=').ok_or_else(malformed)?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(malformed());
        }
        let value = value.trim();
        let value =
            ['"', '\''].iter().find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q))).unwrap_or(value);
        pairs.push((key.to_owned(), value.to_owned()));
    }
    Ok(pairs)
}

/// Loads `path` if it exists; returns the names it set. Call it before any thread starts.
pub fn load(path: &Path) -> Result<Vec<String>, DotenvError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| DotenvError::Read { path: shown.clone(), source })?;
    let mut set = Vec::new();
    for (key, value) in parse(&shown, &text)? {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(&key, value);
            set.push(key);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_quotes_comments_and_export() {
        let text = "# creds\nZENDESK_EMAIL=qa@example.com\nexport ZENDESK_API_TOKEN=\"abc def\"\n\nX='1'\n";
        let pairs = parse(".env", text).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("ZENDESK_EMAIL".to_owned(), "qa@example.com".to_owned()),
                ("ZENDESK_API_TOKEN".to_owned(), "abc def".to_owned()),
                ("X".to_owned(), "1".to_owned()),
            ]
        );
    }

    #[test]
    fn a_malformed_line_names_file_and_line() {
        let error = parse(".env", "A=1\nthis is not a pair\n").unwrap_err();
        assert_eq!(error.to_string(), ".env:2: expected KEY=VALUE, found \"this is not a pair\"");
        assert!(parse(".env", "BAD KEY=1").is_err());
    }
}
