//! From what a person typed to a tantivy query.
//!
//! The syntax is lenient and never an error: `"an exact phrase"`, `-excluded` words or
//! phrases, and plain words; an unbalanced quote, stray operators and punctuation are
//! just text, which the analyzers reduce to words.
//!
//! Plain words are optional (a passage matching more of them scores higher); phrases are
//! required. Each searched language contributes its own analysis of the words on its own
//! fields, weighted by how likely the query is in that language; the neutral field adds
//! exact forms, names and acronyms for every document.

use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{
    AnalysedToken, EveryAnalysis, IndexAnalyzers, one_per_position, tokens, word_of_offset,
};
use crate::index::Fields;
use crate::language::Lang;
use crate::synonyms::{Synonyms, written_only};

use super::known_postings::{
    KnownList, KnownPostings, KnownQuery, KnownSum, Phrase, WeightedFields, phrase_terms,
};

/// Longer queries are cut: past this many words, more words add cost, not precision.
pub const MAX_WORDS: usize = 32;

/// Field weights: a match in the document's summary counts most, then one in its title
/// or a heading, then one in the text. The summary (what the document covers, in its
/// author's words) was added on the blind set's dev slice: MRR@10 0.869 → 0.877 at 2.5,
/// and 0.873–0.878 anywhere from 0.5 to 3 (2.5: the best nDCG@10, and success@3 at its
/// floor in each language). In the title field instead, 0.877, but the 200 queries the weights were
/// first tuned on fell from 0.970 to 0.946 (0.963 as a field of its own).
/// The title weighed 3 until the three dev slices together said 2 (MRR@10 dev 0.912 →
/// 0.913, dev2 0.830 → 0.835, dev3 0.838 → 0.848; 1 and 1.5 no better, 3.5 worse): a
/// general word in a short title (`rape` in "… (rape kit)") outweighed the sections that
/// answer a whole sentence. The tuned 200 fell from 0.962 to 0.956, above their floor.
/// The heading (1.5, 2.5), summary (1.5, 2, 3) and proximity (1, 2) weights were tried
/// again beside it: none did better.
const TITLE_BOOST: f32 = 2.0;
const SUMMARY_BOOST: f32 = 2.5;
const HEADING_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;
/// The neutral field rewards exact (unstemmed) forms, names and acronyms.
const NEUTRAL_BOOST: f32 = 0.4;
/// Plain words that appear together, in order, score again as a phrase.
const PROXIMITY_BOOST: f32 = 1.5;
const PROXIMITY_SLOP: u32 = 2;
/// A synonym whose every word is in more than this share of the passages (in a field) is
/// not searched there: `sexual violence` for `rape`, say, is in nearly every passage of
/// the guide, tells them apart little, and costs the most to collect. Dev slice of the
/// blind set: MRR@10 0.864 → 0.869 at 0.05 (0.868 at 0.1 and 0.02, 0.854 at 0.01).
pub(super) const COMMON_SYNONYM_SHARE: f32 = 0.05;

/// Words searched besides those typed, weighted below them: completions of the last
/// word and corrections of unknown words (in every searched language), or synonyms
/// (in their own language).
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub text: String,
    /// `None`: the searched languages and the neutral field.
    pub lang: Option<Lang>,
    pub weight: f32,
    /// The typed words it stands for (positions in [`ParsedQuery::words`]).
    pub words: Range<usize>,
    /// A synonym says the same in other words: its id among the synonym groups' terms
    /// ([`crate::synonyms::Expansion::id`]). A completion or a correction is the word.
    pub synonym: Option<usize>,
}

/// What a person typed, taken apart.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Plain words, optional: a passage matching more of them scores higher.
    pub words: Vec<String>,
    /// Quoted phrases, required, their words in order.
    pub phrases: Vec<String>,
    /// Words or phrases after a `-`: passages with them are left out.
    pub excluded: Vec<String>,
    /// Whether the query ends with its last plain word, no space after it: a word that
    /// may still be being typed.
    pub ends_typing: bool,
}

