//! The workbook layouts of ctg, as data: the full CTG workbook and the partner return forms.
//! Sheets shared by several layouts are one constant, so they read and write alike.

use super::layout::{Column, Kind, Layout, RefList, Shape, Sheet};
use Kind::*;

const fn c(
    header: &'static str,
    level: u8,
    field: &'static str,
    kind: Kind,
    required: bool,
    width: f64,
    help: &'static str,
) -> Column {
    Column {
        header,
        level,
        field,
        kind,
        required,
        width,
        help,
    }
}

const fn table(
    name: &'static str,
    purpose: &'static str,
    levels: &'static [&'static str],
    columns: &'static [Column],
) -> Sheet {
    Sheet {
        name,
        purpose,
        shape: Shape::Table { levels },
        columns,
    }
}

const FICHE_KEY: Column = c(
    "Fiche",
    0,
    "id",
    Code,
    true,
    10.0,
    "Identifiant de la fiche-action (feuille Fiches)",
);

/// A child list of texts of a fiche, one row per item.
const fn fiche_list(
    name: &'static str,
    purpose: &'static str,
    levels: &'static [&'static str],
    columns: &'static [Column],
) -> Sheet {
    table(name, purpose, levels, columns)
}

pub const CONVENTION: Sheet = Sheet {
    name: "Convention",
    purpose: "Identité de la convention, Caf, période, signature, options et EPCI",
    shape: Shape::Record,
    columns: &[
        c(
            "Identifiant de la convention",
            0,
            "convention/id",
            Code,
            true,
            40.0,
            "Identifiant stable, par exemple ctg-242900660-2026",
        ),
        c(
            "Titre",
            0,
            "convention/titre",
            LongText,
            true,
            60.0,
            "Titre de la convention",
        ),
        c(
            "Nom de la Caf",
            0,
            "convention/caf/nom",
            Text,
            true,
            40.0,
            "",
        ),
        c(
            "Département de la Caf",
            0,
            "convention/caf/departement",
            Code,
            false,
            10.0,
            "Numéro du département (29, 2A…)",
        ),
        c(
            "Président du conseil d'administration",
            0,
            "convention/caf/president",
            Text,
            false,
            30.0,
            "",
        ),
        c(
            "Directeur de la Caf",
            0,
            "convention/caf/directeur",
            Text,
            false,
            30.0,
            "",
        ),
        c(
            "Date de début",
            0,
            "convention/periode/debut",
            Date,
            true,
            14.0,
            "Premier jour de la convention",
        ),
        c(
            "Date de fin",
            0,
            "convention/periode/fin",
            Date,
            true,
            14.0,
            "Au plus le 31 décembre de l'année de début + 4",
        ),
        c(
            "Lieu de signature",
            0,
            "convention/signature/lieu",
            Text,
            false,
            30.0,
            "« Fait à … »",
        ),
        c(
            "Date de signature",
            0,
            "convention/signature/date",
            Date,
            false,
            14.0,
            "« … le … »",
        ),
        c(
            "Comité de pilotage",
            0,
            "convention/options/comite_pilotage",
            Ref(RefList::ComitePilotage),
            true,
            50.0,
            "Une des trois options de l'article 6",
        ),
        c(
            "Secrétariat permanent",
            0,
            "convention/options/secretariat",
            Ref(RefList::Secretariat),
            true,
            30.0,
            "Assuré par la Caf ou par la collectivité",
        ),
        c(
            "Clause de suivi numérique",
            0,
            "convention/options/suivi_numerique",
            YesNo,
            false,
            10.0,
            "Oui si les signataires utilisent l'application de suivi de la Caf",
        ),
        c(
            "SIREN de l'EPCI",
            0,
            "territoire/epci/siren",
            Code,
            false,
            14.0,
            "Vide pour une CTG communale",
        ),
        c(
            "Nom de l'EPCI",
            0,
            "territoire/epci/nom",
            Text,
            false,
            40.0,
            "",
        ),
        c(
            "Population municipale de l'EPCI",
            0,
            "territoire/epci/population_municipale",
            Whole,
            false,
            12.0,
            "",
        ),
        c(
            "Population totale de l'EPCI",
            0,
            "territoire/epci/population_totale",
            Whole,
            false,
            12.0,
            "",
        ),
        c(
            "Millésime des populations de l'EPCI",
            0,
            "territoire/epci/millesime",
            Text,
            false,
            30.0,
            "",
        ),
    ],
};

