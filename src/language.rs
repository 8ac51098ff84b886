//! The three languages guide-search serves, and language detection with lingua.
//!
//! Only the French, English and Spanish models are compiled in (cargo features), and they
//! are loaded once, when the [`Detector`] is built.

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
        let values = self.lingua.compute_language_confidence_values(text);
        let best = values
            .first()
            .and_then(|&(language, confidence)| Some((Lang::from_lingua(language)?, confidence)))
            .filter(|&(_, confidence)| confidence > 0.0);
        Detection {
            best: best.map(|(lang, _)| lang),
            confidence: best.map_or(0.0, |(_, confidence)| confidence),
        }
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
