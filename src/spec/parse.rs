//! Reads a generated dataflow document (reStructuredText) into a `Spec`. The generator has
//! defects (blank or variously spelled system names, double spaces, a trailing dot on a
//! heading, repeated merge keys, comments leaked into sentences); they are tolerated. What
//! cannot be read is an error with its line number, never a panic.

use super::{Condition, DataType, Mapping, Party, Rule, Section, Spec};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

/// One line of the document, numbered from 1, with `\r` and trailing blanks removed.
#[derive(Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

pub fn parse(bytes: &[u8]) -> Result<Spec, ParseError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes.get(..e.valid_up_to()).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1;
            return Err(error(line, "the document is not UTF-8 text"));
        }
    };
    if text.contains('\0') {
        let line = text.split('\0').next().map_or(0, |before| before.matches('\n').count()) + 1;
        return Err(error(line, "the document contains a NUL byte; it is binary, not reStructuredText"));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<Line<'_>> =
        text.split('\n').enumerate().map(|(i, l)| Line { number: i + 1, text: l.trim_end() }).collect();
    Parser { lines, at: 0 }.document()
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
}

fn is_underline(text: &str, mark: char) -> bool {
    let text = text.trim();
    text.len() >= 3 && text.chars().all(|c| c == mark)
}

/// Collapses runs of spaces inside a phrase: the generator doubles them where a name is blank.
fn squash(text: &str) -> String {
    text.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

impl<'a> Parser<'a> {
    fn line(&self, index: usize) -> Option<Line<'a>> {
        self.lines.get(index).copied()
    }

    /// A section heading: a text line underlined with `-` (the title uses `=`).
    fn heading_at(&self, index: usize) -> Option<&'a str> {
        let (text, under) = (self.line(index)?, self.line(index + 1)?);
        (!text.text.trim().is_empty() && !is_underline(text.text, '-') && is_underline(under.text, '-'))
            .then_some(text.text)
    }

    fn document(mut self) -> Result<Spec, ParseError> {
        let (title, title_line) = self.title()?;
        let (source_system, target_system) = split_title(&title);
        let mut spec =
            Spec { title: squash(&title), source_system, target_system, generated: None, sections: Vec::new() };
        let mut seen_heading = false;
        while let Some(line) = self.line(self.at) {
            if let Some(stamp) = line.text.trim().strip_prefix("Generated:") {
                spec.generated.get_or_insert_with(|| stamp.trim().to_owned());
                self.at += 1;
                continue;
            }
            if let Some(heading) = self.heading_at(self.at) {
                seen_heading = true;
                self.at += 2;
                let name = heading.trim().trim_end_matches('.').trim();
                if name.eq_ignore_ascii_case("Introduction") {
                    continue;
                }
                let section = self.section(&spec, heading.trim(), line.number)?;
                spec.sections.push(section);
                continue;
            }
            self.at += 1;
        }
        if !seen_heading && spec.generated.is_none() {
            return Err(error(title_line, "after the title there is neither a Generated: line nor any section"));
        }
        Ok(spec)
    }

    /// The document title: a line between (or above) `=` underlines.
    fn title(&mut self) -> Result<(String, usize), ParseError> {
        while let Some(line) = self.line(self.at) {
            let text = line.text.trim();
            if text.is_empty() || is_underline(text, '=') {
                self.at += 1;
                continue;
            }
            let underlined = self.line(self.at + 1).is_some_and(|next| is_underline(next.text, '='));
            if !underlined {
                return Err(error(
                    line.number,
                    format!("expected the document title underlined with '=', found {text:?}"),
                ));
            }
            self.at += 2;
            return Ok((text.to_owned(), line.number));
        }
        Err(error(self.lines.len().max(1), "the document is empty: there is no title"))
    }

    fn section(&mut self, spec: &Spec, heading: &str, line: usize) -> Result<Section, ParseError> {
        let (source, target) = split_heading(heading, &spec.source_system, &spec.target_system);
        let mut section = Section {
            heading: squash(heading.trim_end_matches('.')),
            source,
            target,
            rules: Vec::new(),
            keeps_in_sync: false,
            mappings: None,
            line,
        };
        let mut expecting: Option<TableUse> = None;
        while let Some(current) = self.line(self.at) {
            if self.heading_at(self.at).is_some() {
                break;
            }
            let text = current.text.trim();
            if text.starts_with(".. list-table::") {
                let table = self.table()?;
                match expecting.take() {
                    Some(TableUse::Merge) => {
                        let mut pairs: Vec<(String, String)> = Vec::new();
                        for row in table.rows {
                            let (source, target) = match row.cells.as_slice() {
                                [source, target, ..] => (squash(source), squash(target)),
                                _ => return Err(error(row.line, "a merge row needs a source and a target property")),
                            };
                            // The generator repeats merge keys; one is enough.
                            if !pairs.contains(&(source.clone(), target.clone())) {
                                pairs.push((source, target));
                            }
                        }
                        section.rules.push(Rule::Merge { pairs });
                    }
                    Some(TableUse::Mappings) | None => {
                        let mut mappings = Vec::new();
                        for row in table.rows {
                            mappings.push(mapping(&row)?);
                        }
                        section.mappings.get_or_insert_with(Vec::new).extend(mappings);
                    }
                }
                continue;
            }
            self.at += 1;
            if text.is_empty() {
                continue;
            }
            let sentence = squash(text);
            if sentence.contains(" will merge with a ") && sentence.ends_with("property combinations match:") {
                expecting = Some(TableUse::Merge);
            } else if sentence.starts_with("The following properties are synchronized between") {
                expecting = Some(TableUse::Mappings);
            } else if sentence.starts_with("Once a link between") {
                section.keeps_in_sync = true;
            } else if let Some(rule) = rule_sentence(&sentence) {
                section.rules.push(rule);
            }
            // Other prose ("Before any synchronization can take place …") states nothing checkable.
        }
        Ok(section)
    }

    /// A `.. list-table::` directive: options, then `* - cell` rows continued by `- cell`.
    fn table(&mut self) -> Result<Table, ParseError> {
        let start = self.line(self.at).map_or(0, |l| l.number);
        self.at += 1;
        let mut header_rows = 0usize;
        let mut rows: Vec<Row> = Vec::new();
        while let Some(line) = self.line(self.at) {
            let indented = line.text.starts_with(' ') || line.text.starts_with('\t');
            let text = line.text.trim();
            if text.is_empty() {
                self.at += 1;
                continue;
            }
            if !indented {
                break;
            }
            if let Some(value) = text.strip_prefix(":header-rows:") {
                header_rows = value.trim().parse().map_err(|_| {
                    error(line.number, format!(":header-rows: needs a number, found {:?}", value.trim()))
                })?;
            } else if text.starts_with(':') {
                // Other options (:widths:, :class:) say nothing about the content.
            } else if let Some(cell) = text.strip_prefix("* -").or_else(|| (text == "*").then_some("")) {
                rows.push(Row { line: line.number, cells: vec![cell.trim().to_owned()] });
            } else if let Some(cell) = text.strip_prefix('-').filter(|_| !is_underline(text, '-')) {
                let row = rows.last_mut().ok_or_else(|| error(line.number, "a table cell comes before any row"))?;
                row.cells.push(cell.trim().to_owned());
            } else if let Some(row) = rows.last_mut() {
                // A cell that wraps onto the next line.
                if let Some(cell) = row.cells.last_mut() {
                    cell.push(' ');
                    cell.push_str(text);
                }
            } else {
                return Err(error(line.number, format!("expected a table row (\"* - …\"), found {text:?}")));
            }
            self.at += 1;
        }
        if rows.len() < header_rows {
            return Err(error(start, format!("the table promises {header_rows} header row(s) but has {}", rows.len())));
        }
        Ok(Table { rows: rows.split_off(header_rows) })
    }
}

