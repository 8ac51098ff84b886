//! HTML: the title from `<title>` or the first `<h1>`, the language from `<html lang>`,
//! the text of the page without scripts, styles, navigation, headers and footers; every
//! heading starts a passage.

use scraper::{ElementRef, Html, Node, Selector};

use super::Draft;

/// Elements whose text is not the page's content.
const SKIPPED: [&str; 11] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg", "form",
    "head",
];

/// Elements after which the text continues on a new line.
const BLOCKS: [&str; 16] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "br",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
];

pub(super) fn parse(source: &str) -> Draft {
    let html = Html::parse_document(source);
    let root = html.root_element();
    let lang = root
        .value()
        .attr("lang")
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from);
    let text_of = |selector: &str| {
        let selector = Selector::parse(selector).expect("a valid selector");
        html.select(&selector)
            .map(|e| collapse(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    };
    let title = text_of("title").or_else(|| text_of("h1"));
    let mut sections = vec![(String::new(), String::new())];
    walk(root, &mut sections);
    Draft {
        lang,
        title,
        sections: sections
            .into_iter()
            .map(|(heading, text)| (collapse(&heading), tidy(&text)))
            .collect(),
        ..Draft::default()
    }
}

fn walk(element: ElementRef, sections: &mut Vec<(String, String)>) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => sections.last_mut().expect("never empty").1.push_str(text),
            Node::Element(e) => {
                let name = e.name();
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if SKIPPED.contains(&name) {
                    continue;
                }
                if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                    sections.push((child.text().collect(), String::new()));
                    continue;
                }
                walk(child, sections);
                if BLOCKS.contains(&name) {
                    sections.last_mut().expect("never empty").1.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// White space folded to single spaces.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// White space folded within lines; one line per block, no empty lines.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_language_and_text_without_chrome() {
        let draft = super::parse(
            r#"<!doctype html><html lang="es"><head><title> Ayuda </title><style>p{}</style></head>
            <body><nav>Menú Inicio</nav><header>Logo</header>
            <p>Introducción  con   espacios.</p><script>alert(1)</script>
            <h2>Dónde <em>llamar</em></h2><ul><li>Info-aide</li><li>911</li></ul>
            <footer>© pie</footer></body></html>"#,
        );
        assert_eq!(draft.lang.as_deref(), Some("es"));
        assert_eq!(draft.title.as_deref(), Some("Ayuda"));
        assert_eq!(
            draft.sections,
            [
                (String::new(), "Introducción con espacios.".to_string()),
                ("Dónde llamar".to_string(), "Info-aide\n911".to_string()),
            ]
        );
    }

    #[test]
    fn first_h1_is_the_title_when_there_is_no_title_element() {
        let draft = super::parse("<h1>Le guide</h1><p>Texte</p>");
        assert_eq!(draft.title.as_deref(), Some("Le guide"));
        assert_eq!(draft.lang, None);
    }
}