impl ParsedQuery {
    /// The query with its phrases as plain words, and nothing excluded.
    pub fn without_operators(&self) -> ParsedQuery {
        let phrase_words = self.phrases.iter().flat_map(|p| p.split_whitespace());
        let mut words: Vec<String> = self
            .words
            .iter()
            .map(String::as_str)
            .chain(phrase_words)
            .map(String::from)
            .collect();
        words.truncate(MAX_WORDS);
        // The last word is still the last typed only if no phrase's word follows it.
        let ends_typing = self.ends_typing && words.len() == self.words.len();
        ParsedQuery {
            words,
            ends_typing,
            ..ParsedQuery::default()
        }
    }

    /// Takes a query apart, leniently: never an error, at most [`MAX_WORDS`] of each kind.
    pub fn parse(input: &str) -> ParsedQuery {
        let mut parsed = ParsedQuery::default();
        let mut rest = input.trim_start();
        while !rest.is_empty() {
            let (negated, after_sign) = match rest.strip_prefix('-') {
                Some(after) if after.starts_with(|c: char| !c.is_whitespace() && c != '-') => {
                    (true, after)
                }
                _ => (false, rest),
            };
            let (term, is_phrase, next) = match after_sign.strip_prefix('"') {
                Some(quoted) => match quoted.find('"') {
                    Some(end) => (&quoted[..end], true, &quoted[end + 1..]),
                    // An unbalanced quote is just a character.
                    None => split_word(quoted),
                },
                None => split_word(after_sign),
            };
            let term = term.trim();
            parsed.ends_typing = !negated && !is_phrase && next.is_empty() && !term.is_empty();
            if !term.is_empty() {
                match (negated, is_phrase) {
                    (true, _) => parsed.excluded.push(term.to_string()),
                    (false, true) => parsed.phrases.push(term.to_string()),
                    (false, false) => parsed.words.push(term.to_string()),
                }
            }
            rest = next.trim_start();
        }
        // Past MAX_WORDS, the last word kept is not the last typed.
        parsed.ends_typing &= parsed.words.len() <= MAX_WORDS;
        parsed.words.truncate(MAX_WORDS);
        parsed.phrases.truncate(MAX_WORDS);
        parsed.excluded.truncate(MAX_WORDS);
        parsed
    }
}

fn split_word(text: &str) -> (&str, bool, &str) {
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], false, &text[end..])
}

/// The analyzers a query is built with, made once: the index's own, reading the memos of
/// the corpus's words.
pub struct Analyzers {
    by_lang: [TextAnalyzer; 3],
    neutral: TextAnalyzer,
}

impl Analyzers {
    /// The analyzers of `registered`, for queries.
    pub fn new(registered: &IndexAnalyzers) -> Analyzers {
        Analyzers {
            by_lang: Lang::ALL.map(|lang| registered.for_queries(Some(lang))),
            neutral: registered.for_queries(None),
        }
    }

    /// The tokens of `text` as `lang` (`None`: the neutral analyzer) analyses it, one per
    /// position.
    pub fn analyse(&self, lang: Option<Lang>, text: &str) -> Vec<AnalysedToken> {
        one_per_position(self.tokens(lang, text))
    }

    /// Every token of `text` as `lang` analyses it, a compound's parts with its joined form.
    fn tokens(&self, lang: Option<Lang>, text: &str) -> Vec<AnalysedToken> {
        let mut analyzer = match lang {
            Some(lang) => self.by_lang[lang.ordinal() as usize].clone(),
            None => self.neutral.clone(),
        };
        tokens(&mut analyzer, text)
    }

    /// `text` as every analyzer takes it apart.
    pub fn every(&self, text: &str) -> EveryAnalysis {
        EveryAnalysis(IndexAnalyzers::LANGS.map(|lang| self.tokens(lang, text)))
    }

    /// The words of `parsed`, joined by spaces, as every analyzer takes them apart: what
    /// its synonyms are matched with ([`super::expand::expand`]) and its query [`build`]s.
    pub fn analyse_words(&self, parsed: &ParsedQuery) -> EveryAnalysis {
        self.every(&parsed.words.join(" "))
    }
}

impl Default for Analyzers {
    /// Analyzers with empty memos.
    fn default() -> Self {
        Analyzers::new(&IndexAnalyzers::default())
    }
}