enum TableUse {
    Merge,
    Mappings,
}

struct Table {
    rows: Vec<Row>,
}

struct Row {
    line: usize,
    cells: Vec<String>,
}

fn mapping(row: &Row) -> Result<Mapping, ParseError> {
    let [source, target, rest @ ..] = row.cells.as_slice() else {
        return Err(error(row.line, "a mapping row needs a source property, a target property and a data type"));
    };
    let (target_property, conditions) = annotations(target);
    let data_type = rest.first().map_or(DataType::Other(String::new()), |cell| DataType::from_cell(cell));
    Ok(Mapping { source_property: squash(source), target_property, conditions, data_type, line: row.line })
}

/// Splits "DepartmentId (Dependant on having wd:Q703534 in JobTitle)" into the property and its
/// conditions. Annotations may repeat, run together, or have a blank value.
fn annotations(cell: &str) -> (String, Vec<Condition>) {
    const OPEN: &str = "(Dependant on having ";
    let mut property = String::new();
    let mut conditions = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find(OPEN) {
        property.push_str(&rest[..start]);
        let inside = &rest[start + OPEN.len()..];
        let (body, after) = match inside.find(')') {
            Some(end) => (&inside[..end], &inside[end + 1..]),
            None => (inside, ""),
        };
        let (value, on) = match body.rfind(" in ") {
            Some(at) => (&body[..at], &body[at + 4..]),
            None => match body.strip_prefix("in ") {
                Some(on) => ("", on),
                None => (body, ""),
            },
        };
        conditions.push(Condition { value: value.trim().to_owned(), property: on.trim().to_owned() });
        rest = after;
    }
    property.push_str(rest);
    (squash(property.trim()), conditions)
}

