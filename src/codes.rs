//! The rule registry: every diagnostic code of ctg, one rule a line.
//!
//! A code is a variant of [`Code`], so a mistyped code does not compile. Codes are stable:
//! never renumbered, never reused. The letter after `CTG-` is the severity (E, W, I); the scope
//! says which part of ctg emits it. `ctg regle` prints this table.

use serde::{Serialize, Serializer};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    #[serde(rename = "erreur")]
    Error,
    #[serde(rename = "avertissement")]
    Warning,
    #[serde(rename = "info")]
    Info,
}

impl Severity {
    /// French label, as printed.
    pub fn label(&self) -> &'static str {
        match self {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
            Severity::Info => "info",
        }
    }
}

/// Which part of ctg emits a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Scope {
    #[serde(rename = "modele")]
    /// `ctg verifier`: the domain rules on a model.
    Model,
    /// A return form as a whole (identification, version).
    #[serde(rename = "retour")]
    Return,
    /// Reading a workbook or a file: cells, rows, sheets, refusals.
    #[serde(rename = "lecture")]
    Reader,
    /// `ctg consolider`: checks between files.
    #[serde(rename = "consolidation")]
    CrossFile,
    /// `ctg importer` of a Word document.
    #[serde(rename = "import_word")]
    WordImport,
}

impl Scope {
    pub fn label(&self) -> &'static str {
        match self {
            Scope::Model => "modèle",
            Scope::Return => "retour",
            Scope::Reader => "lecture",
            Scope::CrossFile => "consolidation",
            Scope::WordImport => "import Word",
        }
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub code: Code,
    #[serde(rename = "gravite")]
    pub severity: Severity,
    #[serde(rename = "portee")]
    pub scope: Scope,
    /// Short French title.
    #[serde(rename = "titre")]
    pub title: &'static str,
    /// What the rule checks and why, in French, with its source.
    #[serde(rename = "explication")]
    pub explanation: &'static str,
}

macro_rules! registry {
    ($($v:ident $sev:ident $scope:ident $title:literal $expl:literal;)*) => {
        /// A diagnostic code. `Code::E012` is `CTG-E012`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($v,)* }

        /// Every rule of ctg, in table order.
        pub static RULES: &[RuleInfo] = &[
            $(RuleInfo { code: Code::$v, severity: Severity::$sev, scope: Scope::$scope, title: $title, explanation: $expl },)*
        ];

        impl Code {
            /// The code as printed: `CTG-E012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$v => concat!("CTG-", stringify!($v)),)* }
            }
        }
    };
}