/// A search's query, and for each typed word the terms that find it: as typed (or
/// corrected, or completed), and through a synonym. A document's coverage of the query
/// is counted with them.
pub struct Built {
    pub query: Box<dyn Query>,
    pub words: Vec<WordTerms>,
}

/// The terms that find one typed word, each entry one form of it: a single term, or the
/// terms of a phrase (a synonym of several words), all needed.
#[derive(Default)]
pub struct WordTerms {
    pub typed: Vec<Arc<[Term]>>,
    /// Forms of the word as typed whose passages on all of a language's fields were found
    /// beforehand: one list each, instead of a term per field.
    pub typed_known: Vec<KnownList>,
    pub synonym: Vec<Arc<[Term]>>,
    /// Synonyms' forms whose documents were found beforehand: those documents.
    pub synonym_documents: Vec<Arc<[u32]>>,
}

/// What a query is built against.
#[derive(Clone, Copy)]
pub struct Against<'a> {
    pub fields: &'a Fields,
    pub analyzers: &'a Analyzers,
    /// What share of the passages have a term in a field: a term a field lacks costs no
    /// clause, and a synonym common everywhere (see [`COMMON_SYNONYM_SHARE`]) none either.
    pub share: &'a dyn Fn(Field, &str) -> f32,
    /// The index's terms and the synonyms' phrases, found beforehand.
    pub postings: &'a KnownPostings,
    /// How the synonyms are searched, worked out beforehand.
    pub synonyms: &'a SynonymForms,
}

/// An alternative as one field searches it: the phrase (or term) on the field, the
/// field's boost, and its terms (for coverage).
pub struct Form {
    phrase: Phrase,
    boost: f32,
    terms: Arc<[Term]>,
    /// Its query on postings found beforehand (a synonym's, when the engine is made).
    known_query: Option<KnownQuery>,
    /// The documents that have all its terms, wherever they stand (by ordinal, in order),
    /// for coverage: found with its query.
    documents: Option<Arc<[u32]>>,
}

/// How `text`, analysed as `lang` analyses it, is searched on each of `targets` (fields
/// and their boosts): not on a field that lacks one of its terms, nor, for a synonym, on
/// one where its every term is common (see [`COMMON_SYNONYM_SHARE`]). `share` is
/// [`Against::share`].
fn searched_forms(
    analyzers: &Analyzers,
    share: &dyn Fn(Field, &str) -> f32,
    lang: Option<Lang>,
    text: &str,
    targets: &[(Field, f32)],
    synonym: bool,
) -> Vec<Form> {
    let found = analyzers.analyse(lang, text);
    let Some(positioned) = positioned_texts(&found) else {
        return Vec::new();
    };
    let mut forms = Vec::new();
    for &(field, boost) in targets {
        let shares: Vec<f32> = found.iter().map(|t| share(field, &t.text)).collect();
        let common = shares.iter().all(|&s| s > COMMON_SYNONYM_SHARE);
        if shares.contains(&0.0) || (synonym && common) {
            continue;
        }
        forms.push(Form {
            phrase: (field, positioned.clone()),
            boost,
            terms: (found.iter())
                .map(|t| Term::from_field_text(field, &t.text))
                .collect(),
            known_query: None,
            documents: None,
        });
    }
    forms
}

/// How each term of the synonym groups is searched in its language, worked out once
/// when the engine is made (it depends on the index alone): a query's synonyms, dozens
/// of them, cost a lookup each instead of an analysis and a look at every field.
#[derive(Default)]
pub struct SynonymForms {
    /// Each term's forms, by [`crate::synonyms::Expansion::id`].
    by_id: Vec<Vec<Form>>,
}

impl SynonymForms {
    /// Works out every term of `synonyms` as [`build`] would search it (`share` is
    /// [`Against::share`]).
    pub fn new(
        synonyms: &Synonyms,
        fields: &Fields,
        analyzers: &Analyzers,
        share: &dyn Fn(Field, &str) -> f32,
    ) -> SynonymForms {
        let by_id = (synonyms.terms())
            .map(|(lang, text)| {
                // A reader's phrase is matched, never searched.
                if written_only(text).is_some() {
                    return Vec::new();
                }
                let targets = weighted_fields(fields, lang);
                searched_forms(analyzers, share, Some(lang), text, &targets, true)
            })
            .collect();
        SynonymForms { by_id }
    }

