//! Keeps the shipped corpus honest: every outlined document in every language, valid
//! front matter, unique ids, the declared language is the one detected, no phone number
//! but the allowed ones, and guide sections of the promised size and shape.

use std::collections::{BTreeMap, BTreeSet};

use guide_search::corpus::{self, LoadOptions};
use guide_search::document::Document;
use guide_search::language::{Detector, Lang};

mod common;

/// The documents the outline requires, by type.
const OUTLINE: [(&str, &[&str]); 3] = [
    (
        "guide",
        &[
            "what-is-sexual-assault",
            "consent",
            "reactions",
            "after-an-assault",
            "designated-centres",
            "health-care",
            "police-complaint",
            "justice-process",
            "compensation",
            "children-and-youth",
            "supporting-a-loved-one",
            "exploitation-and-trafficking",
            "harassment-and-cyberviolence",
            "resources",
            "drugs-and-alcohol",
            "partner-violence",
            "everyone-can-get-help",
        ],
    ),
    (
        "committee",
        &[
            "table-concertation-montreal",
            "comite-voie",
            "comite-spvm",
            "cpimcd",
            "coalition-traite",
            "tacmes",
        ],
    ),
    (
        "partner",
        &[
            "partnership-overview",
            "government",
            "health-network",
            "community-organisations",
        ],
    ),
];

/// The only phone numbers the facts allow: Info-aide (toll-free, Montréal), the Québec
/// suicide line (1 866 APPELLE), SOS violence conjugale, Tel-jeunes, Kids Help Phone and
/// Rebâtir.
const ALLOWED_PHONES: [&str; 7] = [
    "1 888 933-9007",
    "514 933-9007",
    "1 866 277-3553",
    "1 800 363-9010",
    "1 800 263-2266",
    "1 800 668-6868",
    "1 833 732-2847",
];
const ALLOWED_SHORT_NUMBERS: [&str; 2] = ["911", "811"];
/// A North American phone number, however it is written.
const PHONE: &str = r"(?:\+?1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b";

/// The services a reader may be sent to, each with the patterns that name it in any of
/// the three languages: the versions of one document must name the same ones.
const SERVICES: [(&str, &str); 18] = [
    ("Info-aide", r"Info-aide"),
    ("911", r"\b911\b"),
    ("811", r"\b811\b"),
    ("CAVAC", r"\bCAVAC\b"),
    ("IVAC", r"\bIVAC\b"),
    ("CALACS", r"\bCALACS\b"),
    ("DPJ", r"\bDPJ\b"),
    ("CVASM", r"\bCVASM\b"),
    ("SPVM", r"\bSPVM\b"),
    ("SOS violence conjugale", r"SOS violence conjugale"),
    ("Tel-jeunes", r"Tel-jeunes"),
    ("Kids Help Phone", r"Kids Help Phone|Jeunesse, J['’]écoute"),
    ("Rebâtir", r"Rebâtir"),
    ("Cybertip.ca", r"Cybertip\.ca"),
    ("NeedHelpNow.ca", r"NeedHelpNow\.ca"),
    ("9-8-8", r"9-8-8"),
    ("1 866 APPELLE", r"APPELLE"),
    ("Kids Help Phone's text line", r"\b686868\b"),
];

fn shipped() -> Vec<Document> {
    let corpus = corpus::load(
        &common::shipped_corpus(),
        &LoadOptions::default(),
        &Detector::new(),
    )
    .unwrap();
    assert!(corpus.skipped.is_empty(), "skipped: {:?}", corpus.skipped);
    corpus.documents
}