#[rustfmt::skip]
registry! {
    E001  Error   Model     "Fin de période avant le début" "La date de fin de la convention doit être postérieure à sa date de début.";
    E002  Error   Model     "Durée au-delà du 31 décembre N+4" "La convention court au plus jusqu'au 31 décembre de l'année de début + 4 (modèle Caf, article 10).";
    W003  Warning Model     "Durée inhabituelle" "Les CTG publiées durent de 4 à 5 ans ; une durée hors de cet intervalle est signalée.";
    E004  Error   Model     "Période incomplète" "Les dates de début et de fin de la convention sont obligatoires.";
    E010  Error   Model     "Recensement des besoins non exercé" "Toute commune est autorité organisatrice et exerce le recensement des besoins, elle-même ou par transfert à l'EPCI (CASF L.214-1-3, 1°).";
    E011  Error   Model     "Information des familles non exercée" "Toute commune exerce l'information et l'accompagnement des familles, elle-même ou par transfert (CASF L.214-1-3, 2°).";
    E012  Error   Model     "Compétence obligatoire au-delà de 3 500 habitants non exercée" "Les communes de plus de 3 500 habitants exercent aussi la planification et le soutien à la qualité des modes d'accueil (CASF L.214-1-3, 3° et 4°).";
    E013  Error   Model     "Relais petite enfance manquant" "Une autorité organisatrice de plus de 10 000 habitants (commune, ou EPCI pour les communes qui lui ont transféré la compétence qualité) se dote d'un relais petite enfance à compter du 1er janvier 2026 : un RPE doit figurer dans sa liste d'équipements (annexe 2).";
    E014  Error   Model     "Contenu du schéma pluriannuel manquant" "Une autorité organisatrice de plus de 10 000 habitants compétente en planification établit le schéma pluriannuel ; la CTG en tient lieu si elle en contient les éléments (D.214-10-1) : offre existante, besoins, tableau de projection, calendrier, indicateurs.";
    W015  Warning Model     "Population de l'EPCI incohérente" "La population déclarée de l'EPCI doit être la somme de celle de ses communes.";
    I016  Info    Model     "Population proche d'un seuil" "Une population à moins de 2 % d'un seuil (3 500 ou 10 000 habitants) mérite une vérification du millésime et de la base retenus.";
    E017  Error   Model     "Compétence transférée sans EPCI" "Une commune ne peut transférer une compétence à l'EPCI que si la CTG désigne cet EPCI.";
    W018  Warning Model     "Population inconnue" "Sans population, les seuils de 3 500 et 10 000 habitants ne peuvent être appliqués.";
    W019  Warning Model     "Autorité organisatrice sans tableau de projection" "Une autorité organisatrice qui exerce la planification de l'offre (sous 10 000 habitants) présente, comme le modèle de convention le prévoit, son tableau de projection par mode d'accueil.";
    E020  Error   Model     "Code INSEE mal formé" "Un code INSEE de commune compte 5 caractères, zéros initiaux compris ; la Corse s'écrit 2A/2B, l'outre-mer 97x.";
    E021  Error   Model     "Code INSEE inconnu" "Le code INSEE doit désigner une commune actuelle du référentiel.";
    E022  Error   Model     "SIREN invalide" "Un SIREN compte 9 chiffres dont le dernier est une clé de Luhn.";
    E023  Error   Model     "EPCI inconnu" "Le SIREN doit désigner un EPCI du référentiel.";
    E024  Error   Model     "Commune hors de l'EPCI" "Les communes de la CTG doivent appartenir à l'EPCI signataire.";
    W025  Warning Model     "Population différente du référentiel" "Une population déclarée qui diffère du référentiel est signalée avec les deux chiffres.";
    W026  Warning Model     "Nom différent du référentiel" "Le nom déclaré d'une commune ou de l'EPCI diffère de celui du référentiel.";
    W027  Warning Model     "Commune de l'EPCI absente" "Une commune membre de l'EPCI n'est pas dans le territoire de la CTG.";
    E030  Error   Model     "Axe 1 absent ou vide" "L'axe 1 (accueil du jeune enfant, service public de la petite enfance) est le socle minimum du plan d'actions et doit compter au moins une fiche.";
    E031  Error   Model     "Identifiant de fiche en double" "Chaque fiche-action a un identifiant unique.";
    E032  Error   Model     "Fiche sans intitulé" "Chaque fiche-action a un intitulé.";
    E033  Error   Model     "Fiche sans pilote" "Chaque fiche-action désigne son pilote.";
    E034  Error   Model     "Axe inconnu" "La fiche-action doit se rattacher à un axe du plan.";
    E035  Error   Model     "Fiche sans indicateur" "Chaque fiche-action a au moins un indicateur d'évaluation (article 9).";
    E036  Error   Model     "Échéance hors période" "Les années de l'échéancier doivent tomber dans la période de la convention, la fin après le début.";
    E037  Error   Model     "Suivi d'une fiche inconnue" "Une ligne de suivi doit désigner une fiche-action existante.";
    E038  Error   Model     "Trimestre invalide ou hors période" "Le trimestre s'écrit AAAA-Tn (n de 1 à 4) et tombe dans la période de la convention.";
    E039  Error   Model     "Avancement hors de 0 à 100 %" "L'avancement d'une action est un pourcentage entre 0 et 100.";
    E040  Error   Model     "Année de projection hors période" "Les années du tableau de projection sont celles de la convention.";
    E041  Error   Model     "Nombre de places invalide" "Un nombre de places (ou de dispositifs) est un entier positif ou nul.";
    E042  Error   Model     "ETP négatif" "Un nombre d'ETP est un décimal positif ou nul.";
    E043  Error   Model     "Autorité organisatrice inconnue" "Le tableau de projection (ou la liste d'équipements) doit désigner une commune ou l'EPCI du territoire.";
    E044  Error   Model     "Coût négatif" "Le coût d'un projet d'investissement est un montant positif.";
    E045  Error   Model     "Type «Autres» sans précision" "Un équipement de type «Autres» précise son type.";
    W046  Warning Model     "Équipement sans nom" "Un équipement de l'annexe 2 a un nom.";
    E047  Error   Model     "Collectivité du suivi inconnue" "Une ligne de suivi est renseignée au nom d'une commune ou de l'EPCI de la CTG (code INSEE ou SIREN) ; dans un retour lu sans la CTG, d'une commune ou d'un EPCI du référentiel.";
    E050  Error   Model     "Délibération sans date" "Chaque collectivité signataire est autorisée par une délibération datée.";
    E051  Error   Model     "Délibération postérieure à la signature" "La délibération qui autorise la signature la précède.";
    W052  Warning Model     "Aucune collectivité signataire" "Une CTG est signée par la Caf et au moins une commune ou un EPCI.";
    W053  Warning Model     "Date de signature absente" "La date de signature («Fait à …, le …») n'est pas renseignée.";
    E090  Error   Model     "Version du modèle non prise en charge" "Le fichier a été écrit par une version de ctg plus récente ou inconnue.";
    E091  Error   Model     "Modèle JSON illisible" "Le fichier de la CTG n'est pas un JSON valide du modèle : la ligne et la colonne de la première erreur sont données.";
    E100  Error   Reader    "Fichier illisible" "Le fichier n'est pas un classeur (.xlsx, .xlsm, .xls, .ods) ou un document Word lisible : format non reconnu, archive corrompue ou tronquée.";
    E101  Error   Reader    "Fichier protégé par mot de passe" "Un fichier chiffré ne peut être lu : enregistrez-le sans mot de passe puis renvoyez-le.";
    E102  Error   Reader    "Fichier démesuré ou piégé" "Le contrôle préalable borne la taille du fichier, sa taille décompressée et son taux de compression, pour se protéger des fichiers piégés.";
    E103  Error   Reader    "Feuille manquante" "Une feuille du formulaire a été supprimée ou renommée.";
    E104  Error   Reader    "Colonne ou rubrique obligatoire introuvable" "L'en-tête d'une colonne obligatoire (ou la rubrique d'une feuille d'identité) n'a pas été retrouvé.";
    W105  Warning Reader    "Colonne absente ou inattendue" "Une colonne facultative manque, ou une colonne ajoutée n'est pas lue.";
    W106  Warning Reader    "Colonnes déplacées" "Les colonnes ont été déplacées : elles sont retrouvées par le texte de leur en-tête.";
    E107  Error   Reader    "Cellule obligatoire vide" "Une cellule d'une colonne obligatoire est vide.";
    E108  Error   Reader    "Nombre invalide" "La cellule doit contenir un nombre (« 1,5 », « 1 200 » sont acceptés) ; un entier là où un entier est attendu.";
    E109  Error   Reader    "Date invalide" "La cellule doit contenir une date (jj/mm/aaaa, ou une date Excel).";
    E110  Error   Reader    "Année invalide" "La cellule doit contenir une année sur 4 chiffres.";
    E111  Error   Reader    "Trimestre invalide" "Un trimestre s'écrit 2026-T1 (T1 2026 est aussi compris).";
    E112  Error   Reader    "Valeur hors liste" "La valeur doit être choisie dans la liste déroulante ; une valeur qui peut désigner plusieurs éléments de la liste est refusée.";
    I113  Info    Reader    "Valeur rapprochée de la liste" "Une valeur saisie hors de la liste déroulante mais qui ne désigne qu'un de ses éléments est acceptée et signalée.";
    E114  Error   Reader    "Oui/non invalide" "La cellule attend oui ou non (x, ☒ et ☐ sont compris).";
    W115  Warning Reader    "Formule sans valeur calculée" "Une formule dont le résultat n'a pas été enregistré ne peut être lue : ouvrez et enregistrez le fichier dans Excel ou Calc.";
    I116  Info    Reader    "Texte hors du tableau" "Une note sous le tableau ou hors des colonnes n'est pas lue ; elle est signalée pour que rien ne se perde.";
    E117  Error   Return    "Formulaire non reconnu" "Le fichier n'est pas un formulaire ctg : feuille « _meta » absente et feuilles inconnues.";
    W118  Warning Return    "Version ou disposition du formulaire différente" "Le formulaire a été produit par une autre version de la disposition, ou sa feuille « _meta » a disparu.";
    W119  Warning Reader    "Ligne rattachée à un élément absent" "Une ligne d'une feuille qui en complète une autre (« Suivi des indicateurs » pour « Suivi », échéances pour « Fiches »…) se rapporte à une ligne qui n'y figure pas, ou qui y a été écartée.";
    E120  Error   Reader    "Texte trop long pour une cellule" "Excel limite une cellule à 32 767 caractères.";
    E121  Error   Return    "Collectivité du retour différente" "Le code de la collectivité saisi dans le formulaire ne correspond pas à celui pour lequel il a été émis.";
    E123  Error   Reader    "Valeur négative" "Les nombres de places, d'ETP, de dispositifs, les populations et les coûts sont positifs ou nuls.";
    E124  Error   Reader    "Cellule en erreur" "La cellule contient une erreur de calcul (#DIV/0!, #REF!…).";
    E125  Error   Reader    "Données incohérentes" "Les données lues ne forment pas un modèle valide.";
    W201  Warning CrossFile "Retour manquant" "Une commune ou l'EPCI de la CTG n'a pas de retour accepté.";
    I202  Info    CrossFile "Retour reçu en double (copie identique)" "Deux fichiers identiques octet pour octet : un seul est retenu.";
    W203  Warning CrossFile "Deux retours différents pour une collectivité" "Le retour retenu est celui désigné par --priorite, sinon celui dont le formulaire est le plus récent ; l'autre est écarté et ses lignes figurent dans les anomalies.";
    E204  Error   CrossFile "Retour d'une collectivité hors de la CTG" "Le formulaire a été émis pour une collectivité que la CTG ne couvre pas : ses lignes ne sont pas consolidées.";
    W205  Warning CrossFile "Structure déclarée par deux communes" "Une même structure (même nom et même adresse, normalisés) figure dans la liste de deux communes.";
    W206  Warning CrossFile "Transfert non confirmé par l'EPCI" "Une commune déclare avoir transféré une compétence que le retour de l'EPCI ne mentionne pas.";
    W207  Warning CrossFile "Transfert non confirmé par la commune" "Le retour de l'EPCI indique une compétence transférée que la commune déclare exercer elle-même ou ne pas exercer.";
    W208  Warning CrossFile "Population de l'EPCI différente de la somme des communes" "La population déclarée par l'EPCI diffère de la somme des populations des communes qui lui ont transféré des compétences.";
    W210  Warning CrossFile "Valeur de la CTG conservée" "Une ligne rejetée d'un retour aurait changé une valeur du tableau de la CTG : la valeur de la CTG est conservée dans le modèle consolidé, et l'avertissement donne les deux.";
    W211  Warning CrossFile "Exercice d'une compétence contesté" "La commune et l'EPCI ne disent pas la même chose de l'exercice d'une compétence (« Exercée par la commune » d'un côté, « Non exercée » de l'autre).";
    W209  Warning CrossFile "Total différent du tableau de la CTG" "Une valeur projetée des retours diffère de celle du tableau de projection de la CTG.";
    E127  Error   Reader    "Lecture interrompue" "La lecture du fichier a été interrompue : il demandait plus de mémoire ou de temps que la limite fixée pour un fichier, ou il a fait échouer le lecteur. Il est rejeté ; les autres fichiers sont lus normalement.";
    E128  Error   Reader    "Archive incohérente ou falsifiée" "Les en-têtes de l'archive se contredisent (nom, taille, somme de contrôle), un élément y figure deux fois ou un lien en sort : le fichier est refusé plutôt que lu au hasard.";
    E129  Error   Reader    "Somme de contrôle incorrecte" "Un élément de l'archive ne correspond pas à sa somme de contrôle (CRC) : le fichier a été abîmé en route. Demandez-en une nouvelle copie.";
    E130  Error   Reader    "Méthode de compression inconnue" "Un élément de l'archive est compressé par une méthode que ni Excel ni LibreOffice n'emploient : fichier abîmé ou piégé.";
    E131  Error   Reader    "DOCTYPE ou entité XML refusé" "Un classeur ou un document Word ne déclare jamais de DOCTYPE ni d'entité XML ; ces déclarations servent aux fichiers piégés (bombes d'entités, lecture de fichiers locaux).";
    E132  Error   Reader    "Structure démesurée ou hors limites" "Une cellule hors de la grille d'Excel, une plage remplie au-delà du budget de cellules d'un formulaire, ou des éléments imbriqués trop profondément : le fichier est refusé avant toute lecture.";
    E133  Error   Reader    "Référence à un texte partagé inexistant" "Une cellule renvoie à un texte de la table des textes partagés qui n'existe pas : fichier abîmé ou falsifié.";
    I134  Info    Reader    "Fichier ignoré" "Un fichier qui n'est pas un retour à lire est ignoré et dit pourquoi : classeur écrit par ctg (consolidé, copie annotée, classeur complet de la CTG), fichier de verrouillage d'Excel ou de LibreOffice, fichier d'un autre type dans un dossier.";
    I135  Info    Reader    "Feuille renommée retrouvée" "Une feuille du formulaire renommée par le partenaire (« Suivi T2 » pour « Suivi ») est retrouvée par ses en-têtes, comme une colonne déplacée ; elle est lue normalement.";
    I137  Info    CrossFile "Ligne d'un retour remplacé" "Les lignes d'un retour remplacé par un autre retour de la même collectivité (plus récent, ou désigné par --priorite) ne sont pas consolidées ; elles figurent dans les anomalies pour comparaison, sans compter comme des erreurs.";
    W136  Warning Reader    "Feuille non lue" "Une feuille ajoutée qui ne correspond à aucune feuille du formulaire n'est pas lue : ses lignes sont comptées comme non lues, pour que rien ne se perde en silence.";
    E126  Error   Reader    "Ligne rejetée" "Une ligne dont une cellule obligatoire ou une clé est vide ou invalide est rejetée ; ses valeurs brutes figurent dans l'anomalie.";
    W300  Warning WordImport "Tableau du document non reconnu" "Un tableau du document Word n'a été rattaché ni à une fiche-action, ni au tableau des compétences, ni à l'annexe 2 : son contenu n'est pas importé et figure dans le rapport.";
    I301  Info    WordImport "Rubrique de fiche non reconnue" "Une rubrique de fiche-action dont le libellé n'est pas connu est conservée telle quelle dans les « autres rubriques » de la fiche.";
    W302  Warning WordImport "Texte du document non placé" "Un paragraphe ou une ligne de cellule du document Word n'a trouvé place dans aucun champ du modèle (introduction, titre sans fiche, tableau non reconnu, texte d'article…) : il figure dans la liste « non placé » du rapport avec son emplacement (tableau, ligne et colonne, ou numéro de paragraphe) et le titre le plus proche. ctg importer sort alors avec le code 1.";
    I303  Info    WordImport "Période lue dans le titre" "Quand le texte d'une CTG importée ne la date nulle part (« pour la période du … au … »), les années de son titre (« Convention territoriale globale 2025-2029 ») donnent la période, du 1er janvier de la première au 31 décembre de la dernière ; l'import le dit, pour qu'on la corrige si la convention dit autrement.";

}