    /// Makes each form's query from the postings found beforehand, when they were, and
    /// its documents (`documents_with` its terms): a search clones them instead of
    /// looking them up.
    pub fn with_queries(
        mut self,
        postings: &KnownPostings,
        documents_with: impl Fn(&[Term]) -> Option<Arc<[u32]>>,
    ) -> SynonymForms {
        for form in self.by_id.iter_mut().flatten() {
            form.known_query = postings.form(&form.phrase);
            if form.known_query.is_some() {
                form.documents = documents_with(&form.terms);
            }
        }
        self
    }

    fn forms(&self, id: usize) -> Option<&[Form]> {
        self.by_id.get(id).map(Vec::as_slice)
    }

    /// The phrases the synonyms of several words are searched as: those worth finding
    /// beforehand ([`KnownPostings::find`]).
    pub fn phrases(&self) -> impl Iterator<Item = Phrase> + '_ {
        (self.by_id.iter().flatten())
            .filter(|form| form.phrase.1.len() > 1)
            .map(|form| form.phrase.clone())
    }
}

/// Where an alternative's forms on one target are: prepared when the engine was made (a
/// synonym's), or worked out for this search (at this place of the search's list).
enum Forms<'a> {
    Prepared(&'a [Form]),
    Computed(usize),
}

