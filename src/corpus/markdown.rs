//! Markdown with optional YAML front matter; every heading starts a passage.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::{Draft, SkipReason};

#[derive(Debug, Default, Deserialize)]
struct FrontMatter {
    key: Option<String>,
    lang: Option<String>,
    #[serde(rename = "type")]
    doc_type: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    url: Option<String>,
    updated: Option<String>,
}

pub(super) fn parse(source: &str) -> Result<Draft, SkipReason> {
    let (front, body) = split_front_matter(source)?;
    let front: FrontMatter = match front {
        Some(yaml) if !yaml.trim().is_empty() => serde_saphyr::from_str(yaml)
            .map_err(|e| SkipReason::FrontMatter(first_line(&e.to_string())))?,
        _ => FrontMatter::default(),
    };
    let sections = sections(body);
    let title = front.title.or_else(|| {
        sections
            .iter()
            .map(|(h, _)| h.clone())
            .find(|h| !h.is_empty())
    });
    Ok(Draft {
        key: front.key,
        lang: front.lang,
        doc_type: front.doc_type,
        title,
        summary: front.summary,
        source_url: front.url,
        updated: front.updated,
        sections,
    })
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_string()
}

/// Splits `---\n yaml \n---\n body`; a file that does not start with `---` has no front matter.
fn split_front_matter(source: &str) -> Result<(Option<&str>, &str), SkipReason> {
    let Some(rest) = source
        .strip_prefix("---")
        .filter(|rest| rest.starts_with(['\n', '\r']))
    else {
        return Ok((None, source));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if offset > 0 && line.trim_end() == "---" {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(SkipReason::FrontMatter("no closing `---` line".into()))
}

/// (heading, text) pairs: paragraphs are separated by blank lines, list items by new lines.
fn sections(body: &str) -> Vec<(String, String)> {
    let mut sections = vec![(String::new(), String::new())];
    let mut in_heading = false;
    for event in Parser::new(body) {
        let (heading, text) = sections.last_mut().expect("never empty");
        let sink = if in_heading { heading } else { text };
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                sections.push((String::new(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Item) => sink.push_str("\n- "),
            Event::End(
                TagEnd::Paragraph | TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => {
                sink.push_str("\n\n");
            }
            Event::Text(t) | Event::Code(t) => sink.push_str(&t),
            Event::SoftBreak => sink.push(' '),
            Event::HardBreak => sink.push('\n'),
            _ => {}
        }
    }
    sections
        .into_iter()
        .map(|(heading, text)| (heading.trim().to_string(), tidy(&text)))
        .collect()
}

/// At most one blank line in a row, no spaces at line ends.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() && (out.is_empty() || out.ends_with("\n\n")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_and_sections() {
        let draft = parse(
            "---\nkey: consent\nlang: fr\ntype: guide\ntitle: \"Le consentement\"\nsummary: \"Un résumé\"\nurl: https://example.org/c\nupdated: 2026-11-28\n---\n\nIntro *importante*.\n\n## Quand il n'y a pas de consentement\n\n- sous l'effet de drogues\n- endormie\n\nFin.\n",
        )
        .unwrap();
        assert_eq!(draft.key.as_deref(), Some("consent"));
        assert_eq!(draft.lang.as_deref(), Some("fr"));
        assert_eq!(draft.doc_type.as_deref(), Some("guide"));
        assert_eq!(draft.title.as_deref(), Some("Le consentement"));
        assert_eq!(draft.summary.as_deref(), Some("Un résumé"));
        assert_eq!(draft.source_url.as_deref(), Some("https://example.org/c"));
        assert_eq!(draft.updated.as_deref(), Some("2026-11-28"));
        assert_eq!(
            draft.sections,
            [
                (String::new(), "Intro importante.".to_string()),
                (
                    "Quand il n'y a pas de consentement".to_string(),
                    "- sous l'effet de drogues\n- endormie\n\nFin.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn without_front_matter_the_first_heading_is_the_title() {
        let draft = parse("# Guide\n\nTexte.\n").unwrap();
        assert_eq!(draft.title.as_deref(), Some("Guide"));
        assert_eq!(draft.key, None);
    }

    #[test]
    fn malformed_front_matter_is_an_error() {
        for source in [
            "---\ntitle: [unclosed\n---\ntext",
            "---\ntitle: x\ntext without end",
            "---\n- a list\n---\n",
        ] {
            assert!(
                matches!(parse(source), Err(SkipReason::FrontMatter(_))),
                "{source}"
            );
        }
    }

    #[test]
    fn a_rule_in_the_body_is_not_front_matter() {
        let draft = parse("Texte.\n\n---\n\nSuite.\n").unwrap();
        assert_eq!(draft.sections[0].1, "Texte.\n\nSuite.");
    }
}
