//! PDF: the text of each page is one passage (`#page-N`); the title is the first line.
//!
//! PDF parsers meet hostile and broken files; a panic inside the extractor is caught and
//! reported as a broken file rather than stopping the build.

use super::{Draft, SkipReason};

pub(super) fn parse(bytes: &[u8]) -> Result<Draft, SkipReason> {
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
        .map_err(|_| SkipReason::Pdf("the PDF parser failed on this file".into()))?
        .map_err(|e| SkipReason::Pdf(e.to_string()))?;
    let sections: Vec<(String, String)> = pages
        .iter()
        .enumerate()
        .map(|(i, text)| (format!("Page {}", i + 1), tidy(text)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    if sections.is_empty() {
        return Err(SkipReason::PdfWithoutText);
    }
    let title = sections[0].1.lines().next().map(String::from);
    Ok(Draft {
        title,
        sections,
        ..Draft::default()
    })
}

/// PDF text comes with ragged spacing: fold spaces, drop empty lines.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"%PDF-1.4\n",
            b"not a pdf at all",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog",
        ] {
            assert!(matches!(
                parse(bytes),
                Err(SkipReason::Pdf(_) | SkipReason::PdfWithoutText)
            ));
        }
    }
}