pub const SIGNATAIRES: Sheet = table(
    "Signataires",
    "Les collectivités et partenaires qui signent avec la Caf",
    &["convention/signataires"],
    &[
        c(
            "Type de signataire",
            0,
            "kind",
            Ref(RefList::SignataireKind),
            true,
            18.0,
            "Commune, EPCI ou autre partenaire",
        ),
        c("Nom", 0, "nom", Text, true, 40.0, ""),
        c(
            "Code INSEE ou SIREN",
            0,
            "code",
            Code,
            false,
            14.0,
            "Code INSEE de la commune ou SIREN",
        ),
        c(
            "Représentant",
            0,
            "representant",
            Text,
            true,
            28.0,
            "Nom du maire, du président…",
        ),
        c(
            "Qualité",
            0,
            "qualite",
            Text,
            false,
            16.0,
            "Maire, Président…",
        ),
        c(
            "Date de la délibération",
            0,
            "deliberation/date",
            Date,
            false,
            14.0,
            "Délibération autorisant la signature",
        ),
        c(
            "Référence de la délibération",
            0,
            "deliberation/reference",
            Text,
            false,
            40.0,
            "",
        ),
    ],
);

pub const PREAMBULE: Sheet = table(
    "Préambule",
    "Les parties du préambule",
    &["convention/preambule"],
    &[
        c("Titre", 0, "titre", Text, false, 40.0, ""),
        c("Texte", 0, "texte", LongText, false, 100.0, ""),
    ],
);

pub const ENJEUX: Sheet = table(
    "Enjeux",
    "Les principaux enjeux du diagnostic (article 4)",
    &["convention/enjeux"],
    &[c(
        "Enjeu",
        0,
        "",
        LongText,
        true,
        100.0,
        "Un enjeu par ligne",
    )],
);

pub const OBJECTIFS: Sheet = table(
    "Objectifs partagés",
    "Les objectifs partagés par domaine (article 4)",
    &["convention/objectifs_partages"],
    &[
        c(
            "Domaine",
            0,
            "domaine",
            Ref(RefList::ObjectifCaf),
            true,
            50.0,
            "Objectif de la Caf auquel se rattache l'objectif partagé",
        ),
        c("Objectif partagé", 0, "texte", LongText, true, 80.0, ""),
    ],
);

pub const COMMUNES: Sheet = table(
    "Communes",
    "Les communes, leurs populations et l'exercice des compétences d'AO",
    &["territoire/communes"],
    &[
        c(
            "Code INSEE",
            0,
            "insee",
            Code,
            true,
            10.0,
            "5 caractères, zéros initiaux compris (01001, 2A004)",
        ),
        c("Commune", 0, "nom", Text, true, 28.0, ""),
        c(
            "Population municipale",
            0,
            "population_municipale",
            Whole,
            false,
            12.0,
            "",
        ),
        c(
            "Population totale",
            0,
            "population_totale",
            Whole,
            false,
            12.0,
            "",
        ),
        c(
            "Millésime",
            0,
            "millesime",
            Text,
            false,
            24.0,
            "Source et année des populations",
        ),
        c(
            "Recensement des besoins",
            0,
            "competences/recensement",
            Ref(RefList::StatutAo),
            true,
            22.0,
            "Obligatoire pour toute commune",
        ),
        c(
            "Information des familles",
            0,
            "competences/information",
            Ref(RefList::StatutAo),
            true,
            22.0,
            "Obligatoire pour toute commune",
        ),
        c(
            "Planification",
            0,
            "competences/planification",
            Ref(RefList::StatutAo),
            true,
            22.0,
            "Obligatoire au-delà de 3 500 habitants",
        ),
        c(
            "Soutien à la qualité",
            0,
            "competences/qualite",
            Ref(RefList::StatutAo),
            true,
            22.0,
            "Obligatoire au-delà de 3 500 habitants",
        ),
    ],
);