/// "Zendesk to PowerOfficeGo Dataflow" → ("Zendesk", "PowerOfficeGo"); blanks stay blank.
fn split_title(title: &str) -> (String, String) {
    let title = title.trim();
    let body = title.strip_suffix("Dataflow").unwrap_or(title);
    match body.split_once(" to ") {
        Some((source, target)) => (squash(source), squash(target)),
        None => (squash(body), String::new()),
    }
}

/// "Zendesk Users to PowerOfficeGo Contactperson" → the two parties. The system prefix is
/// whichever of the document's systems the side starts with (spelling aside); a side that
/// starts with neither is read as a blank system.
fn split_heading(heading: &str, first: &str, second: &str) -> (Party, Party) {
    let heading = heading.trim().trim_end_matches('.');
    let (source, target) = match heading.split_once(" to ") {
        Some((source, target)) => (source, target),
        None => (heading, ""),
    };
    (party(source, &[first, second]), party(target, &[second, first]))
}

fn party(side: &str, systems: &[&str]) -> Party {
    let words: Vec<&str> = side.split(' ').filter(|w| !w.is_empty()).collect();
    let starts_with_blank = side.starts_with(' ') || side.is_empty();
    if !starts_with_blank {
        let fold = |s: &str| s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
        for system in systems.iter().filter(|s| !s.trim().is_empty()) {
            let wanted = fold(system);
            // The system may be spelled with more or fewer words than in the title.
            for take in 1..words.len() {
                let prefix = words[..take].join(" ");
                if fold(&prefix) == wanted {
                    return Party::new(&prefix, &words[take..].join(" "));
                }
            }
        }
        if let Some((system, entity)) = words.split_first().filter(|(_, rest)| !rest.is_empty()) {
            return Party::new(system, &entity.join(" "));
        }
    }
    Party::new("", &words.join(" "))
}

