//! Every word of the interface, in French, English and Spanish.

use serde::Serialize;

use crate::language::Lang;

#[derive(Debug, Serialize)]
pub struct Strings {
    pub site_title: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub quick_exit: &'static str,
    pub quick_exit_hint: &'static str,
    pub languages: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub suggestions: &'static str,
    pub results_one: &'static str,
    pub results_many: &'static str,
    pub no_results: &'static str,
    pub did_you_mean: &'static str,
    pub filters: &'static str,
    pub filter_type: &'static str,
    pub filter_lang: &'static str,
    pub all: &'static str,
    pub previous: &'static str,
    pub more_results: &'static str,
    pub also_in: &'static str,
    pub contents: &'static str,
    pub back_to_search: &'static str,
    pub other_languages: &'static str,
    pub help_title: &'static str,
    pub help_line: &'static str,
    pub help_numbers: &'static str,
    pub help_danger: &'static str,
    pub not_found: &'static str,
    pub type_guide: &'static str,
    pub type_committee: &'static str,
    pub type_partner: &'static str,
}

impl Strings {
    /// The name of a document type, or the type itself for a type of the organisation's own.
    pub fn type_name(&self, doc_type: &str) -> String {
        match doc_type {
            "guide" => self.type_guide,
            "committee" => self.type_committee,
            "partner" => self.type_partner,
            other => other,
        }
        .to_string()
    }

    /// "3 results", with the count.
    pub fn results(&self, count: usize) -> String {
        let template = if count == 1 {
            self.results_one
        } else {
            self.results_many
        };
        template.replace("{n}", &count.to_string())
    }
}

/// The name of each language, in that language (for the switch and "also in" links).
pub fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Français",
        Lang::En => "English",
        Lang::Es => "Español",
    }
}

pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

static FR: Strings = Strings {
    site_title: "Guide d'information pour les personnes victimes d'agression sexuelle",
    tagline: "Trouvez une réponse dans le guide, en français, en anglais ou en espagnol.",
    skip_to_content: "Aller au contenu",
    quick_exit: "Quitter rapidement",
    quick_exit_hint: "Quitte ce site tout de suite (ou appuyez deux fois sur Échap).",
    languages: "Langue",
    search_label: "Rechercher dans le guide",
    search_placeholder: "Par exemple : trousse médicolégale",
    search_button: "Rechercher",
    suggestions: "Suggestions",
    results_one: "{n} résultat",
    results_many: "{n} résultats",
    no_results: "Nous n'avons rien trouvé pour cette recherche. Essayez d'autres mots, ou parlez-en à une personne : l'écoute est gratuite et confidentielle.",
    did_you_mean: "Vouliez-vous dire",
    filters: "Filtrer les résultats",
    filter_type: "Type",
    filter_lang: "Langue",
    all: "Tout",
    previous: "Résultats précédents",
    more_results: "Plus de résultats",
    also_in: "Aussi en",
    contents: "Sommaire",
    back_to_search: "Retour à la recherche",
    other_languages: "Lire dans une autre langue",
    help_title: "Besoin de parler à quelqu'un?",
    help_line: "Info-aide violence sexuelle : écoute, information et référence, 24 heures sur 24, 7 jours sur 7, gratuit et confidentiel.",
    help_numbers: "1 888 933-9007 (sans frais) · 514 933-9007 (Montréal)",
    help_danger: "En cas de danger immédiat : 911.",
    not_found: "Cette page n'existe pas.",
    type_guide: "Guide",
    type_committee: "Comités",
    type_partner: "Partenaires",
};

static EN: Strings = Strings {
    site_title: "Information guide for victims of sexual assault",
    tagline: "Find an answer in the guide, in French, English or Spanish.",
    skip_to_content: "Skip to content",
    quick_exit: "Quick exit",
    quick_exit_hint: "Leaves this site right away (or press Escape twice).",
    languages: "Language",
    search_label: "Search the guide",
    search_placeholder: "For example: rape kit",
    search_button: "Search",
    suggestions: "Suggestions",
    results_one: "{n} result",
    results_many: "{n} results",
    no_results: "We found nothing for this search. Try other words, or talk to someone: the helpline is free and confidential.",
    did_you_mean: "Did you mean",
    filters: "Filter the results",
    filter_type: "Type",
    filter_lang: "Language",
    all: "All",
    previous: "Previous results",
    more_results: "More results",
    also_in: "Also in",
    contents: "Contents",
    back_to_search: "Back to the search",
    other_languages: "Read in another language",
    help_title: "Need to talk to someone?",
    help_line: "Info-aide violence sexuelle: listening, information and referrals, 24 hours a day, 7 days a week, free and confidential.",
    help_numbers: "1 888 933-9007 (toll-free) · 514 933-9007 (Montréal)",
    help_danger: "In immediate danger: 911.",
    not_found: "This page does not exist.",
    type_guide: "Guide",
    type_committee: "Committees",
    type_partner: "Partners",
};

static ES: Strings = Strings {
    site_title: "Guía de información para víctimas de agresión sexual",
    tagline: "Encuentra una respuesta en la guía, en francés, inglés o español.",
    skip_to_content: "Ir al contenido",
    quick_exit: "Salida rápida",
    quick_exit_hint: "Sale de este sitio de inmediato (o pulsa Escape dos veces).",
    languages: "Idioma",
    search_label: "Buscar en la guía",
    search_placeholder: "Por ejemplo: kit médico-legal",
    search_button: "Buscar",
    suggestions: "Sugerencias",
    results_one: "{n} resultado",
    results_many: "{n} resultados",
    no_results: "No encontramos nada para esta búsqueda. Prueba con otras palabras o habla con alguien: la línea de ayuda es gratuita y confidencial.",
    did_you_mean: "¿Quisiste decir",
    filters: "Filtrar los resultados",
    filter_type: "Tipo",
    filter_lang: "Idioma",
    all: "Todo",
    previous: "Resultados anteriores",
    more_results: "Más resultados",
    also_in: "También en",
    contents: "Contenido",
    back_to_search: "Volver a la búsqueda",
    other_languages: "Leer en otro idioma",
    help_title: "¿Necesitas hablar con alguien?",
    help_line: "Info-aide violence sexuelle: escucha, información y orientación, las 24 horas, los 7 días, gratis y confidencial (en francés e inglés).",
    help_numbers: "1 888 933-9007 (gratuito) · 514 933-9007 (Montreal)",
    help_danger: "En peligro inmediato: 911.",
    not_found: "Esta página no existe.",
    type_guide: "Guía",
    type_committee: "Comités",
    type_partner: "Socios",
};