pub const DIAGNOSTIC: Sheet = table(
    "Diagnostic",
    "Annexe 1 : les sections du diagnostic partagé",
    &["diagnostic"],
    &[
        c("Section", 0, "code", Code, false, 10.0, "I, II.a, III.a…"),
        c("Titre", 0, "titre", Text, true, 36.0, ""),
        c("Texte", 0, "texte", LongText, false, 100.0, ""),
    ],
);

pub const EQUIPEMENTS: Sheet = table(
    "Équipements",
    "Annexe 2 : équipements et services soutenus, par collectivité",
    &["equipements"],
    &[
        c(
            "Collectivité (INSEE ou SIREN)",
            0,
            "collectivite",
            Code,
            true,
            14.0,
            "Code de la collectivité qui soutient la structure",
        ),
        c(
            "Type de structure",
            0,
            "type_structure",
            Ref(RefList::TypeStructure),
            true,
            36.0,
            "Choisir dans la liste ; « Autres » : préciser à côté",
        ),
        c(
            "Précision si « Autres »",
            0,
            "libelle_autre",
            Text,
            false,
            24.0,
            "",
        ),
        c("Nom de la structure", 0, "nom", Text, true, 36.0, ""),
        c("Adresse", 0, "adresse", Text, false, 40.0, ""),
        c(
            "Commune d'implantation (INSEE)",
            0,
            "commune",
            Code,
            false,
            14.0,
            "",
        ),
    ],
);

pub const AXES: Sheet = table(
    "Axes",
    "Annexe 3 : les axes du plan d'actions",
    &["axes"],
    &[
        c("Identifiant", 0, "id", Code, true, 10.0, "axe-1, axe-2…"),
        c("Intitulé de l'axe", 0, "titre", LongText, true, 60.0, ""),
        c(
            "Objectif de la Caf",
            0,
            "objectif",
            Ref(RefList::ObjectifCaf),
            false,
            50.0,
            "",
        ),
        c(
            "Socle minimum",
            0,
            "socle",
            YesNo,
            false,
            10.0,
            "Oui pour l'axe 1 (accueil du jeune enfant)",
        ),
    ],
);

pub const FICHES: Sheet = table(
    "Fiches",
    "Annexe 3 : les fiches-action (listes dans les feuilles suivantes)",
    &["fiches"],
    &[
        c("Identifiant", 0, "id", Code, true, 10.0, "1.1, 1.2…"),
        c(
            "Axe",
            0,
            "axe",
            Code,
            true,
            10.0,
            "Identifiant de l'axe (feuille Axes)",
        ),
        c("Intitulé de l'action", 0, "titre", LongText, true, 50.0, ""),
        c(
            "Présentation",
            0,
            "disposition",
            Ref(RefList::Disposition),
            true,
            22.0,
            "Grille du modèle Caf ou points forts / points faibles",
        ),
        c("Pilote", 0, "pilote", Text, true, 36.0, ""),
        c(
            "Diagnostic initial",
            0,
            "diagnostic_initial",
            LongText,
            false,
            60.0,
            "",
        ),
        c("Public cible", 0, "public_cible", LongText, false, 40.0, ""),
        c(
            "Description de l'action",
            0,
            "description",
            LongText,
            false,
            60.0,
            "",
        ),
        c(
            "Modalités de mise en œuvre",
            0,
            "modalites",
            LongText,
            false,
            60.0,
            "",
        ),
    ],
);

