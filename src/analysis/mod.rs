//! Text analysis: one tantivy analyzer per language, and a language-neutral one.
//!
//! Every chain starts the same way (split into words, drop absurdly long ones, lowercase)
//! and ends with accent folding before stemming, so that `agressée`, `agressee` and
//! `AGRESSÉE` all reach the same stem. In between, each language adds what its writing needs:
//!
//! | analyzer  | after lowercasing                                                      |
//! |-----------|------------------------------------------------------------------------|
//! | `fr`      | elision, compounds, stop words, folding, French stemmer                |
//! | `en`      | possessive, compounds, stop words, folding, English stemmer            |
//! | `es`      | compounds, stop words, folding, Spanish stemmer                        |
//! | `neutral` | elision, compounds, folding (no stemming: names, acronyms, prefixes)   |
//!
//! Stop words (`stop_words`: Snowball's lists, less the words that carry meaning in this
//! guide's questions) are removed before folding, as the lists hold accented words.
//! Changing any chain changes the index: bump [`ANALYSIS_VERSION`] so that indexes built
//! by an older chain are rebuilt.

mod filters;
mod memo;
mod stop_words;
mod words;

use std::sync::LazyLock;

use rustc_hash::FxHashSet;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter,
    TextAnalyzer, TokenStream, Tokenizer,
};

use crate::language::Lang;
use filters::{Rewrite, english_possessive, french_elision, split_compounds};
pub(crate) use words::APOSTROPHES;

/// Stored in every index; an index built with another version is stale.
pub const ANALYSIS_VERSION: u32 = 5;

/// Name under which the neutral analyzer is registered.
pub const NEUTRAL: &str = "neutral";

/// Longer tokens are noise (URLs, hashes) and would bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 60;

/// The analyzer of one language, or the neutral one for `None`.
pub fn analyzer(lang: Option<Lang>) -> TextAnalyzer {
    let start = TextAnalyzer::builder(words::WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    match lang {
        Some(Lang::Fr) => start
            .filter(Rewrite(french_elision))
            .filter(Rewrite(split_compounds))
            .filter(stop_words(Lang::Fr))
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
        Some(Lang::En) => start
            .filter(Rewrite(english_possessive))
            .filter(Rewrite(split_compounds))
            .filter(stop_words(Lang::En))
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
        Some(Lang::Es) => start
            .filter(Rewrite(split_compounds))
            .filter(stop_words(Lang::Es))
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::Spanish))
            .build(),
        None => start
            .filter(Rewrite(french_elision))
            .filter(Rewrite(split_compounds))
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The filter of `lang`'s stop words, each as written and without its accents: people
/// type `etait` and `a` for `était` and `à`, and the filter runs before accents are folded.
fn stop_words(lang: Lang) -> StopWordFilter {
    let mut fold = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    let mut words: Vec<String> = Vec::new();
    for word in stop_word_list(lang) {
        words.push(word.to_string());
        fold.token_stream(word).process(&mut |token| {
            if token.text != *word {
                words.push(token.text.clone());
            }
        });
    }
    StopWordFilter::remove(words)
}

fn stop_word_list(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => stop_words::FRENCH,
        Lang::En => stop_words::ENGLISH,
        Lang::Es => stop_words::SPANISH,
    }
}

/// Which of `words`, joined by single spaces, a byte offset of the joined text is in (the
/// last word for an offset past the end): a query's words are analysed together, and each
/// token told its word by its offset.
pub fn word_of_offset(words: &[String]) -> impl Fn(usize) -> usize + use<> {
    let ends: Vec<usize> = (words.iter())
        .scan(0, |end, word| {
            *end += word.len() + 1;
            Some(*end - 1)
        })
        .collect();
    move |offset| {
        let word = ends.partition_point(|&end| end <= offset);
        word.min(ends.len().saturating_sub(1))
    }
}

/// Whether `word` is written as an acronym: two characters or more, none lowercase.
pub fn is_acronym(word: &str) -> bool {
    word.chars().count() > 1 && word.chars().all(|c| !c.is_lowercase())
}

