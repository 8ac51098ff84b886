//! PDF: the text of each page is one passage (`#page-N`); the title is the first line.
//!
//! PDF parsers meet hostile and broken files: the extractor runs on a thread of its own,
//! a panic in it is reported as a broken file, and a file it has not read within
//! [`TIME_LIMIT`] is skipped as too slow, rather than holding up the whole build (the
//! thread is left to finish on its own).

use std::time::Duration;

use super::{Draft, SkipReason};

/// How long the extractor may take over one file.
const TIME_LIMIT: Duration = Duration::from_secs(30);

pub(super) fn parse(bytes: &[u8]) -> Result<Draft, SkipReason> {
    let bytes = bytes.to_vec();
    let pages = within(TIME_LIMIT, move || {
        pdf_extract::extract_text_from_mem_by_pages(&bytes).map_err(|e| e.to_string())
    })?
    .map_err(SkipReason::Pdf)?;
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

/// `work`'s result if it ends within `limit` without panicking.
fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, SkipReason> {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pdf".into())
        .spawn(move || {
            let _ = done.send(work());
        })
        .map_err(|e| SkipReason::Pdf(format!("cannot start the PDF parser: {e}")))?;
    result.recv_timeout(limit).map_err(|e| match e {
        std::sync::mpsc::RecvTimeoutError::Timeout => SkipReason::Pdf(format!(
            "the PDF parser took over {} s on this file",
            limit.as_secs()
        )),
        std::sync::mpsc::RecvTimeoutError::Disconnected => {
            SkipReason::Pdf("the PDF parser failed on this file".into())
        }
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

    #[test]
    fn a_parser_that_panics_or_never_ends_is_a_skipped_file() {
        let panicked = within(Duration::from_secs(60), || -> u8 { panic!("injected") });
        assert!(matches!(panicked, Err(SkipReason::Pdf(m)) if m.contains("failed")));
        let stuck = within(Duration::from_millis(10), || {
            loop {
                std::thread::park();
            }
        });
        assert!(matches!(stuck, Err(SkipReason::Pdf(m)) if m.contains("took over")));
        assert_eq!(within(Duration::from_secs(60), || 7).unwrap(), 7);
    }
}