pub const POINTS_FORTS: Sheet = fiche_list(
    "Points forts",
    "Points forts, un par ligne",
    &["fiches", "points_forts"],
    &[FICHE_KEY, c("Point fort", 1, "", LongText, true, 80.0, "")],
);
pub const POINTS_FAIBLES: Sheet = fiche_list(
    "Points faibles",
    "Points faibles, un par ligne",
    &["fiches", "points_faibles"],
    &[
        FICHE_KEY,
        c("Point faible", 1, "", LongText, true, 80.0, ""),
    ],
);
pub const OBJECTIFS_OP: Sheet = fiche_list(
    "Objectifs opérationnels",
    "Objectifs opérationnels, un par ligne",
    &["fiches", "objectifs_operationnels"],
    &[
        FICHE_KEY,
        c("Objectif opérationnel", 1, "", LongText, true, 80.0, ""),
    ],
);
pub const OUTILS: Sheet = fiche_list(
    "Outils et dispositifs",
    "Principaux outils et dispositifs mobilisables",
    &["fiches", "outils"],
    &[
        FICHE_KEY,
        c("Outil ou dispositif", 1, "", LongText, true, 80.0, ""),
    ],
);
pub const SERVICES: Sheet = fiche_list(
    "Services mobilisés",
    "Services mobilisés et responsables de l'action",
    &["fiches", "services_mobilises"],
    &[
        FICHE_KEY,
        c("Service mobilisé", 1, "", LongText, true, 80.0, ""),
    ],
);
pub const PARTENAIRES: Sheet = fiche_list(
    "Partenaires",
    "Partenaires sollicités, principaux acteurs concernés",
    &["fiches", "partenaires"],
    &[FICHE_KEY, c("Partenaire", 1, "", LongText, true, 80.0, "")],
);
pub const RESULTATS: Sheet = fiche_list(
    "Résultats attendus",
    "Résultats attendus, un par ligne",
    &["fiches", "resultats_attendus"],
    &[
        FICHE_KEY,
        c("Résultat attendu", 1, "", LongText, true, 80.0, ""),
    ],
);
pub const FICHE_COLLECTIVITES: Sheet = fiche_list(
    "Collectivités des fiches",
    "Collectivités qui pilotent ou rejoignent chaque action",
    &["fiches", "collectivites"],
    &[
        FICHE_KEY,
        c("Collectivité (INSEE ou SIREN)", 1, "", Code, true, 16.0, ""),
    ],
);

pub const INDICATEURS: Sheet = table(
    "Indicateurs",
    "Indicateurs d'évaluation des fiches",
    &["fiches", "indicateurs"],
    &[
        FICHE_KEY,
        c("Indicateur", 1, "libelle", LongText, true, 60.0, ""),
        c(
            "Valeur initiale",
            1,
            "valeur_initiale",
            Decimal,
            false,
            12.0,
            "Valeur au début de la CTG",
        ),
        c("Cible", 1, "cible", Decimal, false, 10.0, "Valeur visée"),
        c(
            "Unité",
            1,
            "unite",
            Text,
            false,
            16.0,
            "places, %, réunions…",
        ),
    ],
);

pub const ECHEANCIER: Sheet = table(
    "Échéancier",
    "Échéancier des fiches : une étape par ligne",
    &["fiches", "echeancier"],
    &[
        FICHE_KEY,
        c("Année de début", 1, "debut", Year, false, 10.0, ""),
        c(
            "Année de fin",
            1,
            "fin",
            Year,
            false,
            10.0,
            "Vide si l'étape tient sur une année ou reste ouverte",
        ),
        c("Étape", 1, "jalon", LongText, false, 60.0, ""),
    ],
);

pub const SPECIFICITES: Sheet = table(
    "Spécificités AO",
    "Spécificités par autorité organisatrice signataire",
    &["fiches", "specificites"],
    &[
        FICHE_KEY,
        c(
            "Autorité organisatrice (INSEE ou SIREN)",
            1,
            "ao",
            Code,
            false,
            16.0,
            "",
        ),
        c("Spécificité", 1, "texte", LongText, true, 80.0, ""),
    ],
);

