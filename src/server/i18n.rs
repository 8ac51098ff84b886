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
    pub back_to_results: &'static str,
    pub other_languages: &'static str,
    pub help_title: &'static str,
    pub help_line: &'static str,
    pub help_numbers: &'static str,
    pub help_danger: &'static str,
    pub not_found: &'static str,
    pub not_found_hint: &'static str,
    pub start_here: &'static str,
    pub error_bad_request_title: &'static str,
    pub error_empty_query: &'static str,
    pub error_query_too_long: &'static str,
    pub error_no_such_results_page: &'static str,
    pub error_bad_address: &'static str,
    pub error_internal_title: &'static str,
    pub error_internal_hint: &'static str,
    pub error_busy: &'static str,
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
    back_to_results: "Retour aux résultats",
    other_languages: "Lire dans une autre langue",
    help_title: "Besoin de parler à quelqu'un?",
    help_line: "Info-aide violence sexuelle : écoute, information et référence, 24 heures sur 24, 7 jours sur 7, gratuit et confidentiel.",
    help_numbers: "1 888 933-9007 (sans frais) · 514 933-9007 (Montréal)",
    help_danger: "En cas de danger immédiat : 911.",
    not_found: "Cette page n'existe pas.",
    not_found_hint: "L'adresse est peut-être incomplète, ou la page a changé de place. Cherchez dans le guide avec la boîte ci-dessus.",
    start_here: "Par où commencer",
    error_bad_request_title: "Cette recherche n'a pas pu être faite.",
    error_empty_query: "Écrivez quelques mots dans la boîte de recherche, par exemple « trousse médicolégale » ou « porter plainte ».",
    error_query_too_long: "Cette recherche est trop longue. Gardez quelques mots importants et recommencez.",
    error_no_such_results_page: "Cette page de résultats n'existe pas. Recommencez la recherche avec la boîte ci-dessus.",
    error_bad_address: "L'adresse de cette recherche contient une valeur que nous ne comprenons pas. Recommencez la recherche avec la boîte ci-dessus.",
    error_internal_title: "Désolés, quelque chose n'a pas fonctionné de notre côté.",
    error_internal_hint: "Réessayez dans un moment. Si vous avez besoin de parler à quelqu'un maintenant, Info-aide violence sexuelle répond jour et nuit (numéros ci-dessous).",
    error_busy: "Le service reçoit beaucoup de demandes en ce moment. Attendez quelques secondes, puis réessayez. Pour parler à quelqu'un maintenant, les numéros sont ci-dessous.",
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
    back_to_results: "Back to the results",
    other_languages: "Read in another language",
    help_title: "Need to talk to someone?",
    help_line: "Info-aide violence sexuelle: listening, information and referrals, 24 hours a day, 7 days a week, free and confidential.",
    help_numbers: "1 888 933-9007 (toll-free) · 514 933-9007 (Montréal)",
    help_danger: "In immediate danger: 911.",
    not_found: "This page does not exist.",
    not_found_hint: "The address may be incomplete, or the page may have moved. Search the guide with the box above.",
    start_here: "Where to start",
    error_bad_request_title: "This search could not be done.",
    error_empty_query: "Type a few words in the search box, for example \"rape kit\" or \"file a complaint\".",
    error_query_too_long: "This search is too long. Keep a few important words and try again.",
    error_no_such_results_page: "This page of results does not exist. Search again with the box above.",
    error_bad_address: "The address of this search has a value we do not understand. Search again with the box above.",
    error_internal_title: "Sorry, something went wrong on our side.",
    error_internal_hint: "Try again in a moment. If you need to talk to someone now, Info-aide violence sexuelle answers day and night (numbers below).",
    error_busy: "The service is receiving many requests right now. Wait a few seconds, then try again. To talk to someone now, the numbers are below.",
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
    back_to_results: "Volver a los resultados",
    other_languages: "Leer en otro idioma",
    help_title: "¿Necesitas hablar con alguien?",
    help_line: "Info-aide violence sexuelle: escucha, información y orientación, las 24 horas, los 7 días, gratis y confidencial (en francés e inglés).",
    help_numbers: "1 888 933-9007 (gratuito) · 514 933-9007 (Montreal)",
    help_danger: "En peligro inmediato: 911.",
    not_found: "Esta página no existe.",
    not_found_hint: "Puede que la dirección esté incompleta o que la página haya cambiado de lugar. Busca en la guía con el cuadro de arriba.",
    start_here: "Por dónde empezar",
    error_bad_request_title: "No se pudo hacer esta búsqueda.",
    error_empty_query: "Escribe algunas palabras en el cuadro de búsqueda, por ejemplo «kit médico-legal» o «poner una denuncia».",
    error_query_too_long: "Esta búsqueda es demasiado larga. Deja algunas palabras importantes y vuelve a intentarlo.",
    error_no_such_results_page: "Esta página de resultados no existe. Vuelve a buscar con el cuadro de arriba.",
    error_bad_address: "La dirección de esta búsqueda tiene un valor que no entendemos. Vuelve a buscar con el cuadro de arriba.",
    error_internal_title: "Lo sentimos, algo no funcionó de nuestro lado.",
    error_internal_hint: "Vuelve a intentarlo en un momento. Si necesitas hablar con alguien ahora, Info-aide violence sexuelle responde día y noche, en francés e inglés (números abajo).",
    error_busy: "El servicio está recibiendo muchas solicitudes en este momento. Espera unos segundos y vuelve a intentarlo. Para hablar con alguien ahora, los números están abajo.",
    type_guide: "Guía",
    type_committee: "Comités",
    type_partner: "Socios",
};