/// Whether `word` (lowercase) is one of `lang`'s stop words as its list writes them: no
/// content, but a sign of the language it is written in. Not the forms without accents
/// the filter also drops: `si` (Spanish `sí`) and `a` (French `à`) are other languages'
/// words too, and counted as signs they turned French queries Spanish.
pub fn is_stop_word(lang: Lang, word: &str) -> bool {
    STOP_WORDS[lang.ordinal() as usize].contains(word)
}

/// Each language's stop words as a set, by ordinal, made on first use: every word of a
/// query is looked up in all three (a list's hundreds of comparisons were a tenth of
/// the language stage).
static STOP_WORDS: LazyLock<[FxHashSet<&str>; 3]> =
    LazyLock::new(|| Lang::ALL.map(|lang| stop_word_list(lang).iter().copied().collect()));

/// The name an analyzer is registered under in the index.
pub fn analyzer_name(lang: Option<Lang>) -> &'static str {
    lang.map_or(NEUTRAL, Lang::code)
}

/// Registers all four analyzers, each with a memo of the corpus's words (see `analysis/memo.rs`);
/// needed again every time an index is opened, since tantivy does not store custom
/// analyzers. Returns them, for the searches of this index to read their memos.
pub fn register(index: &tantivy::Index) -> IndexAnalyzers {
    let registered = IndexAnalyzers::default();
    for (lang, memoized) in IndexAnalyzers::LANGS.into_iter().zip(&registered.memos) {
        index
            .tokenizers()
            .register(analyzer_name(lang), memoized.clone());
    }
    registered
}

/// The four analyzers of an index, with the memos of the corpus's words they share with
/// it.
#[derive(Clone)]
pub struct IndexAnalyzers {
    /// In the order of [`IndexAnalyzers::LANGS`].
    memos: [memo::Memoized; 4],
}

impl Default for IndexAnalyzers {
    /// Analyzers with empty memos, registered nowhere.
    fn default() -> Self {
        IndexAnalyzers {
            memos: IndexAnalyzers::LANGS.map(|lang| memo::Memoized::new(analyzer(lang))),
        }
    }
}

impl IndexAnalyzers {
    /// The three languages, then the neutral analyzer.
    pub const LANGS: [Option<Lang>; 4] = [Some(Lang::Fr), Some(Lang::En), Some(Lang::Es), None];

    /// `lang`'s analyzer for queries: it reads the memo of the corpus's words (a word
    /// the memo has costs a lookup) and adds nothing to it.
    pub fn for_queries(&self, lang: Option<Lang>) -> TextAnalyzer {
        TextAnalyzer::from(self.memo(lang).reader())
    }

    /// `lang`'s analyzer for the organisation's own texts (the corpus, the synonym
    /// groups): the words it analyses are added to the memo.
    pub fn for_corpus(&self, lang: Option<Lang>) -> TextAnalyzer {
        TextAnalyzer::from(self.memo(lang).clone())
    }

    /// Teaches every analyzer's memo the words of `text` (the organisation's own).
    pub fn learn(&self, text: &str) {
        for memoized in &self.memos {
            let mut analyzer = TextAnalyzer::from(memoized.clone());
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {}
        }
    }

    fn memo(&self, lang: Option<Lang>) -> &memo::Memoized {
        &self.memos[IndexAnalyzers::slot(lang)]
    }

    /// Where `lang`'s analyzer stands in [`IndexAnalyzers::LANGS`].
    pub fn slot(lang: Option<Lang>) -> usize {
        lang.map_or(3, |lang| lang.ordinal() as usize)
    }
}

/// Calls `f` with each word of `text` as written, split as every analyzer splits it.
pub fn for_each_word<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    let mut tokenizer = words::WordTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    while let Some(token) = stream.next() {
        f(&text[token.offset_from..token.offset_to]);
    }
}

/// One token of analysed text: its form in the index, where it stands and which bytes of
/// the input it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysedToken {
    /// The term as the index holds it: lowercased, folded, stemmed.
    pub text: String,
    /// Its word's position in the text, for phrase queries.
    pub position: usize,
    /// The bytes of the input it comes from, for highlighting.
    pub offsets: std::ops::Range<usize>,
}

