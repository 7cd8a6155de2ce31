//! Referentials: closed lists with stable machine codes and their official French labels.
//!
//! Codes are what the JSON model stores (never relabelled, never reused); labels are what
//! users see and type. `match_label` is the one matcher every reader uses to turn what a
//! partner typed («Micro crèche PAJE», «eaje-psu», «Relais petite enfance») into a code.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Folds a label for comparison: accents, case, punctuation and spacing do not count.
pub fn normalize(s: &str) -> String {
    let folded = deunicode::deunicode(s).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch);
        } else {
            pending_space = true;
        }
    }
    out
}

/// The normalised code, label and synonyms of every value of a referential, in the order of
/// [`Referential::all`], computed once per referential (one lookup per text matched, not one
/// per name).
fn names_of<R: Referential>() -> &'static [Vec<String>] {
    use std::collections::HashMap;
    use std::sync::{LazyLock, RwLock};
    type Table = &'static [Vec<String>];
    static MEMO: LazyLock<RwLock<HashMap<std::any::TypeId, Table>>> =
        LazyLock::new(Default::default);
    let key = std::any::TypeId::of::<R>();
    if let Some(t) = MEMO.read().ok().and_then(|m| m.get(&key).copied()) {
        return t;
    }
    let table: Table = Box::leak(
        R::all()
            .iter()
            .map(|v| {
                let mut all = vec![normalize(v.code()), normalize(v.label())];
                all.extend(v.synonyms().iter().map(|s| normalize(s)));
                all
            })
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    if let Ok(mut m) = MEMO.write() {
        m.insert(key, table);
    }
    table
}

/// Outcome of matching free text against a referential.
#[derive(Debug, Clone, PartialEq)]
pub enum Match<T> {
    /// The text is a code, label or known synonym.
    Exact(T),
    /// The text is not a label but designates one value only (worth an info notice).
    Close(T),
    /// Several values fit: the text must be corrected.
    Ambiguous(Vec<T>),
    None,
}

/// A closed list of values with codes, labels and synonyms.
pub trait Referential: Sized + Copy + PartialEq + 'static {
    /// French name of the list («Type de structure»).
    const TITLE: &'static str;
    fn all() -> &'static [Self];
    fn code(&self) -> &'static str;
    fn label(&self) -> &'static str;
    fn synonyms(&self) -> &'static [&'static str];

    /// A short label for narrow cells and dropdowns: the first synonym, else the label.
    fn short(&self) -> &'static str {
        self.synonyms().first().copied().unwrap_or(self.label())
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.code() == code)
    }

    /// Matches free text: exact on code, label or synonym after normalisation; else a
    /// unique value whose label contains the text or is contained in it.
    fn match_label(text: &str) -> Match<Self> {
        let n = normalize(text);
        if n.is_empty() {
            return Match::None;
        }
        let table = names_of::<Self>();
        let names = |i: usize| table[i].iter();
        if let Some(i) = (0..table.len()).find(|&i| names(i).any(|x| *x == n)) {
            return Match::Exact(Self::all()[i]);
        }
        let close: Vec<Self> = (0..table.len())
            .filter(|&i| {
                names(i).any(|name| {
                    name.len() >= 3
                        && n.len() >= 3
                        && (name.contains(n.as_str()) || n.contains(name.as_str()))
                })
            })
            .map(|i| Self::all()[i])
            .collect();
        match close.len() {
            0 => Match::None,
            1 => Match::Close(close[0]),
            _ => Match::Ambiguous(close),
        }
    }
}