pub const AUTRES: Sheet = table(
    "Autres rubriques",
    "Rubriques des fiches sans champ dédié (rien n'est perdu)",
    &["fiches", "autres"],
    &[
        FICHE_KEY,
        c("Libellé", 1, "libelle", Text, false, 36.0, ""),
        c("Texte", 1, "texte", LongText, false, 80.0, ""),
    ],
);

pub const TABLEAUX_PROJECTION: Sheet = table(
    "Tableaux de projection",
    "Un tableau par autorité organisatrice (et zone éventuelle)",
    &["projections"],
    &[
        c(
            "Autorité organisatrice (INSEE ou SIREN)",
            0,
            "ao",
            Code,
            true,
            16.0,
            "",
        ),
        c(
            "Zone",
            0,
            "zone",
            Text,
            false,
            24.0,
            "QPV, ZRR, quartier… ; vide pour tout le territoire",
        ),
    ],
);

const AO_KEY: Column = c(
    "Autorité organisatrice (INSEE ou SIREN)",
    0,
    "ao",
    Code,
    true,
    16.0,
    "",
);
const ZONE_KEY: Column = c("Zone", 0, "zone", Text, false, 16.0, "");
const MODE_KEY: Column = c(
    "Mode d'accueil",
    1,
    "mode",
    Ref(RefList::ModeAccueil),
    true,
    28.0,
    "",
);

pub const PROJECTIONS: Sheet = table(
    "Projections",
    "Par mode d'accueil : valeur actuelle et besoins",
    &["projections", "lignes"],
    &[
        AO_KEY,
        ZONE_KEY,
        MODE_KEY,
        c(
            "Valeur actuelle",
            1,
            "actuel",
            Decimal,
            false,
            12.0,
            "Places, ETP (RPE) ou nombre de dispositifs",
        ),
        c(
            "ETP vacants",
            1,
            "emplois/etp_vacants",
            Decimal,
            false,
            10.0,
            "",
        ),
        c(
            "ETP à créer",
            1,
            "emplois/etp_a_creer",
            Decimal,
            false,
            10.0,
            "",
        ),
        c(
            "Détail par métier",
            1,
            "emplois/metiers",
            LongText,
            false,
            40.0,
            "",
        ),
        c(
            "Autres besoins identifiés",
            1,
            "autres_besoins",
            LongText,
            false,
            40.0,
            "",
        ),
    ],
);

const PROJ_MODE_KEY: Column = c(
    "Mode d'accueil",
    1,
    "mode",
    Ref(RefList::ModeAccueil),
    true,
    28.0,
    "",
);

pub const PROJECTIONS_ANNEES: Sheet = table(
    "Projections par année",
    "Une ligne par mode d'accueil et par année de la CTG",
    &["projections", "lignes", "annees"],
    &[
        AO_KEY,
        ZONE_KEY,
        PROJ_MODE_KEY,
        c("Année", 2, "annee", Year, true, 8.0, ""),
        c(
            "Valeur projetée",
            2,
            "valeur",
            Decimal,
            true,
            12.0,
            "Places (entier), ETP (décimal) ou nombre de dispositifs",
        ),
    ],
);

pub const INVESTISSEMENTS: Sheet = table(
    "Investissements",
    "Projets d'investissement par mode d'accueil",
    &["projections", "lignes", "investissements"],
    &[
        AO_KEY,
        ZONE_KEY,
        PROJ_MODE_KEY,
        c(
            "Type de projet",
            2,
            "type_projet",
            Ref(RefList::TypeInvestissement),
            true,
            18.0,
            "",
        ),
        c("Description", 2, "description", LongText, false, 40.0, ""),
        c("Coût prévisionnel (€)", 2, "cout", Decimal, false, 14.0, ""),
        c("Calendrier", 2, "calendrier", Text, false, 30.0, ""),
        c(
            "Ingénierie et moyens humains",
            2,
            "ingenierie",
            LongText,
            false,
            40.0,
            "",
        ),
    ],
);