/// Builds the query for `parsed`, whose words, joined, every analyzer took apart as
/// `analysed`, searching `languages` with their weights. With `stop_words`, stop words are
/// searched too, in the neutral field (a query relaxed because it found nothing).
pub fn build(
    parsed: &ParsedQuery,
    analysed: &EveryAnalysis,
    alternatives: &[Alternative],
    languages: &[(Lang, f32)],
    against: &Against,
    stop_words: bool,
) -> Built {
    let Against {
        fields,
        analyzers,
        share,
        postings,
        ..
    } = *against;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // The clauses whose postings were found beforehand, summed as one.
    let mut summed = KnownSum::default();
    let word_of = word_of_offset(&parsed.words);
    let mut per_word: Vec<WordTerms> = parsed.words.iter().map(|_| WordTerms::default()).collect();

    // The query's language, when it is more likely than the others (they come after it):
    // a word it drops as a stop word is one of its function words (English `its`), not a
    // word of another language (the French acronym `ITS`), so no language searches it.
    let own = match languages {
        [(first, likely), (_, next), ..] if likely > next && !stop_words => Some(*first),
        _ => None,
    };
    let mut own_kept: Option<Vec<usize>> = None;
    let mut kept_by_each = Vec::new();
    for &(lang, weight) in languages {
        let all = one_per_position(analysed.of(Some(lang)).to_vec());
        let kept: Vec<usize> = all.iter().map(|t| t.position).collect();
        if Some(lang) == own {
            own_kept = Some(kept.clone());
        }
        kept_by_each.push(kept);
        let found: Vec<AnalysedToken> = all
            .into_iter()
            .filter(|t| {
                own_kept
                    .as_ref()
                    .is_none_or(|own| own.contains(&t.position))
            })
            .filter(|t| {
                weighted_fields(fields, lang)
                    .iter()
                    .any(|(f, _)| share(*f, &t.text) > 0.0)
            })
            .collect();
        // Each word's list on the language's four fields, when it was found beforehand.
        let weighted = weighted_fields(fields, lang);
        let lists: Vec<Option<KnownQuery>> = (found.iter())
            .map(|token| postings.weighted_term(&weighted, &token.text))
            .collect();
        for (token, list) in found.iter().zip(&lists) {
            let word = &mut per_word[word_of(token.offsets.start)];
            match list {
                Some(list) => word.typed_known.push(list.passages()),
                None => (word.typed).extend(
                    (weighted.iter())
                        .map(|&(field, _)| [Term::from_field_text(field, &token.text)].into()),
                ),
            }
        }
        if let Some(query) = words_query(&found, lists, lang, weight, against, &mut summed) {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(query, weight))));
        }
    }
    // A stop word of any searched language stays out of the neutral field: it is no name
    // nor acronym, and it would match most passages of that language.
    let neutral: Vec<AnalysedToken> = one_per_position(analysed.of(None).to_vec())
        .into_iter()
        .filter(|t| stop_words || kept_by_each.iter().all(|kept| kept.contains(&t.position)))
        .filter(|t| share(fields.names, &t.text) > 0.0)
        .collect();
    for token in &neutral {
        per_word[word_of(token.offsets.start)]
            .typed
            .push([Term::from_field_text(fields.names, &token.text)].into());
    }
    let terms: Vec<Box<dyn Query>> = (neutral.iter())
        .filter_map(|t| {
            let found = postings.term(fields.names, &t.text);
            known_or(&mut summed, found, NEUTRAL_BOOST, || {
                tantivy_term_query(fields.names, &t.text)
            })
        })
        .collect();
    if !terms.is_empty() {
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::union(terms)),
                NEUTRAL_BOOST,
            )),
        ));
    }

    // Alternatives that come down to the same terms on one field are one clause, their
    // weights summed: the same score, and one walk of the postings instead of several.
    // The completions `sexuel`, `sexuelle`, `sexuellement` all stem to `sexuel`; a synonym
    // group's `trousse médicolégale` and `trousse médico-légale`, to one phrase.
    // A synonym's forms were worked out when the engine was made; the others' are now.
    let mut computed: Vec<Vec<Form>> = Vec::new();
    let mut searched: Vec<(&Alternative, Forms)> = Vec::new();
    for alternative in alternatives {
        let own = alternative.lang.map(|lang| vec![(lang, 1.0)]);
        let languages = own.as_deref().unwrap_or(languages);
        let neutral = alternative.lang.is_none();
        for (lang, targets) in targets(languages, neutral, fields) {
            let forms = match alternative
                .synonym
                .and_then(|id| against.synonyms.forms(id))
            {
                Some(prepared) => Forms::Prepared(prepared),
                None => {
                    computed.push(searched_forms(
                        analyzers,
                        share,
                        lang,
                        &alternative.text,
                        &targets,
                        alternative.synonym.is_some(),
                    ));
                    Forms::Computed(computed.len() - 1)
                }
            };
            searched.push((alternative, forms));
        }
    }
    // Each phrase once, in the order first met, with the weights of all that search it.
    let mut alternative_clauses: Vec<(&Form, f32)> = Vec::new();
    let mut clause_of: FxHashMap<&Phrase, usize> = FxHashMap::default();
    for (alternative, prepared) in searched {
        let forms = match prepared {
            Forms::Prepared(forms) => forms,
            Forms::Computed(at) => &computed[at],
        };
        for form in forms {
            let boost = form.boost * alternative.weight;
            match clause_of.entry(&form.phrase) {
                Entry::Occupied(at) => alternative_clauses[*at.get()].1 += boost,
                Entry::Vacant(at) => {
                    at.insert(alternative_clauses.len());
                    alternative_clauses.push((form, boost));
                }
            }
            for word in alternative.words.clone() {
                let kinds = &mut per_word[word];
                if let (Some(_), Some(documents)) = (alternative.synonym, &form.documents) {
                    let lists = &mut kinds.synonym_documents;
                    if !lists.iter().any(|listed| Arc::ptr_eq(listed, documents)) {
                        lists.push(documents.clone());
                    }
                    continue;
                }
                let list = match alternative.synonym {
                    Some(_) => &mut kinds.synonym,
                    None => &mut kinds.typed,
                };
                if !list.contains(&form.terms) {
                    list.push(form.terms.clone());
                }
            }
        }
    }
    for (form, boost) in alternative_clauses {
        let phrase = &form.phrase;
        let found = (form.known_query.clone()).or_else(|| postings.form(phrase));
        let query = known_or(&mut summed, found, boost, || match phrase.1.as_slice() {
            [(_, one)] => tantivy_term_query(phrase.0, one),
            _ => Box::new(PhraseQuery::new_with_offset(phrase_terms(phrase))),
        });
        if let Some(query) = query {
            clauses.push((Occur::Should, boosted(query, boost)));
        }
    }
    if !summed.is_empty() {
        clauses.push((Occur::Should, Box::new(summed)));
    }
    for phrase in &parsed.phrases {
        if let Some(query) = anywhere(phrase, languages, true, against) {
            clauses.push((Occur::Must, query));
        }
    }
    let has_positive = clauses.iter().any(|(occur, _)| *occur != Occur::MustNot);
    for excluded in &parsed.excluded {
        if let Some(query) = anywhere(excluded, languages, true, against) {
            clauses.push((Occur::MustNot, query));
        }
    }
    let query: Box<dyn Query> = if has_positive {
        Box::new(BooleanQuery::new(clauses))
    } else {
        Box::new(EmptyQuery)
    };
    Built {
        query,
        words: per_word,
    }
}