/// Sentences that state a rule; `None` for anything else.
fn rule_sentence(sentence: &str) -> Option<Rule> {
    if let Some(rest) = sentence.strip_prefix("A new ") {
        let connected = rest.split_once(" if it is connected to a ")?.1;
        let connectors = connected.split(" that is synchronized into").next().unwrap_or(connected);
        let connectors: Vec<String> = connectors
            .split(", or ")
            .flat_map(|part| part.split(" or "))
            .flat_map(|part| part.split(", "))
            .map(|name| name.trim().trim_start_matches("a ").trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect();
        return Some(Rule::CreateIfConnected { connectors });
    }
    if sentence.starts_with("Every ") && sentence.contains(" will be synchronized with a") {
        return Some(Rule::Every);
    }
    if sentence.starts_with("If a matching ") && sentence.contains("will be merged with the existing one") {
        return Some(Rule::MergeWithExisting);
    }
    if sentence.starts_with("If no matching ") && sentence.contains("will be created") {
        return Some(Rule::CreateIfNoMatch);
    }
    if let Some((condition, _)) = sentence.split_once(", it will be synchronized with a") {
        let condition = condition.strip_prefix("When ").unwrap_or(condition);
        return Some(Rule::When { condition: condition.trim().to_owned() });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_may_repeat_run_together_or_be_blank() {
        let (property, conditions) = annotations("DepartmentId (Dependant on having wd:Q703534 in JobTitle)");
        assert_eq!(property, "DepartmentId");
        assert_eq!(conditions, vec![Condition { value: "wd:Q703534".into(), property: "JobTitle".into() }]);
        let (property, conditions) = annotations(
            "Type (Dependant on having A in Kind)(Dependant on having  in Kind) (Dependant on having B in X)",
        );
        assert_eq!(property, "Type");
        let values: Vec<&str> = conditions.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, vec!["A", "", "B"]);
        assert_eq!(annotations("Name"), ("Name".to_owned(), vec![]));
        assert_eq!(annotations("X (Dependant on having broken").1.len(), 1);
    }

    #[test]
    fn headings_split_on_the_document_systems_whatever_their_spelling() {
        let (source, target) =
            split_heading("Zendesk Users to PowerOffice GO Contactperson", "Zendesk", "PowerOfficeGo");
        assert_eq!(source, Party::new("Zendesk", "Users"));
        assert_eq!(target, Party::new("PowerOffice GO", "Contactperson"));
        let (_, blank) = split_heading("Zendesk Organizations to  Customers person", "Zendesk", "");
        assert_eq!(blank, Party::new("", "Customers person"));
    }

    #[test]
    fn rule_sentences_of_every_kind() {
        let create = "A new PowerOffice GO Contactperson will be created from a Wix.com Contacts if it is connected to a Wix.com Wix-orders, or Orderline that is synchronized into PowerOffice GO.";
        assert_eq!(
            rule_sentence(create),
            Some(Rule::CreateIfConnected { connectors: vec!["Wix.com Wix-orders".into(), "Orderline".into()] })
        );
        assert_eq!(rule_sentence("Every HubSpot Product will be synchronized with a Inventory."), Some(Rule::Every));
        let when = "When a Zendesk User is of type Agent, it will be synchronized with a PowerOfficeGo Employees.";
        assert_eq!(rule_sentence(when), Some(Rule::When { condition: "a Zendesk User is of type Agent".into() }));
        assert_eq!(rule_sentence("Before any synchronization can take place, a link …"), None);
    }

    #[test]
    fn malformed_input_names_its_line() {
        assert_eq!(parse(b"").unwrap_err().line, 1);
        assert_eq!(parse(b"\n\nno title here\n").unwrap_err().line, 3);
        assert_eq!(parse(b"Title\n=====\n\xff\xfe").unwrap_err().to_string(), "line 3: the document is not UTF-8 text");
        let short_row = "T to U Dataflow\n===\n\nGenerated: x\n\nA B to C D\n----------\n.. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n     - c\n   * - only\n";
        assert_eq!(parse(short_row.as_bytes()).unwrap_err().line, 14);
    }
}