fn word_count(document: &Document) -> usize {
    document
        .full_text()
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[test]
fn every_outlined_document_exists_in_three_languages_with_unique_ids() {
    let documents = shipped();
    let found: BTreeSet<String> = documents.iter().map(Document::id).collect();
    assert_eq!(found.len(), documents.len(), "ids are unique");
    let mut expected = BTreeSet::new();
    for (doc_type, keys) in OUTLINE {
        for key in keys {
            for lang in Lang::ALL {
                expected.insert(format!("{doc_type}/{lang}/{key}"));
            }
        }
    }
    assert_eq!(found, expected);
}

#[test]
fn front_matter_agrees_with_the_path() {
    let root = common::shipped_corpus();
    for document in shipped() {
        let path = root
            .join(&document.about.doc_type)
            .join(document.about.lang.code())
            .join(format!("{}.md", document.about.key));
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for field in [
            format!("key: {}", document.about.key),
            format!("lang: {}", document.about.lang),
            format!("type: {}", document.about.doc_type),
        ] {
            assert!(
                source.contains(&field),
                "{}: front matter lacks {field:?}",
                path.display()
            );
        }
        assert!(
            !document.about.title.is_empty() && document.about.summary.is_some(),
            "{}",
            document.id()
        );
    }
}

#[test]
fn declared_language_is_the_detected_one() {
    let detector = Detector::new();
    for document in shipped() {
        let detection = detector.detect(&document.full_text());
        assert_eq!(
            detection.best,
            Some(document.about.lang),
            "{}",
            document.id()
        );
    }
}

#[test]
fn no_phone_number_but_the_allowed_ones() {
    let phone = regex::Regex::new(PHONE).unwrap();
    let short = regex::Regex::new(r"\b[2-9]11\b").unwrap();
    for document in shipped() {
        let text = format!("{}\n{}", document.about.title, document.full_text());
        for found in phone.find_iter(&text) {
            assert!(
                ALLOWED_PHONES.contains(&found.as_str()),
                "{}: {:?}",
                document.id(),
                found.as_str()
            );
        }
        for found in short.find_iter(&text) {
            assert!(
                ALLOWED_SHORT_NUMBERS.contains(&found.as_str()),
                "{}: {:?}",
                document.id(),
                found.as_str()
            );
        }
    }
}

#[test]
fn the_versions_of_a_document_name_the_same_services_and_numbers() {
    let phone = regex::Regex::new(PHONE).unwrap();
    let services: Vec<(&str, regex::Regex)> = SERVICES
        .iter()
        .map(|(name, pattern)| (*name, regex::Regex::new(pattern).unwrap()))
        .collect();
    let mut by_document: BTreeMap<String, BTreeMap<Lang, BTreeSet<&str>>> = BTreeMap::new();
    let documents = shipped();
    for document in &documents {
        let text = format!("{}\n{}", document.about.title, document.full_text());
        let mut named: BTreeSet<&str> = services
            .iter()
            .filter(|(_, pattern)| pattern.is_match(&text))
            .map(|(name, _)| *name)
            .collect();
        named.extend(phone.find_iter(&text).map(|m| {
            let number = m.as_str();
            ALLOWED_PHONES
                .iter()
                .find(|allowed| **allowed == number)
                .copied()
                .unwrap_or("a number not allowed")
        }));
        by_document
            .entry(document.about.group())
            .or_default()
            .insert(document.about.lang, named);
    }
    for (group, versions) in by_document {
        let all: BTreeSet<&str> = versions.values().flatten().copied().collect();
        for (lang, named) in versions {
            let missing: Vec<&&str> = all.difference(&named).collect();
            assert!(
                missing.is_empty(),
                "{group} in {lang} does not name {missing:?}, which another version names"
            );
        }
    }
}

#[test]
fn links_between_documents_lead_to_a_document_in_the_same_language() {
    let documents = shipped();
    let ids: BTreeSet<String> = documents.iter().map(Document::id).collect();
    let mut links = 0;
    for document in &documents {
        for passage in &document.passages {
            for link in &passage.links {
                links += 1;
                let id = link.to.trim_start_matches("/docs/");
                assert!(ids.contains(id), "{}: a link to {}", document.id(), link.to);
                let lang = id.split('/').nth(1);
                assert_eq!(
                    lang,
                    Some(document.about.lang.code()),
                    "{}: {}",
                    document.id(),
                    link.to
                );
                assert!(!passage.text[link.start..link.end].trim().is_empty());
            }
        }
    }
    // The new sections are linked from those that mention them, in every language.
    for key in [
        "drugs-and-alcohol",
        "partner-violence",
        "everyone-can-get-help",
    ] {
        for lang in Lang::ALL {
            let to = format!("/docs/guide/{lang}/{key}");
            let from = documents
                .iter()
                .filter(|d| {
                    d.passages
                        .iter()
                        .any(|p| p.links.iter().any(|l| l.to == to))
                })
                .count();
            assert!(from >= 2, "{to} is linked from {from} documents");
        }
    }
    assert!(links >= 100, "{links} links");
}

#[test]
fn guide_sections_have_the_promised_size_and_end_with_help() {
    for document in shipped()
        .into_iter()
        .filter(|d| d.about.doc_type == "guide")
    {
        let words = word_count(&document);
        assert!(
            (300..=900).contains(&words),
            "{}: {words} words",
            document.id()
        );
        let headings = document
            .passages
            .iter()
            .filter(|p| !p.anchor.is_empty())
            .count();
        assert!(
            (3..=6).contains(&headings),
            "{}: {headings} headings",
            document.id()
        );
        let help = &document.passages.last().unwrap().text;
        for number in ["1 888 933-9007", "514 933-9007", "911"] {
            assert!(
                help.contains(number),
                "{}: the last section does not give {number}",
                document.id()
            );
        }
    }
}

#[test]
fn committee_and_partner_texts_are_long_enough_to_detect() {
    for document in shipped()
        .into_iter()
        .filter(|d| d.about.doc_type != "guide")
    {
        assert!(
            word_count(&document) >= 80,
            "{}: {} words",
            document.id(),
            word_count(&document)
        );
    }
}
