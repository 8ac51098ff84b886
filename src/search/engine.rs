//! The engine: an opened index with everything a search needs that does not depend on the
//! query, and the search itself, from a request to a page of hits with facets.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, SegmentOrdinal, TantivyDocument};

use crate::document::group_id;
use crate::index::{DocumentEntry, OpenIndex};
use crate::language::{Confidences, Detection, Detector, Lang};

use super::cache::{Kept, ResponseCache};
use super::collect::{BestPassages, DocMatch};
use super::coverage;
use super::expand::{self, Corrections, Expanded};
use super::kept_terms::{KeptTerms, MAX_TEXTS};
use super::known_postings::KnownPostings;
use super::query::{self, Analyzers, Built, ParsedQuery};
use super::rank::{best_first, group, preference, query_language, weigh_languages, words_decide};
use super::request::{SearchError, SearchRequest, validate_query};
use super::response::{
    Facets, Hit, LanguageReport, Link, Relaxation, SearchResponse, document_url,
};
use super::snippet::Snippets;
use super::suggest::{self, Suggestions};
use super::term_statistics::TermStatistics;

/// Up to this many passages, a search costs well under a millisecond even at its slowest,
/// which is as long as an async thread may be held: over 4,338 synthetic passages the
/// judged queries' p99 was 0.49 ms and their slowest 0.62 ms (`SCALE_PASSAGES=4000 cargo
/// bench --bench scale`, 2026-12-06).
const QUICK_SEARCH_PASSAGES: usize = 4_096;

/// An opened index with everything a search needs that does not depend on the query.
pub struct Engine {
    pub(super) open: OpenIndex,
    pub(super) searcher: Searcher,
    pub(super) detector: Arc<Detector>,
    pub(super) analyzers: Analyzers,
    /// The versions of each document: `<type>/<key>` → positions in the manifest's list.
    pub(super) versions: HashMap<String, Vec<usize>>,
    pub(super) titles: suggest::Titles,
    pub(super) synonyms: crate::synonyms::Matcher,
    pub(super) responses: ResponseCache,
    /// The terms of the passages, for their excerpts.
    pub(super) kept_terms: KeptTerms,
    /// The index's terms and their figures, asked instead of the term dictionaries.
    pub(super) terms: TermStatistics,
    /// The index's terms and the synonyms' phrases with their passages, found before any
    /// search.
    pub(super) postings: KnownPostings,
    /// How the synonym groups' terms are searched, worked out when the engine is made.
    pub(super) synonym_forms: query::SynonymForms,
    /// Every passage's stored fields, when the corpus is learnt whole (see
    /// `learn_the_corpus`): hits read them from memory, not from the document store.
    pub(super) stored: HashMap<DocAddress, TantivyDocument>,
    /// lingua's answer for each word of the corpus typed alone (its usual spelling and
    /// its folded form), when the corpus is learnt whole: see `detect`.
    pub(super) word_detections: FxHashMap<Box<str>, Confidences>,
    /// By document ordinal: whether it is one of the guide's [`STARTING_POINTS`].
    starting_points: Vec<bool>,
}

