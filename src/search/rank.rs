//! How matches become a ranked list: which languages to search and how much each counts,
//! which version of a document to show, one hit per group of translations, the best first.

use crate::language::{Detection, Lang};

use super::collect::DocMatch;

/// Weight of a language the query is less likely to be in, when detection is unsure.
const UNLIKELY_LANGUAGE_WEIGHT: f32 = 0.7;

/// Which languages to search, most likely first, with their weights: only the query's
/// language when it is sure (or given); otherwise all three, favouring the detected
/// language and the interface's.
pub(super) fn weigh_languages(detection: &Detection, ui: Lang) -> Vec<(Lang, f32)> {
    if let Some(lang) = detection.sure() {
        return vec![(lang, 1.0)];
    }
    preference(detection.best, ui)
        .into_iter()
        .map(|lang| {
            let likely = Some(lang) == detection.best || lang == ui;
            (
                lang,
                if likely {
                    1.0
                } else {
                    UNLIKELY_LANGUAGE_WEIGHT
                },
            )
        })
        .collect()
}

/// The order in which versions of a document are preferred: the query's language when it
/// is sure, the interface's, then French, English, Spanish.
pub(super) fn preference(query_lang: Option<Lang>, ui: Lang) -> Vec<Lang> {
    let mut order: Vec<Lang> = query_lang
        .into_iter()
        .chain([ui])
        .chain(Lang::ALL)
        .collect();
    let mut seen = Vec::new();
    order.retain(|lang| {
        let first = !seen.contains(lang);
        seen.push(*lang);
        first
    });
    order
}

/// One match per group of translations: the version in the most preferred language,
/// carrying the best score of any version. Group ordinals are below `groups`.
pub(super) fn group(
    matches: impl Iterator<Item = DocMatch>,
    groups: usize,
    preference: &[Lang],
) -> Vec<DocMatch> {
    let rank = |m: &DocMatch| {
        preference
            .iter()
            .position(|l| l.ordinal() == m.lang_ord)
            .unwrap_or(usize::MAX)
    };
    let mut by_group: Vec<Option<(DocMatch, f32)>> = vec![None; groups];
    for m in matches {
        match &mut by_group[m.group_ord as usize] {
            Some((shown, best)) => {
                *best = best.max(m.score);
                if rank(&m) < rank(shown) {
                    *shown = m;
                }
            }
            empty => *empty = Some((m, m.score)),
        }
    }
    by_group
        .into_iter()
        .flatten()
        .map(|(shown, best)| DocMatch {
            score: best,
            ..shown
        })
        .collect()
}

/// The first `wanted` matches, best score first; ties in document order, so that results
/// are stable. Only those are sorted: a common word can match every document.
pub(super) fn best_first(mut matches: Vec<DocMatch>, wanted: usize) -> Vec<DocMatch> {
    let order =
        |a: &DocMatch, b: &DocMatch| b.score.total_cmp(&a.score).then(a.doc_ord.cmp(&b.doc_ord));
    if wanted < matches.len() {
        matches.select_nth_unstable_by(wanted, order);
        matches.truncate(wanted);
    }
    matches.sort_by(order);
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_starts_with_query_then_interface() {
        assert_eq!(
            preference(Some(Lang::Es), Lang::En),
            [Lang::Es, Lang::En, Lang::Fr]
        );
        assert_eq!(preference(None, Lang::En), [Lang::En, Lang::Fr, Lang::Es]);
        assert_eq!(
            preference(Some(Lang::Fr), Lang::Fr),
            [Lang::Fr, Lang::En, Lang::Es]
        );
    }

    #[test]
    fn unsure_detection_searches_every_language() {
        let unsure = Detection {
            best: Some(Lang::En),
            confidence: 0.5,
        };
        assert_eq!(
            weigh_languages(&unsure, Lang::Fr),
            [
                (Lang::En, 1.0),
                (Lang::Fr, 1.0),
                (Lang::Es, UNLIKELY_LANGUAGE_WEIGHT)
            ]
        );
        let sure = Detection {
            best: Some(Lang::Es),
            confidence: 0.99,
        };
        assert_eq!(weigh_languages(&sure, Lang::Fr), [(Lang::Es, 1.0)]);
    }

    fn doc(doc_ord: u64, group_ord: u64, lang: Lang, score: f32) -> DocMatch {
        DocMatch {
            doc_ord,
            group_ord,
            type_ord: 0,
            lang_ord: lang.ordinal(),
            score,
            passage: tantivy::DocAddress::new(0, doc_ord as u32),
        }
    }

    #[test]
    fn grouping_shows_the_preferred_version_with_the_best_score() {
        let matches = vec![
            doc(0, 7, Lang::Fr, 1.0),
            doc(1, 7, Lang::En, 3.0),
            doc(2, 8, Lang::Es, 2.0),
        ];
        let grouped = best_first(
            group(matches.into_iter(), 9, &[Lang::Fr, Lang::En, Lang::Es]),
            10,
        );
        assert_eq!(
            grouped,
            [
                DocMatch {
                    score: 3.0,
                    ..doc(0, 7, Lang::Fr, 1.0)
                },
                doc(2, 8, Lang::Es, 2.0)
            ]
        );
    }
}
