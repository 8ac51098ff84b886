//! The three languages guide-search serves, and language detection with lingua.
//!
//! Only the French, English and Spanish models are compiled in (cargo features), and they
//! are loaded once, when the [`Detector`] is built.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use serde::{Deserialize, Serialize};

/// A language of the corpus and of queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, `fr`.
    Fr,
    /// English, `en`.
    En,
    /// Spanish, `es`.
    Es,
}

impl Lang {
    /// In the order used whenever nothing else decides: French is the organisation's language.
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Es];

    /// The two-letter code used in ids, folders, URLs and the API: `fr`, `en` or `es`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// A small stable number, for fast fields.
    pub fn ordinal(self) -> u64 {
        self as u64
    }

    /// The language stored as [`Lang::ordinal`], if it is one.
    pub fn from_ordinal(ordinal: u64) -> Option<Lang> {
        Lang::ALL.get(usize::try_from(ordinal).ok()?).copied()
    }

    fn lingua(self) -> Language {
        match self {
            Lang::Fr => Language::French,
            Lang::En => Language::English,
            Lang::Es => Language::Spanish,
        }
    }

    fn from_lingua(language: Language) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.lingua() == language)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error for a language code other than `fr`, `en` or `es`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: use fr, en or es")]
pub struct UnsupportedLang(pub String);

impl FromStr for Lang {
    type Err = UnsupportedLang;

    /// Accepts `fr`, `FR`, and region tags such as `fr-CA` or `en_US`.
    fn from_str(code: &str) -> Result<Lang, UnsupportedLang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
            .ok_or_else(|| UnsupportedLang(code.to_string()))
    }
}

/// Below this confidence a detection is a guess: callers search every language rather
/// than exclude one on a weak guess.
pub const SURE: f64 = 0.9;

/// What lingua says about a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The most likely language, if any letters were found.
    pub best: Option<Lang>,
    /// Its confidence, from 0 to 1 (the three languages' confidences add up to 1).
    pub confidence: f64,
}

impl Detection {
    /// The detected language when the detection is sure enough to act on.
    pub fn sure(&self) -> Option<Lang> {
        self.best.filter(|_| self.confidence >= SURE)
    }
}

/// lingua's confidence in each language, by [`Lang::ordinal`]: they add up to 1, or are
/// all 0 for a text without letters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidences(pub [f64; 3]);

impl Confidences {
    fn of(&self, lang: Lang) -> f64 {
        self.0[lang.ordinal() as usize]
    }

    /// The most likely language, as lingua ranks them (ties in lingua's own order).
    pub fn detection(&self) -> Detection {
        let best = (Lang::ALL.into_iter())
            .filter(|&lang| self.of(lang) > 0.0)
            .min_by(|&a, &b| {
                let order = a
                    .lingua()
                    .partial_cmp(&b.lingua())
                    .unwrap_or(Ordering::Equal);
                self.of(b).total_cmp(&self.of(a)).then(order)
            });
        Detection {
            best,
            confidence: best.map_or(0.0, |lang| self.of(lang)),
        }
    }

    /// Several words' confidences as one text's, as lingua would find them. lingua scores
    /// a language by the log-likelihoods of a text's letter sequences, summed, then
    /// divided by the number of distinct letters: so each word's log-confidences count in
    /// proportion to its own distinct letters, over those of the whole text. `None` for
    /// no words, or when one of several words rules a language out (by a letter only
    /// some languages use): lingua's rules weigh such words against each other.
    pub fn combined(words: &[(&str, Confidences)]) -> Option<Confidences> {
        if let [(_, alone)] = words {
            return Some(*alone);
        }
        let ruled = |(_, confidences): &(&str, Confidences)| confidences.0.contains(&0.0);
        if words.is_empty() || words.iter().any(ruled) {
            return None;
        }
        let distinct = |text: &mut dyn Iterator<Item = char>| {
            let mut letters: Vec<char> = text.collect();
            letters.sort_unstable();
            letters.dedup();
            letters.len() as f64
        };
        let letters = distinct(&mut words.iter().flat_map(|(word, _)| word.chars()));
        let mut log_likelihoods = [0.0; 3];
        for (word, confidences) in words {
            let share = distinct(&mut word.chars()) / letters;
            for (sum, confidence) in log_likelihoods.iter_mut().zip(confidences.0) {
                *sum += share * confidence.ln();
            }
        }
        let likelihoods = log_likelihoods.map(f64::exp);
        let total: f64 = likelihoods.iter().sum();
        Some(Confidences(
            likelihoods.map(|likelihood| likelihood / total),
        ))
    }
}