impl Engine {
    /// Prepares an opened index for searches, without a response cache.
    pub fn new(open: OpenIndex, detector: Arc<Detector>) -> Engine {
        let starting_points = (open.manifest.documents.iter())
            .map(|doc| doc.about.doc_type == "guide" && STARTING_POINTS.contains(&&*doc.about.key))
            .collect();
        let mut versions: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, doc) in open.manifest.documents.iter().enumerate() {
            versions
                .entry(doc.about.group())
                .or_default()
                .push(position);
        }
        let searcher = open.reader.searcher();
        let terms = TermStatistics::new(&searcher);
        let analyzers = Analyzers::new(&open.analyzers);
        let synonym_forms =
            query::SynonymForms::new(&open.synonyms, &open.fields, &analyzers, &|field, text| {
                terms.share(field, text)
            });
        // A stem in the text of more than this share of all passages (about three times as
        // many of its own language's) is too common to stand alone for a synonym of
        // several words: as common as a synonym that is not searched.
        let common = |lang: Lang, stem: &str| {
            terms.share(open.fields.of(lang).body, stem) > query::COMMON_SYNONYM_SHARE
        };
        let matcher = crate::synonyms::Matcher::new(&open.synonyms, &open.analyzers, &common);
        let postings = KnownPostings::find(
            &searcher,
            &terms,
            synonym_forms.phrases(),
            &query::weighted_field_sets(&open.fields),
        );
        let documents_with = |form: &[tantivy::Term]| {
            let postings = coverage::Postings {
                searcher: &searcher,
                known: &postings,
                terms: &terms,
            };
            coverage::documents_with(postings, &open.ordinals, form).ok()
        };
        let synonym_forms = synonym_forms.with_queries(&postings, documents_with);
        let mut engine = Engine {
            synonym_forms,
            postings,
            terms,
            searcher,
            titles: suggest::Titles::new(&open.manifest.documents),
            synonyms: matcher,
            analyzers,
            open,
            detector,
            versions,
            responses: ResponseCache::new(0),
            starting_points,
            kept_terms: KeptTerms::default(),
            stored: HashMap::new(),
            word_detections: FxHashMap::default(),
        };
        engine.stored = engine.learn_the_corpus();
        engine.word_detections = engine.detect_every_word();
        engine.open.vocabulary.prepare();
        engine
    }

    /// When the kept terms can hold every passage (in the fields its excerpts read), they
    /// are kept now, whatever anybody searches, and every analyzer's memo learns every
    /// word of the corpus (a query's words are analysed in all three languages, and its
    /// completions and corrections are corpus words): so that a search analyses little,
    /// and what is kept never tells what was shown. A passage that cannot be read is left
    /// to be kept when shown. A larger corpus is learnt as it is shown. Returns the
    /// passages read, by address.
    fn learn_the_corpus(&self) -> HashMap<DocAddress, TantivyDocument> {
        let fields = &self.open.fields;
        let mut stored = HashMap::new();
        if !self.learns_the_corpus_whole() {
            return stored;
        }
        let words: Vec<&str> = (self.open.vocabulary.words())
            .map(|word| word.surface.as_str())
            .collect();
        self.open.analyzers.learn(&words.join(" "));
        for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
            for passage in 0..reader.max_doc() {
                let address = DocAddress::new(segment as SegmentOrdinal, passage);
                let Ok(stored_passage) = self.searcher.doc::<TantivyDocument>(address) else {
                    continue;
                };
                let Ok(lang) = stored_text(&stored_passage, fields.lang).parse::<Lang>() else {
                    continue;
                };
                let text = stored_text(&stored_passage, fields.text);
                for field in self.excerpt_fields(lang) {
                    if let Ok(mut analyzer) = self.searcher.index().tokenizer_for_field(field) {
                        self.kept_terms.analyse(field, &text, &mut analyzer, &[]);
                    }
                }
                stored.insert(address, stored_passage);
            }
        }
        stored
    }

    /// Whether the corpus is small enough to be learnt whole when the engine is made: the
    /// kept terms can hold every passage (with room to spare).
    fn learns_the_corpus_whole(&self) -> bool {
        self.open.manifest.passages * 2 <= MAX_TEXTS
    }

    /// lingua's answer for every word of the vocabulary alone, in its usual spelling and
    /// folded, when the corpus is learnt whole (as `learn_the_corpus`): a query of one
    /// word, which the corpus's evidence alone never decides, costs a lookup instead of
    /// lingua's work (a third of such a search). Found on every core.
    fn detect_every_word(&self) -> FxHashMap<Box<str>, Confidences> {
        use rayon::prelude::*;
        if !self.learns_the_corpus_whole() {
            return FxHashMap::default();
        }
        let mut words: Vec<&str> = (self.open.vocabulary.words())
            .flat_map(|word| [word.surface.as_str(), word.folded.as_str()])
            .collect();
        words.sort_unstable();
        words.dedup();
        (words.par_iter())
            .map(|&word| (Box::from(word), self.detector.confidences(word)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    /// What lingua says of `text`. lingua reads only a text's words, trimmed and in lower
    /// case, so a word of the vocabulary typed alone (in any case) has the answer found
    /// for it beforehand, and several such words have their answers combined as lingua
    /// would (see [`Confidences::combined`]; a repeated word counts once, as lingua counts
    /// a text's letter sequences once). So a query of vocabulary words from several
    /// languages, which the corpus's evidence leaves undecided, costs a few lookups
    /// instead of lingua's work. Any other text is lingua's.
    pub(super) fn detect(&self, text: &str) -> Detection {
        let lower = text.to_lowercase();
        let mut words: Vec<&str> = (lower.split(|c: char| !c.is_alphabetic()))
            .filter(|word| !word.is_empty())
            .collect();
        words.sort_unstable();
        words.dedup();
        let known: Option<Vec<(&str, Confidences)>> = (words.into_iter())
            .map(|word| Some((word, *self.word_detections.get(word)?)))
            .collect();
        match known.as_deref().and_then(Confidences::combined) {
            Some(confidences) => confidences.detection(),
            None => self.detector.detect(text),
        }
    }

    /// The fields whose terms an excerpt of a passage in `lang` marks: its text as its
    /// language analyses it, else names and exact forms.
    pub(super) fn excerpt_fields(&self, lang: Lang) -> [Field; 2] {
        [self.open.fields.of(lang).body, self.open.fields.names]
    }

    /// Keeps up to `capacity` recent responses to answer repeated searches from memory
    /// (see [`ResponseCache`] for what that keeps, and how briefly).
    pub fn with_response_cache(mut self, capacity: usize) -> Engine {
        self.responses = ResponseCache::new(capacity);
        self
    }

    /// Whether a search here is quick enough for async code: the index holds at most
    /// `QUICK_SEARCH_PASSAGES` passages.
    pub fn searches_quickly(&self) -> bool {
        self.open.manifest.passages <= QUICK_SEARCH_PASSAGES
    }

    /// The response to `request` if one is kept: a lookup, quick enough for async code.
    pub fn kept(&self, request: &SearchRequest) -> Option<Arc<Kept>> {
        self.responses.get(request)
    }

    /// How many responses the cache holds.
    pub fn cached_responses(&self) -> usize {
        self.responses.len()
    }

    /// Forgets the cached responses that have had their time.
    pub fn expire_responses(&self) {
        self.responses.expire();
    }

    /// What the index in use was built from: its documents, types and skipped files.
    pub fn manifest(&self) -> &crate::index::Manifest {
        &self.open.manifest
    }

    /// The name of the index generation this engine reads.
    pub fn generation(&self) -> String {
        let name = self.open.generation.file_name().unwrap_or_default();
        name.to_string_lossy().into_owned()
    }

    /// Answers `request` with a page of hits and facets, from the kept responses when it
    /// can.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        if let Some(kept) = self.kept(request) {
            return Ok(kept.response(started));
        }
        let response = self.search_index(request, started, &mut StageTimes::default())?;
        self.responses.insert(request, &response);
        Ok(response)
    }

    /// Answers `request` without the kept responses, and says how long each stage took:
    /// for the profile benchmark (`benches/profile.rs`).
    pub fn search_timed(
        &self,
        request: &SearchRequest,
    ) -> Result<(SearchResponse, StageTimes), SearchError> {
        let mut times = StageTimes::default();
        let response = self.search_index(request, Instant::now(), &mut times)?;
        Ok((response, times))
    }

    fn search_index(
        &self,
        request: &SearchRequest,
        started: Instant,
        times: &mut StageTimes,
    ) -> Result<SearchResponse, SearchError> {
        let mut clock = Instant::now();
        let mut lap = |stage: &mut Duration| {
            let now = Instant::now();
            *stage += now - clock;
            clock = now;
        };
        request.validate(&self.open.manifest.types)?;
        let parsed = ParsedQuery::parse(&request.query);
        lap(&mut times.parse);
        let corrections = Corrections::new(&self.open.vocabulary);
        let evidence = self.language_evidence(&parsed.words, &corrections);
        // Lingua is asked only when its answer could matter: not when the language is
        // given, nor when the words alone put one language further ahead than lingua's
        // vote (at most 1) could change.
        let decided = evidence.as_ref().and_then(words_decide);
        let detection = match request.lang.or(decided) {
            Some(lang) => Detection {
                best: Some(lang),
                confidence: 1.0,
            },
            None => self.detect(&request.query),
        };
        let query_lang = request
            .lang
            .or_else(|| query_language(&evidence?, &detection));
        let languages = weigh_languages(request.lang, query_lang, detection.best, request.ui);
        lap(&mut times.language);
        let collector = BestPassages(self.open.ordinals.clone());
        // As typed; then, while nothing is found, relaxed step by step.
        let steps = [
            None,
            Some(Relaxation::PhrasesAsWords),
            Some(Relaxation::EveryWord),
        ];
        let mut relaxed = None;
        let (mut built, mut expanded) = self.query(&parsed, &languages, relaxed, &corrections);
        lap(&mut times.query);
        let mut matches = self.searcher.search_with_statistics_provider(
            &*built.query,
            &collector,
            &self.terms,
        )?;
        lap(&mut times.collect);
        for step in steps.into_iter().skip(1) {
            let pointless = step == Some(Relaxation::PhrasesAsWords)
                && parsed.phrases.is_empty()
                && parsed.excluded.is_empty();
            if !matches.is_empty() || pointless {
                continue;
            }
            relaxed = step;
            (built, expanded) = self.query(
                &parsed.without_operators(),
                &languages,
                relaxed,
                &corrections,
            );
            lap(&mut times.query);
            matches = self.searcher.search_with_statistics_provider(
                &*built.query,
                &collector,
                &self.terms,
            )?;
            lap(&mut times.collect);
        }
        let query = built.query;
        let postings = coverage::Postings {
            searcher: &self.searcher,
            known: &self.postings,
            terms: &self.terms,
        };
        let coverage = coverage::of(postings, &self.open.ordinals, &built.words)?;
        let broad = parsed.words.len() + parsed.phrases.len() <= BROAD_QUERY_WORDS;
        for m in &mut matches {
            m.coverage = coverage[m.doc_ord as usize];
            if broad && self.starting_points[m.doc_ord as usize] {
                m.score *= 1.0 + STARTING_POINT_WEIGHT;
            }
        }
        lap(&mut times.coverage);

        let type_ord = request
            .doc_type
            .as_ref()
            .and_then(|t| self.open.manifest.types.iter().position(|known| known == t))
            .map(|ord| ord as u64);
        let lang_ord = request.doc_lang.map(Lang::ordinal);
        let facets = self.facets(matches.iter(), type_ord, lang_ord, request.group);
        let filtered = matches.into_iter().filter(|m| {
            type_ord.is_none_or(|t| m.type_ord == t) && lang_ord.is_none_or(|l| m.lang_ord == l)
        });
        let preference = preference(query_lang, request.ui);
        let ranked = if request.group {
            group(filtered, self.open.ordinals.groups, &preference)
        } else {
            filtered.collect()
        };
        let total = ranked.len();
        let ranked = best_first(ranked, request.offset + request.limit);
        lap(&mut times.rank);

        let mut snippets = Snippets::new(&self.searcher, &self.terms, &*query, &self.kept_terms);
        let hits = ranked
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|m| self.hit(&m, &mut snippets))
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        lap(&mut times.hits);
        Ok(SearchResponse {
            query: request.query.clone(),
            language: LanguageReport {
                detected: query_lang,
                confidence: detection.confidence,
                searched: languages.iter().map(|(lang, _)| *lang).collect(),
            },
            total,
            hits,
            facets,
            did_you_mean: expanded.did_you_mean,
            relaxed,
            starting_points: if total == 0 {
                self.starting_points(request.ui)
            } else {
                Vec::new()
            },
            took_ms: milliseconds_since(started),
        })
    }

    /// The query for what a person typed, searched in `languages`, with the words it was
    /// expanded with: the one path from text to query, for searches and highlighting.
    pub(super) fn query(
        &self,
        parsed: &ParsedQuery,
        languages: &[(Lang, f32)],
        relaxed: Option<Relaxation>,
        corrections: &Corrections,
    ) -> (Built, Expanded) {
        let every_word = relaxed == Some(Relaxation::EveryWord);
        let known = |word: &str| self.known(word, languages);
        // The words are taken apart once, for their synonyms and for the query.
        let analysed = self.analyzers.analyse_words(parsed);
        let expanded = expand::expand(
            parsed,
            &analysed,
            corrections,
            &self.synonyms,
            &self.analyzers,
            &known,
            every_word,
        );
        let share = |field, text: &str| self.terms.share(field, text);
        let against = query::Against {
            fields: &self.open.fields,
            analyzers: &self.analyzers,
            share: &share,
            postings: &self.postings,
            synonyms: &self.synonym_forms,
        };
        let built = query::build(
            parsed,
            &analysed,
            &expanded.alternatives,
            languages,
            &against,
            every_word,
        );
        (built, expanded)
    }

    /// What the words of a query say of its language: each word counts for the languages
    /// of the corpus's texts that use it, in proportion to how often each does (a name
    /// every version has says little; `consentement` says French); a stop word counts for
    /// the languages whose stop word it is; an unknown word, through its correction.
    /// `None` when every word is an acronym (`TACMES`, `IVAC`): such a query has no
    /// language of its own, whatever lingua guesses.
    fn language_evidence(&self, words: &[String], corrections: &Corrections) -> Option<[f32; 3]> {
        let mut evidence = [0.0; 3];
        let mut says_something = false;
        for word in words {
            let lowercase = word.to_lowercase();
            says_something |= !crate::analysis::is_acronym(word);
            let stop: Vec<Lang> = Lang::ALL
                .into_iter()
                .filter(|&lang| crate::analysis::is_stop_word(lang, &lowercase))
                .collect();
            if !stop.is_empty() {
                for lang in &stop {
                    evidence[lang.ordinal() as usize] += STOP_WORD_EVIDENCE / stop.len() as f32;
                }
                continue;
            }
            let Some(folded) = self.analyzers.analyse(None, word).into_iter().next() else {
                continue;
            };
            let vocabulary = &self.open.vocabulary;
            let used = vocabulary.get(&folded.text).or_else(|| {
                let edits = expand::tolerated_edits(word)?;
                corrections.of(&folded.text, edits).into_iter().next()
            });
            if let Some(used) = used {
                let total = used.by_lang.iter().sum::<u64>().max(1) as f32;
                for (lang, n) in evidence.iter_mut().zip(used.by_lang) {
                    *lang += n as f32 / total;
                }
            }
        }
        says_something.then_some(evidence)
    }

    /// Whether the text of one of `languages` has `word`, as that language analyses it.
    fn known(&self, word: &str, languages: &[(Lang, f32)]) -> bool {
        languages.iter().any(|&(lang, _)| {
            let body = self.open.fields.of(lang).body;
            self.analyzers
                .analyse(Some(lang), word)
                .iter()
                .any(|token| self.terms.passages_with(body, &token.text) > 0)
        })
    }

    /// Completions of the last word and matching titles, for search-as-you-type.
    pub fn suggest(&self, query: &str, ui: Lang) -> Result<Suggestions, SearchError> {
        validate_query(query)?;
        Ok(suggest::suggest(
            query,
            ui,
            &self.open.vocabulary,
            &self.titles,
        ))
    }

    /// The guide sections a person can start from when nothing matched, in `ui` where
    /// they exist in it.
    fn starting_points(&self, ui: Lang) -> Vec<Link> {
        STARTING_POINTS
            .iter()
            .filter_map(|key| {
                let mut versions = self.versions("guide", key);
                let first = versions.next()?;
                let shown = std::iter::once(first)
                    .chain(versions)
                    .find(|d| d.about.lang == ui)
                    .unwrap_or(first);
                Some(Link {
                    id: shown.id.clone(),
                    title: shown.about.title.clone(),
                    url: document_url(&shown.about.doc_type, shown.about.lang, key, ""),
                })
            })
            .collect()
    }

    /// Every language version of a document.
    pub(super) fn versions(
        &self,
        doc_type: &str,
        key: &str,
    ) -> impl Iterator<Item = &DocumentEntry> {
        let positions = self.versions.get(&group_id(doc_type, key));
        positions
            .into_iter()
            .flatten()
            .map(|&p| &self.open.manifest.documents[p])
    }

    /// Counts by type are of results as shown (translations grouped or not); counts by
    /// language are of versions in that language.
    fn facets<'a>(
        &self,
        matches: impl Iterator<Item = &'a DocMatch>,
        type_ord: Option<u64>,
        lang_ord: Option<u64>,
        grouped: bool,
    ) -> Facets {
        let mut facets = Facets::default();
        let mut counted = vec![false; self.open.ordinals.groups];
        for m in matches {
            if lang_ord.is_none_or(|l| m.lang_ord == l)
                && (!grouped || !std::mem::replace(&mut counted[m.group_ord as usize], true))
                && let Some(name) = self.open.manifest.types.get(m.type_ord as usize)
            {
                *facets.doc_type.entry(name.clone()).or_default() += 1;
            }
            if type_ord.is_none_or(|t| m.type_ord == t)
                && let Some(lang) = Lang::from_ordinal(m.lang_ord)
            {
                *facets.lang.entry(lang).or_default() += 1;
            }
        }
        facets
    }

    fn hit(&self, found: &DocMatch, snippets: &mut Snippets) -> Result<Hit, SearchError> {
        let read: TantivyDocument;
        let stored = match self.stored.get(&found.passage) {
            Some(stored) => stored,
            None => {
                read = self.searcher.doc(found.passage)?;
                &read
            }
        };
        let text = |field| stored_text(stored, field);
        let fields = &self.open.fields;
        let lang = text(fields.lang)
            .parse::<Lang>()
            .map_err(|e| SearchError::Internal(e.to_string()))?;
        let (doc_type, key, anchor) =
            (text(fields.doc_type), text(fields.key), text(fields.anchor));
        let id = crate::document::document_id(&doc_type, lang, &key);
        let translations = self
            .versions(&doc_type, &key)
            .filter(|other| other.about.lang != lang)
            .map(|other| (other.about.lang, other.id.clone()))
            .collect();
        Ok(Hit {
            url: document_url(&doc_type, lang, &key, &anchor),
            snippet: snippets.excerpt(&text(fields.text), &self.excerpt_fields(lang)),
            title: text(fields.title),
            heading: text(fields.heading),
            score: found.score,
            id,
            key,
            doc_type,
            lang,
            translations,
        })
    }
}