impl Code {
    /// The registry entry of this code.
    pub fn info(self) -> &'static RuleInfo {
        // The table is generated from the same list as the enum, in the same order.
        &RULES[self as usize]
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The number after the letter: 12 for `CTG-E012`.
    pub fn number(self) -> u32 {
        self.as_str()[5..].parse().unwrap_or(0)
    }

    /// Finds a code from what a user types: `CTG-E013`, `ctg-e013`, `E013`, `e13` or `13`.
    pub fn parse(s: &str) -> Option<Code> {
        let t = s.trim().to_ascii_uppercase();
        let t = t.strip_prefix("CTG-").unwrap_or(&t);
        let (letter, digits) = match t.chars().next()? {
            c @ ('E' | 'W' | 'I') => (Some(c), &t[1..]),
            _ => (None, t),
        };
        let n: u32 = digits.parse().ok()?;
        RULES
            .iter()
            .map(|r| r.code)
            .find(|c| c.number() == n && letter.is_none_or(|l| c.as_str().as_bytes()[4] == l as u8))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Codes sort as their printed form, so reports read in code order.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_the_enum_and_letters_match_severities() {
        let mut seen = std::collections::HashSet::new();
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code as usize, i);
            assert!(seen.insert(r.code.number()), "number of {} reused", r.code);
            let expected = match r.severity {
                Severity::Error => b'E',
                Severity::Warning => b'W',
                Severity::Info => b'I',
            };
            assert_eq!(r.code.as_str().as_bytes()[4], expected, "{}", r.code);
        }
    }

    #[test]
    fn codes_parse_as_users_type_them() {
        for s in ["CTG-E013", "ctg-e013", "E013", "e013", "e13", "13", " 013 "] {
            assert_eq!(Code::parse(s), Some(Code::E013), "{s}");
        }
        assert_eq!(Code::parse("W013"), None);
        assert_eq!(Code::parse("X999"), None);
        assert_eq!(Code::parse(""), None);
    }
}
