//! Markdown with optional YAML front matter; every heading starts a passage. Links to
//! other documents of the site (`[words](/docs/guide/fr/consent)`) are kept beside the
//! text; all other markup is dropped.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::{Draft, SkipReason};
use crate::document::{SectionLink, is_document_address};

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
    let (sections, links) = sections(body);
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
        links,
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

/// (heading, text) pairs, paragraphs separated by blank lines and list items by new
/// lines; and the links to other documents in the texts.
fn sections(body: &str) -> (Vec<(String, String)>, Vec<SectionLink>) {
    let mut sections = vec![(String::new(), String::new())];
    let mut links = Vec::new();
    let mut in_heading = false;
    // The link being read: where it leads, and its words so far.
    let mut link: Option<(String, String)> = None;
    for event in Parser::new(body) {
        let (heading, text) = sections.last_mut().expect("never empty");
        let sink = if in_heading { heading } else { text };
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                sections.push((String::new(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Link { dest_url, .. })
                if !in_heading && is_document_address(&dest_url) =>
            {
                link = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((to, words)) = link.take() {
                    links.push(SectionLink {
                        section: sections.len() - 1,
                        words,
                        to,
                    });
                }
            }
            Event::Start(Tag::Item) => sink.push_str("\n- "),
            Event::End(
                TagEnd::Paragraph | TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => {
                sink.push_str("\n\n");
            }
            Event::Text(t) | Event::Code(t) => {
                sink.push_str(&t);
                if let Some((_, words)) = &mut link {
                    words.push_str(&t);
                }
            }
            Event::SoftBreak => {
                sink.push(' ');
                if let Some((_, words)) = &mut link {
                    words.push(' ');
                }
            }
            Event::HardBreak => sink.push('\n'),
            _ => {}
        }
    }
    let sections = sections
        .into_iter()
        .map(|(heading, text)| (heading.trim().to_string(), tidy(&text)))
        .collect();
    (sections, links)
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
    fn links_to_documents_are_kept_and_other_links_are_text() {
        let draft = parse(
            "## Aide\n\nLisez [la page sur le\nconsentement](/docs/guide/fr/consent) ou [ce site](https://example.org).\n",
        )
        .unwrap();
        assert_eq!(
            draft.sections[1].1,
            "Lisez la page sur le consentement ou ce site."
        );
        assert_eq!(
            draft.links,
            [SectionLink {
                section: 1,
                words: "la page sur le consentement".into(),
                to: "/docs/guide/fr/consent".into(),
            }]
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