/// The words of one language on its title, summary, heading and body fields, with a
/// proximity bonus on the body when they appear together; `weight` is the language's.
/// `lists` are the words' lists on those fields found beforehand, if they were: they go to
/// `summed`; the query returned holds the rest (`None` if there is none).
fn words_query(
    found: &[AnalysedToken],
    lists: Vec<Option<KnownQuery>>,
    lang: Lang,
    weight: f32,
    against: &Against,
    summed: &mut KnownSum,
) -> Option<Box<dyn Query>> {
    let (fields, postings) = (against.fields, against.postings);
    let lang_fields = fields.of(lang);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let weighted = weighted_fields(fields, lang);
    for (token, list) in found.iter().zip(lists) {
        if let Some(list) = list {
            summed.add(list, weight);
            continue;
        }
        // Else a clause per field that has the word, beside the others (not nested: on a
        // large index a union per word would visit every match once more).
        for (field, boost) in weighted {
            if (against.share)(field, &token.text) > 0.0 {
                let found = postings.term(field, &token.text);
                if let Some(query) = known_or(summed, found, weight * boost, || {
                    tantivy_term_query(field, &token.text)
                }) {
                    clauses.push((Occur::Should, boosted(query, boost)));
                }
            }
        }
    }
    if found.len() > 1 {
        let phrase = PhraseQuery::new_with_offset_and_slop(
            positioned_terms(lang_fields.body, found),
            PROXIMITY_SLOP,
        );
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST)),
        ));
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// `found` (a query on postings found beforehand) added to `summed` with `boost`, or else
/// the query tantivy searches, made by `query`, to boost and add as a clause.
fn known_or(
    summed: &mut KnownSum,
    found: Option<KnownQuery>,
    boost: f32,
    query: impl FnOnce() -> Box<dyn Query>,
) -> Option<Box<dyn Query>> {
    match found {
        Some(found) => {
            summed.add(found, boost);
            None
        }
        None => Some(query()),
    }
}

/// A phrase (or a single word) matched in the title, summary, a heading or the text of any of
/// `languages`, with their weights, and in the neutral field if asked.
fn anywhere(
    text: &str,
    languages: &[(Lang, f32)],
    neutral: bool,
    against: &Against,
) -> Option<Box<dyn Query>> {
    let Against {
        fields,
        analyzers,
        postings,
        ..
    } = *against;
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for (lang, targets) in targets(languages, neutral, fields) {
        let found = analyzers.analyse(lang, text);
        for (field, boost) in targets {
            let query = match found.as_slice() {
                [] => continue,
                [one] => term_query(postings, field, &one.text),
                _ => phrase_query(field, &found),
            };
            alternatives.push(boosted(query, boost));
        }
    }
    (!alternatives.is_empty())
        .then(|| Box::new(BooleanQuery::union(alternatives)) as Box<dyn Query>)
}

/// The language that analyses a text (`None`: the neutral analyzer), and the fields
/// searched with its terms, each with its weight.
type Target = (Option<Lang>, Vec<(Field, f32)>);