/// A text's tokens by each analyzer a query is compared with: the three languages' (by
/// [`Lang::ordinal`]), then the neutral one. A query's words are analysed so once for
/// each query built; its synonyms and its query are both found from these.
#[derive(Debug)]
pub struct EveryAnalysis(pub [Vec<AnalysedToken>; 4]);

impl EveryAnalysis {
    /// The tokens `lang`'s analyzer made (`None`: the neutral one).
    pub fn of(&self, lang: Option<Lang>) -> &[AnalysedToken] {
        &self.0[IndexAnalyzers::slot(lang)]
    }
}

/// One term per position: where a compound adds alternatives, the first one (the joined
/// form) is the word as typed.
pub fn one_per_position(mut found: Vec<AnalysedToken>) -> Vec<AnalysedToken> {
    found.dedup_by_key(|t| t.position);
    found
}

/// Runs `analyzer` over `text` and collects its tokens.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalysedToken> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(AnalysedToken {
            text: token.text.clone(),
            position: token.position,
            offsets: token.offset_from..token.offset_to,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_of_the_joined_words_tells_its_word() {
        let words: Vec<String> = ["ayúdame", "kit", "médico"].map(String::from).into();
        let word_of = word_of_offset(&words);
        // "ayúdame kit médico": `ayúdame` is bytes 0..8, `kit` 9..12, `médico` 13..20.
        let table = [(0, 0), (7, 0), (9, 1), (11, 1), (13, 2), (19, 2), (40, 2)];
        for (offset, word) in table {
            assert_eq!(word_of(offset), word, "{offset}");
        }
    }

    /// The indexed forms of `text` in `lang`, alternatives at one position joined by `|`.
    fn forms(lang: Option<Lang>, text: &str) -> Vec<String> {
        let mut grouped: Vec<(usize, String)> = Vec::new();
        for token in tokens(&mut analyzer(lang), text) {
            match grouped.last_mut() {
                Some((position, forms)) if *position == token.position => {
                    forms.push('|');
                    forms.push_str(&token.text);
                }
                _ => grouped.push((token.position, token.text)),
            }
        }
        grouped.into_iter().map(|(_, forms)| forms).collect()
    }

    /// Each row: language, input text, expected tokens.
    fn check(table: &[(Option<Lang>, &str, &[&str])]) {
        let failures: Vec<String> = table
            .iter()
            .filter(|(lang, text, expected)| forms(*lang, text) != *expected)
            .map(|(lang, text, expected)| {
                format!(
                    "{lang:?} {text:?}: got {:?}, expected {expected:?}",
                    forms(*lang, text)
                )
            })
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    const FR: Option<Lang> = Some(Lang::Fr);
    const EN: Option<Lang> = Some(Lang::En);
    const ES: Option<Lang> = Some(Lang::Es);
    const NEUTRAL_: Option<Lang> = None;

    #[test]
    fn french_elision_with_both_apostrophes() {
        check(&[
            (FR, "l'harmonie", &["harmon"]),
            (FR, "l’harmonie", &["harmon"]),
            (FR, "L'Harmonie", &["harmon"]),
            (FR, "d'agression", &["agress"]),
            (FR, "j'ai", &[]),
            (FR, "m'aider", &["aid"]),
            (FR, "n'est", &[]),
            (FR, "s'informer", &["inform"]),
            (FR, "t'écouter", &["ecout"]),
            (FR, "c'était", &[]),
            (FR, "qu'elle", &[]),
            (FR, "jusqu'au procès", &["proc"]),
            (FR, "lorsqu'une victime", &["victim"]),
            (FR, "puisqu'il", &[]),
            (FR, "quoiqu'il", &[]),
            (FR, "aujourd'hui", &["aujourd'hui"]),
        ]);
    }

    #[test]
    fn french_folding_lets_accents_meet() {
        check(&[
            (FR, "événement", &["even"]),
            (FR, "évènement", &["even"]),
            (FR, "evenement", &["even"]),
            (FR, "médicosociale", &["medicosocial"]),
            (FR, "medicosociale", &["medicosocial"]),
            (FR, "agressée", &["agresse"]),
            (FR, "agressee", &["agresse"]),
            (FR, "AGRESSÉE", &["agresse"]),
        ]);
    }

    #[test]
    fn french_stop_words_and_stems() {
        check(&[
            (FR, "la trousse médicolégale", &["trouss", "medicolegal"]),
            (
                FR,
                "porter plainte à la police",
                &["port", "plaint", "polic"],
            ),
            (FR, "Les victimes et leurs proches", &["victim", "proch"]),
            // Snowball's forms of être and avoir that tantivy's list leaves out.
            (
                FR,
                "elle a été agressée, son ami est seul",
                &["agresse", "ami", "seul"],
            ),
        ]);
    }

    #[test]
    fn stop_words_typed_without_accents_or_apostrophes_are_stop_words() {
        check(&[
            (EN, "i dont know if its rape", &["know", "rape"]),
            (EN, "im scared but i wont go", &["scare", "go"]),
            (FR, "j'etais a l'hopital", &["hopital"]),
            (FR, "meme apres", &["apre"]),
            (ES, "que hago si me violo el", &["hag", "viol"]),
            (ES, "mas ayuda para mi", &["ayud"]),
        ]);
    }

    #[test]
    fn hyphens_join_and_split() {
        check(&[
            (FR, "médico-légale", &["medicolegal|medico|legal"]),
            (FR, "médicolégale", &["medicolegal"]),
            (NEUTRAL_, "Info-aide", &["infoaide|info|aide"]),
            (ES, "médico-legal", &["medicolegal|medic|legal"]),
        ]);
    }

    #[test]
    fn inclusive_writing_finds_both_genders() {
        check(&[
            (FR, "intervenant·e·s", &["interven|interven"]),
            (FR, "intervenant⋅e⋅s", &["interven|interven"]),
            (FR, "intervenant.e.s", &["interven|interven"]),
            (FR, "intervenants", &["interven"]),
            (FR, "intervenantes", &["interven"]),
            (NEUTRAL_, "intervenant·e·s", &["intervenants|intervenantes"]),
            (NEUTRAL_, "expert·e", &["expert|experte"]),
            // A full stop between two sentences or in an address is not inclusive writing.
            (NEUTRAL_, "voir le site.Les", &["voir", "le", "site", "les"]),
            (NEUTRAL_, "www.example.com", &["www", "example", "com"]),
        ]);
    }

    #[test]
    fn english_possessive_stop_words_and_stems() {
        check(&[
            (EN, "the victim's rights", &["victim", "right"]),
            (EN, "victims' rights", &["victim", "right"]),
            (EN, "filing a complaint", &["file", "complaint"]),
            (EN, "Rape kit", &["rape", "kit"]),
            (EN, "Québec", &["quebec"]),
        ]);
    }

    #[test]
    fn spanish_folding_and_stems() {
        check(&[
            (ES, "agresión", &["agresion"]),
            (ES, "agresion", &["agresion"]),
            (ES, "la violación", &["violacion"]),
            (ES, "denunciar a la policía", &["denunci", "polici"]),
        ]);
    }

    #[test]
    fn neutral_keeps_names_and_acronyms_whole() {
        check(&[
            (NEUTRAL_, "SPVM", &["spvm"]),
            (NEUTRAL_, "TACMES", &["tacmes"]),
            (NEUTRAL_, "CPIMCD", &["cpimcd"]),
            (NEUTRAL_, "l'Info-aide", &["infoaide|info|aide"]),
            (NEUTRAL_, "Sûreté du Québec", &["surete", "du", "quebec"]),
        ]);
    }

    #[test]
    fn offsets_cover_whole_original_words() {
        let text = "François et l'intervenant·e";
        let found = tokens(&mut analyzer(FR), text);
        let spans: Vec<&str> = found.iter().map(|t| &text[t.offsets.clone()]).collect();
        assert_eq!(spans, ["François", "l'intervenant·e", "l'intervenant·e"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Every analyzer takes any text, and its offsets always cut the text on characters.
        #[test]
        fn analyzers_take_any_text(text in proptest::prelude::any::<String>()) {
            for lang in [FR, EN, ES, NEUTRAL_] {
                for token in tokens(&mut analyzer(lang), &text) {
                    proptest::prop_assert!(text.get(token.offsets.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        check(&[(
            NEUTRAL_,
            &format!("avant {long} après"),
            &["avant", "apres"],
        )]);
    }
}