/// Declares a referential enum: variants with their code, label and synonyms.
macro_rules! referential {
    ($(#[$meta:meta])* $name:ident, $title:literal, default = $default:ident,
     { $($variant:ident => $code:literal, $label:literal, [$($syn:literal),*];)+ }) => {
        $(#[$meta])*
        #[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( #[serde(rename = $code)] $variant, )+
        }

        impl Default for $name {
            fn default() -> Self { $name::$default }
        }

        impl Referential for $name {
            const TITLE: &'static str = $title;
            fn all() -> &'static [Self] { &[$($name::$variant),+] }
            fn code(&self) -> &'static str { match self { $($name::$variant => $code),+ } }
            fn label(&self) -> &'static str { match self { $($name::$variant => $label),+ } }
            fn synonyms(&self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($syn),*]),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

referential!(
    /// The 8 objectives of the Caf (article 2), one axe of the plan per shared objective.
    ObjectifCaf, "Objectif de la Caf", default = AccueilJeuneEnfant, {
    AccueilJeuneEnfant => "accueil_jeune_enfant",
        "Répondre aux besoins d'accueil diversifiés des jeunes enfants et de leurs familles dans le cadre du service public de la petite enfance",
        ["Petite enfance", "Accueil du jeune enfant", "Service public de la petite enfance"];
    PeriExtrascolaire => "peri_extrascolaire",
        "Réduire les inégalités d'accès des enfants et adolescents aux activités péri et extrascolaires",
        ["Enfance", "Activités péri et extrascolaires", "Renforcer l'accès des enfants et adolescents aux activités péri et extrascolaires"];
    Jeunesse => "jeunesse",
        "Favoriser l'autonomie et l'accès aux droits des adolescents et des jeunes adultes",
        ["Jeunesse"];
    Parentalite => "parentalite",
        "Soutenir les parents, en couple, seuls ou séparés, dans l'exercice de leur parentalité, de la naissance à l'adolescence",
        ["Parentalité", "Soutien à la parentalité"];
    Logement => "logement",
        "Favoriser l'accès et le maintien dans le logement notamment des allocataires les plus fragiles",
        ["Logement", "Logement et cadre de vie"];
    Solidarite => "solidarite",
        "Renforcer la solidarité par le soutien aux politiques d'insertion, d'autonomie et de handicap, en lien avec les partenaires",
        ["Insertion, autonomie et handicap", "Solidarité", "Inclusion"];
    AccesDroits => "acces_droits",
        "Sécuriser et accompagner les habitants allocataires dans une relation de confiance centrée sur l'accès aux droits et aux services",
        ["Accès aux droits et aux services", "Accès aux droits"];
    Cooperation => "cooperation",
        "Renforcer les coopérations avec les partenaires locaux",
        ["Coopération avec les partenaires", "Animation de la vie sociale"];
});

referential!(
    /// Types de structure of Annexe 2.
    TypeStructure, "Type de structure", default = Autre, {
    EajePsu => "eaje_psu", "EAJE PSU", ["Crèche PSU", "Multi-accueil"];
    MicroCrechePaje => "micro_creche_paje", "EAJE Micro-crèche Paje", ["Micro-crèche Paje", "Micro-crèche"];
    Mam => "mam", "Maisons d'assistants maternels", ["MAM", "Maison d'assistants maternels"];
    AccueilDomicile => "accueil_domicile", "Services d'accueil au domicile des parents", ["Garde à domicile"];
    Rpe => "rpe", "RPE", ["Relais petite enfance", "RAM", "Relais assistants maternels"];
    Passerelles => "passerelles", "Structures mettant en place des dispositifs passerelles", ["Dispositifs passerelles"];
    Laep => "laep", "LAEP", ["Lieu d'accueil enfants-parents", "Lieu d'accueil enfants parents"];
    Maison1000Jours => "maison_1000_jours", "Maison des 1000 premiers jours / Maison des parents", ["Maison des 1000 premiers jours", "Maison des parents"];
    SoutienParentalite => "soutien_parentalite", "Actions de soutien à la parentalité", ["Soutien à la parentalité", "REAAP"];
    Alsh => "alsh", "Alsh périscolaire / Alsh extrascolaire", ["ALSH", "Accueil de loisirs", "Accueil de loisirs sans hébergement", "Périscolaire"];
    AccueilJeunes => "accueil_jeunes", "Accueils de jeunes", ["Accueil de jeunes", "Espace jeunes"];
    Clas => "clas", "CLAS", ["Contrat local d'accompagnement à la scolarité"];
    CentreSocial => "centre_social", "Centres sociaux / Espace de vie sociale", ["Centre social", "Espace de vie sociale", "EVS"];
    Autre => "autre", "Autres", ["Autre"];
});

referential!(
    /// Modes d'accueil and dispositifs of the projection table.
    ModeAccueil, "Mode d'accueil", default = EajePsu, {
    EajePsu => "eaje_psu", "EAJE PSU", ["Crèche PSU"];
    MicroCrechePaje => "micro_creche_paje", "Micro-crèche Paje", ["EAJE Micro-crèche Paje", "Micro-crèche"];
    Mam => "mam", "MAM", ["Maisons d'assistants maternels"];
    AssistantsMaternels => "assistants_maternels", "Assistants maternels (hors MAM)", ["Assistants maternels", "Assistantes maternelles"];
    Rpe => "rpe", "RPE", ["Relais petite enfance"];
    Passerelles => "passerelles", "Dispositifs passerelles", ["Passerelles"];
});

/// What the value of a projection line counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unite {
    Places,
    Etp,
    Nombre,
}

impl ModeAccueil {
    pub fn unite(&self) -> Unite {
        match self {
            ModeAccueil::Rpe => Unite::Etp,
            ModeAccueil::Passerelles => Unite::Nombre,
            _ => Unite::Places,
        }
    }
}

impl Unite {
    pub fn label(&self) -> &'static str {
        match self {
            Unite::Places => "places",
            Unite::Etp => "ETP",
            Unite::Nombre => "dispositifs",
        }
    }
}

referential!(
    /// The 4 competences of an autorité organisatrice de l'accueil du jeune enfant (CASF L.214-1-3).
    CompetenceAo, "Compétence d'autorité organisatrice", default = Recensement, {
    Recensement => "recensement",
        "Recenser les besoins des enfants âgés de moins de trois ans et de leurs familles en matière de services aux familles ainsi que les modes d'accueil disponibles sur leur territoire",
        ["Recensement des besoins"];
    Information => "information",
        "Informer et accompagner les familles ayant un ou plusieurs enfants âgés de moins de trois ans ainsi que les futurs parents",
        ["Information et accompagnement des familles"];
    Planification => "planification",
        "Planifier, au vu du recensement des besoins, le développement des modes d'accueil",
        ["Planification de l'offre", "Planification"];
    Qualite => "qualite",
        "Soutenir la qualité des modes d'accueil",
        ["Soutien à la qualité", "Qualité"];
});

referential!(
    /// How a commune exercises one AO competence.
    StatutAo, "Exercice de la compétence", default = NonExercee, {
    Exercee => "exercee", "Exercée par la commune", ["Exercée", "Commune"];
    Transferee => "transferee", "Transférée par la commune à l'EPCI", ["Transférée", "EPCI", "Transférée à l'EPCI"];
    NonExercee => "non_exercee", "Non exercée", ["Non", "Aucune"];
});

referential!(
    /// Investment project types of the projection table.
    TypeInvestissement, "Type de projet d'investissement", default = Autre, {
    Renovation => "renovation", "Rénovation", [];
    Construction => "construction", "Construction", ["Création"];
    Transplantation => "transplantation", "Transplantation", ["Déménagement"];
    Amenagement => "amenagement", "Aménagement", [];
    Extension => "extension", "Extension", [];
    Autre => "autre", "Autre", [];
});

referential!(
    /// Comité de pilotage: exactly one of the three options of article 6.
    ComitePilotage, "Présidence du comité de pilotage", default = PresidenceAlternee, {
    PresidenceAlternee => "presidence_alternee",
        "La présidence est assurée alternativement par l'une et l'autre partie signataire",
        ["Présidence alternée"];
    Copilotage => "copilotage",
        "Le comité est copiloté par la Caf et la collectivité",
        ["Copilotage Caf – collectivité", "Copilotage"];
    PresidenceCaf => "presidence_caf", "Le comité est présidé par la Caf", ["Présidence Caf"];
});

referential!(
    /// Who holds the permanent secretariat (article 6).
    Secretariat, "Secrétariat permanent", default = Caf, {
    Caf => "caf", "Assuré par la Caf", ["Caf"];
    Collectivite => "collectivite", "Assuré par la collectivité", ["Collectivité"];
});

referential!(
    /// State of an action in the quarterly follow-up.
    EtatSuivi, "État d'avancement", default = NonDemarree, {
    NonDemarree => "non_demarree", "Non démarrée", ["Pas commencée", "À venir"];
    EnCours => "en_cours", "En cours", ["Commencée"];
    Realisee => "realisee", "Réalisée", ["Terminée", "Achevée"];
    Reportee => "reportee", "Reportée", ["Décalée"];
    Abandonnee => "abandonnee", "Abandonnée", ["Annulée"];
});

referential!(
    /// Kind of signing party besides the Caf.
    SignataireKind, "Type de signataire", default = Commune, {
    Commune => "commune", "Commune", [];
    Epci => "epci", "EPCI", ["Communauté de communes", "Intercommunalité"];
    Partenaire => "partenaire", "Autre partenaire", ["Partenaire"];
});

referential!(
    /// Pilotage bodies of Annexe 4.
    InstanceKind, "Type d'instance", default = Autre, {
    ComitePilotage => "comite_pilotage", "Comité de pilotage", ["Copil"];
    ComiteTechnique => "comite_technique", "Comité technique", ["Cotech"];
    Commission => "commission", "Commission de travail", ["Groupe de travail"];
    Cooperation => "cooperation", "Chargés de coopération", ["Chargé de coopération"];
    Autre => "autre", "Autre instance", ["Autre"];
});

referential!(
    /// Layout a fiche-action is shown in.
    Disposition, "Présentation de la fiche", default = ModeleCaf, {
    ModeleCaf => "modele_caf", "Grille du modèle Caf", ["Modèle Caf"];
    PointsForts => "points_forts", "Points forts / points faibles", ["Points forts"];
});

/// The names and codes of every referential, for `ctg referentiels` and the workbook lists.
pub fn catalogue() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    fn list<T: Referential>() -> (&'static str, Vec<(&'static str, &'static str)>) {
        (
            T::TITLE,
            T::all().iter().map(|v| (v.code(), v.label())).collect(),
        )
    }
    vec![
        list::<ObjectifCaf>(),
        list::<TypeStructure>(),
        list::<ModeAccueil>(),
        list::<CompetenceAo>(),
        list::<StatutAo>(),
        list::<TypeInvestissement>(),
        list::<ComitePilotage>(),
        list::<Secretariat>(),
        list::<EtatSuivi>(),
        list::<SignataireKind>(),
        list::<InstanceKind>(),
        list::<Disposition>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_accents_case_punctuation_spacing() {
        assert_eq!(normalize("  Micro-Crèche   PAJE "), "micro creche paje");
        assert_eq!(normalize("Mise en œuvre"), "mise en oeuvre");
        assert_eq!(normalize("l'EPCI"), "l epci");
    }

    #[test]
    fn match_exact_on_code_label_and_synonym() {
        assert_eq!(
            TypeStructure::match_label("eaje-psu"),
            Match::Exact(TypeStructure::EajePsu)
        );
        assert_eq!(
            TypeStructure::match_label("eaje micro creche PAJE"),
            Match::Exact(TypeStructure::MicroCrechePaje)
        );
        assert_eq!(
            TypeStructure::match_label("Relais Petite Enfance"),
            Match::Exact(TypeStructure::Rpe)
        );
        assert_eq!(
            EtatSuivi::match_label("REALISÉE"),
            Match::Exact(EtatSuivi::Realisee)
        );
    }

    #[test]
    fn match_close_ambiguous_and_none() {
        assert_eq!(
            TypeStructure::match_label("centres sociaux"),
            Match::Close(TypeStructure::CentreSocial)
        );
        assert!(matches!(
            ModeAccueil::match_label("crèche"),
            Match::Ambiguous(_)
        ));
        assert_eq!(
            TypeStructure::match_label("piscine municipale"),
            Match::None
        );
        assert_eq!(TypeStructure::match_label("   "), Match::None);
    }

    #[test]
    fn codes_are_unique_in_each_referential() {
        for (title, values) in catalogue() {
            let mut codes: Vec<_> = values.iter().map(|v| v.0).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), values.len(), "{title}");
        }
        assert_eq!(ObjectifCaf::all().len(), 8);
        assert_eq!(CompetenceAo::all().len(), 4);
    }
}