/// Where a text is searched: for each of `languages`, the language that analyses it and
/// its title, summary, headings and text (with the language's weight times the field's); and the
/// neutral field if asked.
fn targets(languages: &[(Lang, f32)], neutral: bool, fields: &Fields) -> Vec<Target> {
    let mut targets: Vec<Target> = languages
        .iter()
        .map(|&(lang, weight)| {
            let weighted =
                weighted_fields(fields, lang).map(|(field, boost)| (field, weight * boost));
            (Some(lang), weighted.to_vec())
        })
        .collect();
    if neutral {
        targets.push((None, vec![(fields.names, NEUTRAL_BOOST)]));
    }
    targets
}

/// The fields a plain word is searched on together, with their weights: each
/// language's, for [`KnownPostings::find`].
pub fn weighted_field_sets(fields: &Fields) -> Vec<WeightedFields> {
    (Lang::ALL.into_iter())
        .map(|lang| weighted_fields(fields, lang).to_vec())
        .collect()
}

/// A language's title, summary, heading and text fields, with their weights.
fn weighted_fields(fields: &Fields, lang: Lang) -> [(Field, f32); 4] {
    let f = fields.of(lang);
    [
        (f.title, TITLE_BOOST),
        (f.summary, SUMMARY_BOOST),
        (f.heading, HEADING_BOOST),
        (f.body, BODY_BOOST),
    ]
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn phrase_query(field: Field, found: &[AnalysedToken]) -> Box<dyn Query> {
    Box::new(PhraseQuery::new_with_offset(positioned_terms(field, found)))
}

/// The texts of `found`, each with its position from the first (`None` if there are none).
fn positioned_texts(found: &[AnalysedToken]) -> Option<Vec<(usize, String)>> {
    let first = found.first()?.position;
    Some(
        found
            .iter()
            .map(|t| (t.position - first, t.text.clone()))
            .collect(),
    )
}

fn positioned_terms(field: Field, found: &[AnalysedToken]) -> Vec<(usize, Term)> {
    let first = found.first().map_or(0, |t| t.position);
    found
        .iter()
        .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
        .collect()
}

/// The query for `text` on `field`: its postings found beforehand if they were, else a
/// term query.
fn term_query(postings: &KnownPostings, field: Field, text: &str) -> Box<dyn Query> {
    match postings.term(field, text) {
        Some(known) => Box::new(known),
        None => tantivy_term_query(field, text),
    }
}

/// tantivy's query for `text` on `field`, for a term whose postings were not found
/// beforehand.
fn tantivy_term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        let parsed = Box::leak(Box::new(ParsedQuery::parse(input)));
        let strs = |v: &'static Vec<String>| v.iter().map(String::as_str).collect();
        (
            strs(&parsed.words),
            strs(&parsed.phrases),
            strs(&parsed.excluded),
        )
    }

    /// Input, then the words, phrases and excluded terms expected.
    type Row = (
        &'static str,
        (
            &'static [&'static str],
            &'static [&'static str],
            &'static [&'static str],
        ),
    );

    #[test]
    fn lenient_syntax() {
        let table: &[Row] = &[
            (
                "trousse médicolégale",
                (&["trousse", "médicolégale"], &[], &[]),
            ),
            (
                "\"porter plainte\" police",
                (&["police"], &["porter plainte"], &[]),
            ),
            ("aide -police", (&["aide"], &[], &["police"])),
            ("aide -\"rape kit\"", (&["aide"], &[], &["rape kit"])),
            ("\"unbalanced quote", (&["unbalanced", "quote"], &[], &[])),
            ("médico-légale", (&["médico-légale"], &[], &[])),
            ("a - b -- c", (&["a", "-", "b", "--", "c"], &[], &[])),
            (
                "\"((( -- AND OR ~^* :",
                (&["(((", "--", "AND", "OR", "~^*", ":"], &[], &[]),
            ),
            ("\"\"", (&[], &[], &[])),
            ("   ", (&[], &[], &[])),
        ];
        for (input, (words, phrases, excluded)) in table {
            assert_eq!(
                parse(input),
                (words.to_vec(), phrases.to_vec(), excluded.to_vec()),
                "{input:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text parses, within the word limit.
        #[test]
        fn any_text_parses(input in proptest::prelude::any::<String>()) {
            let parsed = ParsedQuery::parse(&input);
            proptest::prop_assert!(parsed.words.len() <= MAX_WORDS);
            proptest::prop_assert!(parsed.words.iter().chain(&parsed.phrases).chain(&parsed.excluded).all(|t| !t.trim().is_empty()));
        }
    }

    /// Query, and whether its last word may still be being typed.
    #[test]
    fn a_query_ends_typing_on_a_plain_word_with_no_space_after() {
        let table = [
            ("trousse médicol", true),
            ("trousse médicol ", false),
            ("\"rape kit\"", false),
            ("rape \"kit", true),
            ("rape -kit", false),
            ("kit -kit", false),
            ("", false),
        ];
        for (query, typing) in table {
            assert_eq!(ParsedQuery::parse(query).ends_typing, typing, "{query:?}");
        }
        let long = "mot ".repeat(MAX_WORDS) + "dernier";
        assert!(
            !ParsedQuery::parse(&long).ends_typing,
            "the last word typed is cut"
        );
        let relaxed = ParsedQuery::parse("\"rape kit\" montr").without_operators();
        assert!(
            !relaxed.ends_typing,
            "a phrase's word is no word being typed"
        );
        let cut = format!("\"rape kit\" {}montr", "mot ".repeat(MAX_WORDS - 1));
        let relaxed = ParsedQuery::parse(&cut).without_operators();
        assert!(
            relaxed.ends_typing,
            "the phrase's words were cut, not the last typed"
        );
    }

    #[test]
    fn long_queries_are_cut() {
        let input = "mot ".repeat(1000);
        assert_eq!(ParsedQuery::parse(&input).words.len(), MAX_WORDS);
    }

    #[test]
    fn completions_with_one_stem_walk_its_postings_once() {
        let (_, fields) = crate::index::schema();
        let parsed = ParsedQuery::parse("sexu");
        let completions: Vec<Alternative> = ["sexuel", "sexuelle", "sexuellement"]
            .map(|text| Alternative {
                text: text.into(),
                lang: None,
                weight: 0.5,
                words: 0..1,
                synonym: None,
            })
            .into();
        let against = Against {
            fields: &fields,
            analyzers: &Analyzers::default(),
            share: &|_, _| 0.01,
            postings: &KnownPostings::default(),
            synonyms: &SynonymForms::default(),
        };
        let analysed = Analyzers::default().analyse_words(&parsed);
        let fr = [(Lang::Fr, 1.0)];
        let query = build(&parsed, &analysed, &completions, &fr, &against, false).query;
        let mut walks = 0;
        let stem = Term::from_field_text(fields.of(Lang::Fr).body, "sexuel");
        query.query_terms(&mut |term, _| walks += usize::from(*term == stem));
        assert_eq!(walks, 1);
    }

    /// A synonym common everywhere costs no clause; a typed word as common still counts.
    #[test]
    fn synonyms_in_most_passages_are_not_searched() {
        let (_, fields) = crate::index::schema();
        let parsed = ParsedQuery::parse("viol");
        let alternative = |text: &str, synonym| Alternative {
            text: text.into(),
            lang: Some(Lang::Fr),
            weight: 0.4,
            words: 0..1,
            synonym,
        };
        let alternatives = [
            alternative("violence", Some(0)),
            alternative("agression", Some(1)),
        ];
        let share = |_, term: &str| if term == "violenc" { 0.5 } else { 0.01 };
        let against = Against {
            fields: &fields,
            analyzers: &Analyzers::default(),
            share: &share,
            postings: &KnownPostings::default(),
            synonyms: &SynonymForms::default(),
        };
        let analysed = Analyzers::default().analyse_words(&parsed);
        let fr = [(Lang::Fr, 1.0)];
        let built = build(&parsed, &analysed, &alternatives, &fr, &against, false);
        let mut searched = std::collections::BTreeSet::new();
        (built.query).query_terms(&mut |term, _| {
            searched.insert(term.value().as_str().unwrap_or_default().to_string());
        });
        assert!(
            searched.contains("viol") && searched.contains("agress"),
            "{searched:?}"
        );
        assert!(!searched.contains("violenc"), "{searched:?}");
    }
}
