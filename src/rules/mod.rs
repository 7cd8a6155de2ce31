//! Domain rules of `ctg verifier`: one table of stable codes, and one file per concern.
//!
//! A code is never reused or renumbered; `ctg regle CODE` prints its entry. Each check
//! pushes `Diagnostic`s located by JSON pointer, with the offending value.

mod annexes;
mod ao_rules;
mod identite;
mod periode;
mod plan;
mod signataires;

use serde::Serialize;

pub use periode::fr_date;
pub use plan::parse_quarter;

use crate::ao::Basis;
use crate::diagnostic::{self, Counts, Diagnostic, Severity};
use crate::model::Ctg;
use crate::territory::referentiel;

/// One entry of the rule table.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// Short French title.
    pub title: &'static str,
    /// What the rule checks and why, in French, with its source.
    pub explanation: &'static str,
}

const fn r(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    explanation: &'static str,
) -> RuleInfo {
    RuleInfo {
        code,
        severity,
        title,
        explanation,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

/// Every rule of ctg, models and workbooks alike.
pub static RULES: &[RuleInfo] = &[
    // Période
    r(
        "CTG-E001",
        E,
        "Fin de période avant le début",
        "La date de fin de la convention doit être postérieure à sa date de début.",
    ),
    r(
        "CTG-E002",
        E,
        "Durée au-delà du 31 décembre N+4",
        "La convention court au plus jusqu'au 31 décembre de l'année de début + 4 (modèle Caf, article 10).",
    ),
    r(
        "CTG-W003",
        W,
        "Durée inhabituelle",
        "Les CTG publiées durent de 4 à 5 ans ; une durée hors de cet intervalle est signalée.",
    ),
    r(
        "CTG-E004",
        E,
        "Période incomplète",
        "Les dates de début et de fin de la convention sont obligatoires.",
    ),
    // Compétences d'AO
    r(
        "CTG-E010",
        E,
        "Recensement des besoins non exercé",
        "Toute commune est autorité organisatrice et exerce le recensement des besoins, elle-même ou par transfert à l'EPCI (CASF L.214-1-3, 1°).",
    ),
    r(
        "CTG-E011",
        E,
        "Information des familles non exercée",
        "Toute commune exerce l'information et l'accompagnement des familles, elle-même ou par transfert (CASF L.214-1-3, 2°).",
    ),
    r(
        "CTG-E012",
        E,
        "Compétence obligatoire au-delà de 3 500 habitants non exercée",
        "Les communes de plus de 3 500 habitants exercent aussi la planification et le soutien à la qualité des modes d'accueil (CASF L.214-1-3, 3° et 4°).",
    ),
    r(
        "CTG-E013",
        E,
        "Relais petite enfance manquant",
        "Une autorité organisatrice de plus de 10 000 habitants (commune, ou EPCI pour les communes qui lui ont transféré la compétence qualité) se dote d'un relais petite enfance à compter du 1er janvier 2026 : un RPE doit figurer dans sa liste d'équipements (annexe 2).",
    ),
    r(
        "CTG-E014",
        E,
        "Contenu du schéma pluriannuel manquant",
        "Une autorité organisatrice de plus de 10 000 habitants compétente en planification établit le schéma pluriannuel ; la CTG en tient lieu si elle en contient les éléments (D.214-10-1) : offre existante, besoins, tableau de projection, calendrier, indicateurs.",
    ),
    r(
        "CTG-W015",
        W,
        "Population de l'EPCI incohérente",
        "La population déclarée de l'EPCI doit être la somme de celle de ses communes.",
    ),
    r(
        "CTG-I016",
        I,
        "Population proche d'un seuil",
        "Une population à moins de 2 % d'un seuil (3 500 ou 10 000 habitants) mérite une vérification du millésime et de la base retenus.",
    ),
    r(
        "CTG-E017",
        E,
        "Compétence transférée sans EPCI",
        "Une commune ne peut transférer une compétence à l'EPCI que si la CTG désigne cet EPCI.",
    ),
    r(
        "CTG-W018",
        W,
        "Population inconnue",
        "Sans population, les seuils de 3 500 et 10 000 habitants ne peuvent être appliqués.",
    ),
    // Identité
    r(
        "CTG-E020",
        E,
        "Code INSEE mal formé",
        "Un code INSEE de commune compte 5 caractères, zéros initiaux compris ; la Corse s'écrit 2A/2B, l'outre-mer 97x.",
    ),
    r(
        "CTG-E021",
        E,
        "Code INSEE inconnu",
        "Le code INSEE doit désigner une commune actuelle du référentiel.",
    ),
    r(
        "CTG-E022",
        E,
        "SIREN invalide",
        "Un SIREN compte 9 chiffres dont le dernier est une clé de Luhn.",
    ),
    r(
        "CTG-E023",
        E,
        "EPCI inconnu",
        "Le SIREN doit désigner un EPCI du référentiel.",
    ),
    r(
        "CTG-E024",
        E,
        "Commune hors de l'EPCI",
        "Les communes de la CTG doivent appartenir à l'EPCI signataire.",
    ),
    r(
        "CTG-W025",
        W,
        "Population différente du référentiel",
        "Une population déclarée qui diffère du référentiel est signalée avec les deux chiffres.",
    ),
    r(
        "CTG-W026",
        W,
        "Nom différent du référentiel",
        "Le nom déclaré d'une commune ou de l'EPCI diffère de celui du référentiel.",
    ),
    r(
        "CTG-W027",
        W,
        "Commune de l'EPCI absente",
        "Une commune membre de l'EPCI n'est pas dans le territoire de la CTG.",
    ),
    // Plan d'actions
    r(
        "CTG-E030",
        E,
        "Axe 1 absent ou vide",
        "L'axe 1 (accueil du jeune enfant, service public de la petite enfance) est le socle minimum du plan d'actions et doit compter au moins une fiche.",
    ),
    r(
        "CTG-E031",
        E,
        "Identifiant de fiche en double",
        "Chaque fiche-action a un identifiant unique.",
    ),
    r(
        "CTG-E032",
        E,
        "Fiche sans intitulé",
        "Chaque fiche-action a un intitulé.",
    ),
    r(
        "CTG-E033",
        E,
        "Fiche sans pilote",
        "Chaque fiche-action désigne son pilote.",
    ),
    r(
        "CTG-E034",
        E,
        "Axe inconnu",
        "La fiche-action doit se rattacher à un axe du plan.",
    ),
    r(
        "CTG-E035",
        E,
        "Fiche sans indicateur",
        "Chaque fiche-action a au moins un indicateur d'évaluation (article 9).",
    ),
    r(
        "CTG-E036",
        E,
        "Échéance hors période",
        "Les années de l'échéancier doivent tomber dans la période de la convention, la fin après le début.",
    ),
    r(
        "CTG-E037",
        E,
        "Suivi d'une fiche inconnue",
        "Une ligne de suivi doit désigner une fiche-action existante.",
    ),
    r(
        "CTG-E038",
        E,
        "Trimestre invalide ou hors période",
        "Le trimestre s'écrit AAAA-Tn (n de 1 à 4) et tombe dans la période de la convention.",
    ),
    r(
        "CTG-E039",
        E,
        "Avancement hors de 0 à 100 %",
        "L'avancement d'une action est un pourcentage entre 0 et 100.",
    ),
    // Projections
    r(
        "CTG-E040",
        E,
        "Année de projection hors période",
        "Les années du tableau de projection sont celles de la convention.",
    ),
    r(
        "CTG-E041",
        E,
        "Nombre de places invalide",
        "Un nombre de places (ou de dispositifs) est un entier positif ou nul.",
    ),
    r(
        "CTG-E042",
        E,
        "ETP négatif",
        "Un nombre d'ETP est un décimal positif ou nul.",
    ),
    r(
        "CTG-E043",
        E,
        "Autorité organisatrice inconnue",
        "Le tableau de projection (ou la liste d'équipements) doit désigner une commune ou l'EPCI du territoire.",
    ),
    r(
        "CTG-E044",
        E,
        "Coût négatif",
        "Le coût d'un projet d'investissement est un montant positif.",
    ),
    r(
        "CTG-E045",
        E,
        "Type «Autres» sans précision",
        "Un équipement de type «Autres» précise son type.",
    ),
    r(
        "CTG-W046",
        W,
        "Équipement sans nom",
        "Un équipement de l'annexe 2 a un nom.",
    ),
    // Signataires
    r(
        "CTG-E050",
        E,
        "Délibération sans date",
        "Chaque collectivité signataire est autorisée par une délibération datée.",
    ),
    r(
        "CTG-E051",
        E,
        "Délibération postérieure à la signature",
        "La délibération qui autorise la signature la précède.",
    ),
    r(
        "CTG-W052",
        W,
        "Aucune collectivité signataire",
        "Une CTG est signée par la Caf et au moins une commune ou un EPCI.",
    ),
    r(
        "CTG-W053",
        W,
        "Date de signature absente",
        "La date de signature («Fait à …, le …») n'est pas renseignée.",
    ),
    // Lecture des fichiers (modèle JSON)
    r(
        "CTG-E090",
        E,
        "Version du modèle non prise en charge",
        "Le fichier a été écrit par une version de ctg plus récente ou inconnue.",
    ),
    // Lecture des classeurs et documents
    r(
        "CTG-E100",
        E,
        "Fichier illisible",
        "Le fichier n'est pas un classeur (.xlsx, .xlsm, .xls, .ods) ou un document Word lisible : format non reconnu, archive corrompue ou tronquée.",
    ),
    r(
        "CTG-E101",
        E,
        "Fichier protégé par mot de passe",
        "Un fichier chiffré ne peut être lu : enregistrez-le sans mot de passe puis renvoyez-le.",
    ),
    r(
        "CTG-E102",
        E,
        "Fichier démesuré ou piégé",
        "Le contrôle préalable borne la taille du fichier, sa taille décompressée et son taux de compression, pour se protéger des fichiers piégés.",
    ),
    r(
        "CTG-E103",
        E,
        "Feuille manquante",
        "Une feuille du formulaire a été supprimée ou renommée.",
    ),
    r(
        "CTG-E104",
        E,
        "Colonne ou rubrique obligatoire introuvable",
        "L'en-tête d'une colonne obligatoire (ou la rubrique d'une feuille d'identité) n'a pas été retrouvé.",
    ),
    r(
        "CTG-W105",
        W,
        "Colonne absente ou inattendue",
        "Une colonne facultative manque, ou une colonne ajoutée n'est pas lue.",
    ),
    r(
        "CTG-W106",
        W,
        "Colonnes déplacées",
        "Les colonnes ont été déplacées : elles sont retrouvées par le texte de leur en-tête.",
    ),
    r(
        "CTG-E107",
        E,
        "Cellule obligatoire vide",
        "Une cellule d'une colonne obligatoire est vide.",
    ),
    r(
        "CTG-E108",
        E,
        "Nombre invalide",
        "La cellule doit contenir un nombre (« 1,5 », « 1 200 » sont acceptés) ; un entier là où un entier est attendu.",
    ),
    r(
        "CTG-E109",
        E,
        "Date invalide",
        "La cellule doit contenir une date (jj/mm/aaaa, ou une date Excel).",
    ),
    r(
        "CTG-E110",
        E,
        "Année invalide",
        "La cellule doit contenir une année sur 4 chiffres.",
    ),
    r(
        "CTG-E111",
        E,
        "Trimestre invalide",
        "Un trimestre s'écrit 2026-T1 (T1 2026 est aussi compris).",
    ),
    r(
        "CTG-E112",
        E,
        "Valeur hors liste",
        "La valeur doit être choisie dans la liste déroulante ; une valeur qui peut désigner plusieurs éléments de la liste est refusée.",
    ),
    r(
        "CTG-I113",
        I,
        "Valeur rapprochée de la liste",
        "Une valeur saisie hors de la liste déroulante mais qui ne désigne qu'un de ses éléments est acceptée et signalée.",
    ),
    r(
        "CTG-E114",
        E,
        "Oui/non invalide",
        "La cellule attend oui ou non (x, ☒ et ☐ sont compris).",
    ),
    r(
        "CTG-W115",
        W,
        "Formule sans valeur calculée",
        "Une formule dont le résultat n'a pas été enregistré ne peut être lue : ouvrez et enregistrez le fichier dans Excel ou Calc.",
    ),
    r(
        "CTG-I116",
        I,
        "Texte hors du tableau",
        "Une note sous le tableau ou hors des colonnes n'est pas lue ; elle est signalée pour que rien ne se perde.",
    ),
    r(
        "CTG-E117",
        E,
        "Formulaire non reconnu",
        "Le fichier n'est pas un formulaire ctg : feuille « _meta » absente et feuilles inconnues.",
    ),
    r(
        "CTG-W118",
        W,
        "Version ou disposition du formulaire différente",
        "Le formulaire a été produit par une autre version de la disposition, ou sa feuille « _meta » a disparu.",
    ),
    r(
        "CTG-W119",
        W,
        "Ligne rattachée à un élément absent",
        "Une ligne d'une feuille secondaire (indicateur, échéance…) désigne une fiche ou un tableau absent de sa feuille principale.",
    ),
    r(
        "CTG-E120",
        E,
        "Texte trop long pour une cellule",
        "Excel limite une cellule à 32 767 caractères.",
    ),
    r(
        "CTG-E121",
        E,
        "Collectivité du retour différente",
        "Le code de la collectivité saisi dans le formulaire ne correspond pas à celui pour lequel il a été émis.",
    ),
    r(
        "CTG-E123",
        E,
        "Valeur négative",
        "Les nombres de places, d'ETP, de dispositifs, les populations et les coûts sont positifs ou nuls.",
    ),
    r(
        "CTG-E124",
        E,
        "Cellule en erreur",
        "La cellule contient une erreur de calcul (#DIV/0!, #REF!…).",
    ),
    r(
        "CTG-E125",
        E,
        "Données incohérentes",
        "Les données lues ne forment pas un modèle valide.",
    ),
    // Consolidation (contrôles entre fichiers)
    r(
        "CTG-W201",
        W,
        "Retour manquant",
        "Une commune ou l'EPCI de la CTG n'a pas de retour accepté.",
    ),
    r(
        "CTG-I202",
        I,
        "Retour reçu en double (copie identique)",
        "Deux fichiers identiques octet pour octet : un seul est retenu.",
    ),
    r(
        "CTG-W203",
        W,
        "Deux retours différents pour une collectivité",
        "Le retour retenu est celui désigné par --priorite, sinon celui dont le formulaire est le plus récent ; l'autre est écarté et ses lignes figurent dans les anomalies.",
    ),
    r(
        "CTG-E204",
        E,
        "Retour d'une collectivité hors de la CTG",
        "Le formulaire a été émis pour une collectivité que la CTG ne couvre pas : ses lignes ne sont pas consolidées.",
    ),
    r(
        "CTG-W205",
        W,
        "Structure déclarée par deux communes",
        "Une même structure (même nom et même adresse, normalisés) figure dans la liste de deux communes.",
    ),
    r(
        "CTG-W206",
        W,
        "Transfert non confirmé par l'EPCI",
        "Une commune déclare avoir transféré une compétence que le retour de l'EPCI ne mentionne pas.",
    ),
    r(
        "CTG-W207",
        W,
        "Transfert non confirmé par la commune",
        "Le retour de l'EPCI indique une compétence transférée que la commune déclare exercer elle-même ou ne pas exercer.",
    ),
    r(
        "CTG-W208",
        W,
        "Population de l'EPCI différente de la somme des communes",
        "La population déclarée par l'EPCI diffère de la somme des populations des communes qui lui ont transféré des compétences.",
    ),
    r(
        "CTG-W209",
        W,
        "Total différent du tableau de la CTG",
        "Une valeur projetée des retours diffère de celle du tableau de projection de la CTG.",
    ),
    r(
        "CTG-E126",
        E,
        "Ligne rejetée",
        "Une ligne dont une cellule obligatoire ou une clé est vide ou invalide est rejetée ; ses valeurs brutes figurent dans l'anomalie.",
    ),
];

/// The rule table entry for a code.
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Shared inputs of every check.
pub struct Ctx<'a> {
    pub ctg: &'a Ctg,
    pub basis: Basis,
}

/// The result of `verify`: diagnostics plus what they were computed against.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// «population totale» or «population municipale».
    pub population: &'static str,
    pub millesime: &'static str,
    pub communes: usize,
    pub fiches: usize,
}