pub const PILOTAGE: Sheet = table(
    "Pilotage",
    "Annexe 4 : instances de pilotage",
    &["pilotage"],
    &[
        c(
            "Type d'instance",
            0,
            "kind",
            Ref(RefList::InstanceKind),
            true,
            22.0,
            "",
        ),
        c("Nom", 0, "nom", Text, true, 36.0, ""),
        c("Composition", 0, "composition", LongText, false, 50.0, ""),
        c("Fréquence", 0, "frequence", Text, false, 20.0, ""),
        c("Rôle", 0, "role", LongText, false, 50.0, ""),
    ],
);

pub const SUIVI: Sheet = table(
    "Suivi",
    "Suivi trimestriel des fiches-action",
    &["suivi"],
    &[
        c(
            "Fiche",
            0,
            "fiche",
            Code,
            true,
            10.0,
            "Identifiant de la fiche-action",
        ),
        c(
            "Trimestre",
            0,
            "trimestre",
            Quarter,
            true,
            10.0,
            "2026-T1, 2026-T2…",
        ),
        c(
            "Collectivité (INSEE ou SIREN)",
            0,
            "collectivite",
            Code,
            false,
            14.0,
            "Qui renseigne la ligne",
        ),
        c(
            "État d'avancement",
            0,
            "etat",
            Ref(RefList::EtatSuivi),
            true,
            16.0,
            "",
        ),
        c(
            "Avancement (%)",
            0,
            "avancement",
            Percent,
            false,
            10.0,
            "De 0 à 100",
        ),
        c(
            "Commentaire",
            0,
            "commentaire",
            LongText,
            false,
            60.0,
            "Mise en œuvre, avancées, difficultés",
        ),
    ],
);

pub const SUIVI_INDICATEURS: Sheet = table(
    "Suivi des indicateurs",
    "Valeur de chaque indicateur au trimestre",
    &["suivi", "indicateurs"],
    &[
        c("Fiche", 0, "fiche", Code, true, 10.0, ""),
        c("Trimestre", 0, "trimestre", Quarter, true, 10.0, ""),
        c(
            "Collectivité (INSEE ou SIREN)",
            0,
            "collectivite",
            Code,
            false,
            14.0,
            "",
        ),
        c("Indicateur", 1, "libelle", LongText, true, 50.0, ""),
        c("Valeur", 1, "valeur", Decimal, false, 10.0, ""),
    ],
);

/// The whole CTG, every part of the model (`ctg exporter` / `ctg importer`).
pub const CTG_COMPLET: Layout = Layout {
    kind: "ctg-complet",
    title: "Convention territoriale globale — classeur complet",
    version: 1,
    sheets: &[
        CONVENTION,
        SIGNATAIRES,
        PREAMBULE,
        ENJEUX,
        OBJECTIFS,
        COMMUNES,
        DIAGNOSTIC,
        EQUIPEMENTS,
        AXES,
        FICHES,
        POINTS_FORTS,
        POINTS_FAIBLES,
        OBJECTIFS_OP,
        OUTILS,
        SERVICES,
        PARTENAIRES,
        RESULTATS,
        FICHE_COLLECTIVITES,
        INDICATEURS,
        ECHEANCIER,
        SPECIFICITES,
        AUTRES,
        TABLEAUX_PROJECTION,
        PROJECTIONS,
        PROJECTIONS_ANNEES,
        INVESTISSEMENTS,
        PILOTAGE,
        SUIVI,
        SUIVI_INDICATEURS,
    ],
};