/// Language detection restricted to French, English and Spanish.
pub struct Detector {
    lingua: LanguageDetector,
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector {
    /// Loads the three models (about 1 MB, a few milliseconds).
    pub fn new() -> Detector {
        let languages = Lang::ALL.map(Lang::lingua);
        let lingua = LanguageDetectorBuilder::from_languages(&languages)
            .with_preloaded_language_models()
            .build();
        Detector { lingua }
    }

    /// Which of the three languages `text` is most likely in, and how sure that is.
    pub fn detect(&self, text: &str) -> Detection {
        self.confidences(text).detection()
    }

    /// How likely `text` is to be in each of the three languages.
    pub fn confidences(&self, text: &str) -> Confidences {
        let mut confidences = Confidences([0.0; 3]);
        for (language, confidence) in self.lingua.compute_language_confidence_values(text) {
            if let Some(lang) = Lang::from_lingua(language) {
                confidences.0[lang.ordinal() as usize] = confidence;
            }
        }
        confidences
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_region_tags() {
        for (code, lang) in [
            ("fr", Lang::Fr),
            ("EN", Lang::En),
            ("es-MX", Lang::Es),
            ("fr_CA", Lang::Fr),
        ] {
            assert_eq!(code.parse::<Lang>(), Ok(lang));
        }
        assert!("de".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn ordinals_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_ordinal(lang.ordinal()), Some(lang));
        }
        assert_eq!(Lang::from_ordinal(3), None);
    }

    /// Words' confidences, and the text's: each word's log-confidences weigh as many
    /// distinct letters as it has, over the text's.
    #[test]
    fn words_combine_by_their_distinct_letters() {
        let (fr, en, es) = (
            Confidences([0.5, 0.25, 0.25]),
            Confidences([0.25, 0.5, 0.25]),
            Confidences([0.2, 0.2, 0.6]),
        );
        let ruled_out = Confidences([0.0, 0.4, 0.6]);
        let normalised = |raw: [f64; 3]| raw.map(|p| p / raw.iter().sum::<f64>());
        // "ab" weighs 2/6 of "ab cdef", "cdef" 4/6.
        let weighed = |a: f64, b: f64| a.powf(2.0 / 6.0) * b.powf(4.0 / 6.0);
        type Words<'a> = &'a [(&'a str, Confidences)];
        let table: &[(Words, Option<[f64; 3]>)] = &[
            (&[], None),
            (&[("ab", fr)], Some(fr.0)),
            (&[("ab", ruled_out)], Some(ruled_out.0)),
            // The same two letters: each word weighs 2/2.
            (
                &[("ab", fr), ("abba", en)],
                Some(normalised([0.125, 0.125, 0.0625])),
            ),
            (&[("ab", fr), ("cd", fr)], Some(fr.0)),
            (&[("ab", fr), ("cd", ruled_out)], None),
            (
                &[("ab", en), ("cdef", es)],
                Some(normalised([
                    weighed(0.25, 0.2),
                    weighed(0.5, 0.2),
                    weighed(0.25, 0.6),
                ])),
            ),
        ];
        for (words, expected) in table {
            let found = Confidences::combined(words).map(|c| c.0);
            match (found, expected) {
                (Some(found), Some(expected)) => {
                    for (f, e) in found.iter().zip(expected) {
                        assert!(
                            (f - e).abs() < 1e-12,
                            "{words:?}: {found:?}, not {expected:?}"
                        );
                    }
                }
                _ => assert_eq!(found, *expected, "{words:?}"),
            }
        }
    }

    #[test]
    fn detects_sentences_surely_and_nothing_in_digits() {
        let detector = Detector::new();
        for (text, lang) in [
            (
                "Où puis-je trouver de l'aide après une agression sexuelle ?",
                Lang::Fr,
            ),
            ("Where can I get help after a sexual assault?", Lang::En),
            (
                "¿Dónde puedo encontrar ayuda después de una agresión sexual?",
                Lang::Es,
            ),
        ] {
            let detection = detector.detect(text);
            assert_eq!(detection.sure(), Some(lang), "{text}");
        }
        let digits = detector.detect("911 514");
        assert_eq!((digits.best, digits.sure()), (None, None));
    }
}