/// Runs every domain rule on a model.
pub fn verify(ctg: &Ctg, basis: Basis) -> Report {
    let ctx = Ctx { ctg, basis };
    let mut d = Vec::new();
    periode::check(&ctx, &mut d);
    identite::check(&ctx, &mut d);
    ao_rules::check(&ctx, &mut d);
    plan::check(&ctx, &mut d);
    annexes::check(&ctx, &mut d);
    signataires::check(&ctx, &mut d);
    diagnostic::sort(&mut d);
    let c = Counts::of(&d);
    Report {
        summary: Summary {
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            population: basis.label(),
            millesime: referentiel().millesime,
            communes: ctg.territoire.communes.len(),
            fiches: ctg.fiches.len(),
        },
        diagnostics: d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_match_their_severity() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            let letter = r.code.as_bytes()[4];
            let expected = match r.severity {
                Severity::Error => b'E',
                Severity::Warning => b'W',
                Severity::Info => b'I',
            };
            assert_eq!(letter, expected, "{}", r.code);
        }
    }

    #[test]
    fn rule_lookup_is_case_insensitive() {
        assert_eq!(rule("ctg-e012").unwrap().code, "CTG-E012");
        assert!(rule("CTG-X999").is_none());
    }
}

/// Test helpers shared by the rule files.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    pub fn sample() -> Ctg {
        crate::io::parse_model(
            include_str!("../../samples/ctg-pays-fouesnantais.json"),
            "sample",
        )
        .unwrap()
    }

    pub fn codes(ctg: &Ctg) -> Vec<&'static str> {
        verify(ctg, Basis::Totale)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    pub fn has(ctg: &Ctg, code: &str) -> bool {
        codes(ctg).contains(&code)
    }
}