pub const IDENTITE_COMMUNE: Sheet = Sheet {
    name: "Identité",
    purpose: "Votre commune : populations et exercice des compétences d'autorité organisatrice",
    shape: Shape::Record,
    columns: &[
        c(
            "Code INSEE",
            0,
            "territoire/communes/0/insee",
            Code,
            true,
            14.0,
            "Ne pas modifier",
        ),
        c(
            "Commune",
            0,
            "territoire/communes/0/nom",
            Text,
            true,
            30.0,
            "Ne pas modifier",
        ),
        c(
            "Population municipale",
            0,
            "territoire/communes/0/population_municipale",
            Whole,
            false,
            14.0,
            "Dernier chiffre officiel",
        ),
        c(
            "Population totale",
            0,
            "territoire/communes/0/population_totale",
            Whole,
            false,
            14.0,
            "Dernier chiffre officiel",
        ),
        c(
            "Recensement des besoins",
            0,
            "territoire/communes/0/competences/recensement",
            Ref(RefList::StatutAo),
            true,
            34.0,
            "Exercée par la commune ou transférée à l'EPCI",
        ),
        c(
            "Information des familles",
            0,
            "territoire/communes/0/competences/information",
            Ref(RefList::StatutAo),
            true,
            34.0,
            "Exercée par la commune ou transférée à l'EPCI",
        ),
        c(
            "Planification",
            0,
            "territoire/communes/0/competences/planification",
            Ref(RefList::StatutAo),
            true,
            34.0,
            "Obligatoire au-delà de 3 500 habitants",
        ),
        c(
            "Soutien à la qualité",
            0,
            "territoire/communes/0/competences/qualite",
            Ref(RefList::StatutAo),
            true,
            34.0,
            "Obligatoire au-delà de 3 500 habitants",
        ),
    ],
};

pub const IDENTITE_EPCI: Sheet = Sheet {
    name: "Identité",
    purpose: "Votre EPCI et ses populations",
    shape: Shape::Record,
    columns: &[
        c(
            "SIREN",
            0,
            "territoire/epci/siren",
            Code,
            true,
            14.0,
            "Ne pas modifier",
        ),
        c(
            "Nom de l'EPCI",
            0,
            "territoire/epci/nom",
            Text,
            true,
            40.0,
            "Ne pas modifier",
        ),
        c(
            "Population municipale",
            0,
            "territoire/epci/population_municipale",
            Whole,
            false,
            14.0,
            "",
        ),
        c(
            "Population totale",
            0,
            "territoire/epci/population_totale",
            Whole,
            false,
            14.0,
            "",
        ),
    ],
};

/// The return form of a commune.
pub const RETOUR_COMMUNE: Layout = Layout {
    kind: "retour-commune",
    title: "Formulaire de retour — commune",
    version: 1,
    sheets: &[
        IDENTITE_COMMUNE,
        EQUIPEMENTS,
        PROJECTIONS,
        PROJECTIONS_ANNEES,
        SUIVI,
        SUIVI_INDICATEURS,
    ],
};

/// The return form of the EPCI: it also states, per commune, what was transferred to it.
pub const RETOUR_EPCI: Layout = Layout {
    kind: "retour-epci",
    title: "Formulaire de retour — EPCI",
    version: 1,
    sheets: &[
        IDENTITE_EPCI,
        COMMUNES,
        EQUIPEMENTS,
        PROJECTIONS,
        PROJECTIONS_ANNEES,
        SUIVI,
        SUIVI_INDICATEURS,
    ],
};

pub fn by_kind(kind: &str) -> Option<&'static Layout> {
    [&CTG_COMPLET, &RETOUR_COMMUNE, &RETOUR_EPCI]
        .into_iter()
        .find(|l| l.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel_limits() {
        for l in [&CTG_COMPLET, &RETOUR_COMMUNE, &RETOUR_EPCI] {
            let mut names = std::collections::HashSet::new();
            for s in l.sheets {
                assert!(s.name.chars().count() <= 31, "{}", s.name);
                assert!(
                    !s.name.contains(['[', ']', ':', '*', '?', '/', '\\']),
                    "{}",
                    s.name
                );
                assert!(names.insert(s.name), "duplicate {}", s.name);
                for col in s.columns {
                    assert!(
                        (col.level as usize) < s.levels().len().max(1),
                        "{} {}",
                        s.name,
                        col.header
                    );
                }
            }
        }
    }

    #[test]
    fn fingerprints_differ_between_layouts() {
        assert_ne!(CTG_COMPLET.fingerprint(), RETOUR_COMMUNE.fingerprint());
        assert_eq!(RETOUR_COMMUNE.fingerprint(), RETOUR_COMMUNE.fingerprint());
    }
}
