//! What the command line prints: build progress and summaries, search results.

use std::fmt::Write;

use guide_search::index::{BuildReport, Progress};
use guide_search::search::SearchResponse;

/// A progress bar on a terminal; nothing elsewhere (the summary follows anyway).
pub struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    pub fn new(on_terminal: bool) -> Self {
        ProgressBar(on_terminal.then(indicatif::ProgressBar::hidden))
    }
}

impl Progress for ProgressBar {
    fn documents_read(&mut self, total: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(total as u64);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_message("indexing");
        }
    }

    fn document_indexed(&mut self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The end-of-build summary: documents per type and language, passages, skipped files.
pub fn build_summary(report: &BuildReport) -> String {
    let manifest = &report.manifest;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Indexed {} documents ({} passages, {:.1} KB of text) in {:.2} s into {}",
        manifest.documents.len(),
        manifest.passages,
        manifest.text_bytes as f64 / 1024.0,
        report.elapsed.as_secs_f64(),
        report.generation.display()
    );
    for ((doc_type, lang), count) in manifest.counts() {
        let _ = writeln!(out, "  {doc_type:<12} {lang}  {count:>5}");
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "Skipped {} files:", report.skipped.len());
        for skipped in &report.skipped {
            let _ = writeln!(out, "  warning: {skipped}");
        }
    }
    out
}

/// Search results for a person: title, id, link and snippet, highlights in bold on a terminal.
pub fn search_results(response: &SearchResponse, on_terminal: bool) -> String {
    let mut out = String::new();
    let searched: Vec<&str> = response
        .language
        .searched
        .iter()
        .map(|l| l.code())
        .collect();
    let _ = writeln!(
        out,
        "{} results for {:?} (searched {}; {:.1} ms)",
        response.total,
        response.query,
        searched.join(", "),
        response.took_ms
    );
    for (rank, hit) in response.hits.iter().enumerate() {
        let _ = writeln!(out, "\n{}. {} — {}", rank + 1, hit.title, hit.heading);
        let _ = writeln!(out, "   {}  {}", hit.id, hit.url);
        let _ = writeln!(
            out,
            "   {}",
            plain_snippet(&hit.snippet, on_terminal).replace('\n', " ")
        );
    }
    out
}

/// A snippet's HTML as terminal text: `<mark>` becomes bold (or `[…]` off a terminal).
fn plain_snippet(html: &str, on_terminal: bool) -> String {
    let (open, close) = if on_terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    html.replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    #[test]
    fn snippets_lose_their_markup() {
        assert_eq!(
            super::plain_snippet("la <mark>trousse</mark> &lt;b&gt; &amp; co", false),
            "la [trousse] <b> & co"
        );
        assert_eq!(
            super::plain_snippet("<mark>x</mark>", true),
            "\x1b[1mx\x1b[0m"
        );
    }
}