/// How long each stage of a search took.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Checking the request and taking the query apart.
    pub parse: Duration,
    /// The query's language: lingua, and the corpus's evidence.
    pub language: Duration,
    /// Completions, corrections and synonyms, and the query built from them.
    pub query: Duration,
    /// Every matching document's best passage.
    pub collect: Duration,
    /// Which typed words each document has.
    pub coverage: Duration,
    /// Facets, grouping of translations and ordering.
    pub rank: Duration,
    /// The page of hits: stored fields and snippets.
    pub hits: Duration,
}

/// What a stop word says of the query's language, against a content word's one: grammar
/// words tell the language a person writes in better than names and terms borrowed from
/// another (`harcèlement au travail qué puedo hacer` is written in Spanish).
const STOP_WORD_EVIDENCE: f32 = 3.0;

/// The guide sections offered when a search finds nothing: what to do now, where to get
/// help, and what counts as sexual violence. They also weigh more for a broad query.
const STARTING_POINTS: [&str; 3] = ["after-an-assault", "resources", "what-is-sexual-assault"];

/// A query of at most this many words (a phrase counting as one) names a whole subject
/// (`viol`, `agresión sexual`) more often than a detail of it.
const BROAD_QUERY_WORDS: usize = 2;

/// How much more the starting points score for a broad query: the overview answers
/// `agresión sexual` before a section that has the words for a narrower reason (the
/// reactions after an assault). Dev slices: at 0.2 and 0.3, one query better on dev
/// (`violación`, 7th → 4th), two on the 200 tuned queries (`agresion sexual`, 2nd →
/// 1st), none worse on dev, dev2 or those; at 0.5, overviews pass the sections people
/// named (`Cybertip`); on every query, not only broad ones, dev's MRR@10 falls (0.908
/// → 0.902 at 0.1).
const STARTING_POINT_WEIGHT: f32 = 0.2;

/// Milliseconds to the microsecond: `0.004`, not `0.0040160000000000005`.
pub(super) fn milliseconds_since(started: Instant) -> f64 {
    started.elapsed().as_micros() as f64 / 1000.0
}

pub(super) fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}
