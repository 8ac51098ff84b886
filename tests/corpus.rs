//! Keeps the shipped corpus honest: every outlined document in every language, valid
//! front matter, unique ids, the declared language is the one detected, no phone number
//! but the allowed ones, and guide sections of the promised size and shape.

use std::collections::BTreeSet;

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

/// The only phone numbers the facts allow.
const ALLOWED_PHONES: [&str; 2] = ["1 888 933-9007", "514 933-9007"];
const ALLOWED_SHORT_NUMBERS: [&str; 2] = ["911", "811"];

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
    let phone = regex::Regex::new(r"(?:\+?1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b").unwrap();
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
