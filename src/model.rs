//! The canonical CTG model: the one hub every format converts to and from.
//!
//! It is a superset of what the Caf model convention and real filled CTGs hold, so that a
//! conversion never has to drop anything: what has no field goes to a fiche's `autres`.
//! JSON on disk; `version` guards against reading a file written by a future layout.
//! Every field carries its French label (`title`) in the JSON Schema (`ctg schema`).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::referentials::{
    ComitePilotage, CompetenceAo, Disposition, EtatSuivi, InstanceKind, ModeAccueil, ObjectifCaf,
    Secretariat, SignataireKind, StatutAo, TypeInvestissement, TypeStructure,
};

/// Version of the JSON model written by this build.
pub const MODEL_VERSION: u32 = 1;

/// A whole Convention territoriale globale.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Convention territoriale globale")]
pub struct Ctg {
    #[schemars(title = "Version du modèle")]
    pub version: u32,
    #[schemars(title = "Convention")]
    pub convention: Convention,
    #[schemars(title = "Territoire")]
    pub territoire: Territoire,
    #[serde(default)]
    #[schemars(title = "Annexe 1 – Diagnostic partagé")]
    pub diagnostic: Vec<SectionDiagnostic>,
    #[serde(default)]
    #[schemars(title = "Annexe 2 – Équipements et services soutenus")]
    pub equipements: Vec<Equipement>,
    #[serde(default)]
    #[schemars(title = "Annexe 3 – Axes du plan d'actions")]
    pub axes: Vec<Axe>,
    #[serde(default)]
    #[schemars(title = "Annexe 3 – Fiches-action")]
    pub fiches: Vec<FicheAction>,
    #[serde(default)]
    #[schemars(title = "Annexe 3 – Projections petite enfance")]
    pub projections: Vec<Projection>,
    #[serde(default)]
    #[schemars(title = "Annexe 4 – Instances de pilotage")]
    pub pilotage: Vec<Instance>,
    #[serde(default)]
    #[schemars(title = "Suivi du plan d'actions")]
    pub suivi: Vec<Suivi>,
}

/// The convention proper: parties, period, texts and options.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Convention {
    #[schemars(title = "Identifiant de la convention")]
    pub id: String,
    #[schemars(title = "Titre")]
    pub titre: String,
    #[schemars(title = "Caf")]
    pub caf: Caf,
    #[schemars(title = "Signataires")]
    pub signataires: Vec<Signataire>,
    #[schemars(title = "Période")]
    pub periode: Periode,
    #[schemars(title = "Signature")]
    pub signature: Signature,
    #[schemars(title = "Préambule")]
    pub preambule: Vec<PartieTexte>,
    #[schemars(title = "Enjeux du diagnostic")]
    pub enjeux: Vec<String>,
    #[schemars(title = "Objectifs partagés")]
    pub objectifs_partages: Vec<ObjectifPartage>,
    #[schemars(title = "Options")]
    pub options: Options,
}

/// The Caf that signs.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Caf {
    #[schemars(title = "Nom de la Caf")]
    pub nom: String,
    #[schemars(title = "Département")]
    pub departement: String,
    #[schemars(title = "Président du conseil d'administration")]
    pub president: String,
    #[schemars(title = "Directeur")]
    pub directeur: String,
}

/// A signing party other than the Caf.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Signataire {
    #[schemars(title = "Type de signataire")]
    pub kind: SignataireKind,
    #[schemars(title = "Nom")]
    pub nom: String,
    /// INSEE code for a commune, SIREN for an EPCI or another partner.
    #[schemars(title = "Code INSEE ou SIREN")]
    pub code: String,
    #[schemars(title = "Représentant")]
    pub representant: String,
    #[schemars(title = "Qualité du représentant")]
    pub qualite: String,
    #[schemars(title = "Délibération")]
    pub deliberation: Deliberation,
}

/// The decision that authorises a representative to sign.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Deliberation {
    #[schemars(title = "Date de la délibération")]
    pub date: Option<NaiveDate>,
    #[schemars(title = "Référence de la délibération")]
    pub reference: String,
}

/// Start and end of the convention (both inclusive).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Periode {
    #[schemars(title = "Date de début")]
    pub debut: Option<NaiveDate>,
    #[schemars(title = "Date de fin")]
    pub fin: Option<NaiveDate>,
}

/// «Fait à …, le …».
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Signature {
    #[schemars(title = "Lieu de signature")]
    pub lieu: String,
    #[schemars(title = "Date de signature")]
    pub date: Option<NaiveDate>,
}

/// A titled block of text (préambule parts, diagnostic sections).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PartieTexte {
    #[schemars(title = "Titre")]
    pub titre: String,
    #[schemars(title = "Texte")]
    pub texte: String,
}

/// A shared objective of article 4, attached to one of the Caf's 8 objectives.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectifPartage {
    #[schemars(title = "Domaine (objectif de la Caf)")]
    pub domaine: ObjectifCaf,
    #[schemars(title = "Objectif partagé")]
    pub texte: String,
}

/// The options the model convention leaves to the parties (article 6 and 9).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    #[schemars(title = "Comité de pilotage")]
    pub comite_pilotage: ComitePilotage,
    #[schemars(title = "Secrétariat permanent")]
    pub secretariat: Secretariat,
    #[schemars(title = "Clause de suivi numérique")]
    pub suivi_numerique: bool,
}

/// The EPCI and its communes covered by the CTG.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Territoire {
    #[schemars(title = "EPCI")]
    pub epci: Option<Epci>,
    #[schemars(title = "Communes")]
    pub communes: Vec<Commune>,
}

/// An établissement public de coopération intercommunale.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Epci {
    #[schemars(title = "SIREN")]
    pub siren: String,
    #[schemars(title = "Nom de l'EPCI")]
    pub nom: String,
    #[schemars(title = "Population municipale")]
    pub population_municipale: Option<u32>,
    #[schemars(title = "Population totale")]
    pub population_totale: Option<u32>,
    #[schemars(title = "Millésime des populations")]
    pub millesime: String,
}

/// A commune with its populations and how it exercises each AO competence.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Commune {
    #[schemars(title = "Code INSEE")]
    pub insee: String,
    #[schemars(title = "Nom de la commune")]
    pub nom: String,
    #[schemars(title = "Population municipale")]
    pub population_municipale: Option<u32>,
    #[schemars(title = "Population totale")]
    pub population_totale: Option<u32>,
    #[schemars(title = "Millésime des populations")]
    pub millesime: String,
    #[schemars(title = "Compétences d'autorité organisatrice")]
    pub competences: Competences,
}

/// Status of each of the 4 AO competences for one commune.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Competences {
    #[schemars(title = "Recenser les besoins")]
    pub recensement: StatutAo,
    #[schemars(title = "Informer et accompagner les familles")]
    pub information: StatutAo,
    #[schemars(title = "Planifier le développement des modes d'accueil")]
    pub planification: StatutAo,
    #[schemars(title = "Soutenir la qualité des modes d'accueil")]
    pub qualite: StatutAo,
}

impl Competences {
    pub fn get(&self, c: CompetenceAo) -> StatutAo {
        match c {
            CompetenceAo::Recensement => self.recensement,
            CompetenceAo::Information => self.information,
            CompetenceAo::Planification => self.planification,
            CompetenceAo::Qualite => self.qualite,
        }
    }

    pub fn set(&mut self, c: CompetenceAo, s: StatutAo) {
        match c {
            CompetenceAo::Recensement => self.recensement = s,
            CompetenceAo::Information => self.information = s,
            CompetenceAo::Planification => self.planification = s,
            CompetenceAo::Qualite => self.qualite = s,
        }
    }
}

/// A section of the Annexe 1 diagnostic (e.g. code «III.a», «Petite enfance»).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SectionDiagnostic {
    #[schemars(title = "Numéro de section")]
    pub code: String,
    #[schemars(title = "Titre de la section")]
    pub titre: String,
    #[schemars(title = "Texte")]
    pub texte: String,
}

/// An équipement or service of Annexe 2, listed under the collectivité that supports it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Equipement {
    /// INSEE code or SIREN of the signing collectivité whose list holds it.
    #[schemars(title = "Collectivité (code INSEE ou SIREN)")]
    pub collectivite: String,
    #[schemars(title = "Type de structure")]
    pub type_structure: TypeStructure,
    /// Required when the type is «Autres».
    #[schemars(title = "Précision du type (si «Autres»)")]
    pub libelle_autre: String,
    #[schemars(title = "Nom de la structure")]
    pub nom: String,
    #[schemars(title = "Adresse")]
    pub adresse: String,
    #[schemars(title = "Commune d'implantation (code INSEE)")]
    pub commune: String,
}

/// An axe of the action plan, usually one per shared objective.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Axe {
    #[schemars(title = "Identifiant de l'axe")]
    pub id: String,
    #[schemars(title = "Intitulé de l'axe")]
    pub titre: String,
    #[schemars(title = "Objectif de la Caf")]
    pub objectif: Option<ObjectifCaf>,
    /// Axe 1 (accueil du jeune enfant) is the minimum every plan must hold.
    #[schemars(title = "Socle minimum du plan")]
    pub socle: bool,
}

/// A fiche-action: the superset of the Caf model grid and the «Points forts» layout.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FicheAction {
    #[schemars(title = "Identifiant de la fiche")]
    pub id: String,
    #[schemars(title = "Axe")]
    pub axe: String,
    #[schemars(title = "Intitulé de l'action")]
    pub titre: String,
    /// The layout the fiche came with, kept so that the DOCX shows it the same way.
    #[schemars(title = "Présentation de la fiche")]
    pub disposition: Disposition,
    #[schemars(title = "Pilote de l'action")]
    pub pilote: String,
    #[schemars(title = "Diagnostic initial")]
    pub diagnostic_initial: String,
    #[schemars(title = "Points forts")]
    pub points_forts: Vec<String>,
    #[schemars(title = "Points faibles")]
    pub points_faibles: Vec<String>,
    #[schemars(title = "Public cible")]
    pub public_cible: String,
    #[schemars(title = "Objectifs opérationnels")]
    pub objectifs_operationnels: Vec<String>,
    #[schemars(title = "Description de l'action")]
    pub description: String,
    #[schemars(title = "Modalités de mise en œuvre")]
    pub modalites: String,
    #[schemars(title = "Principaux outils/dispositifs mobilisables")]
    pub outils: Vec<String>,
    #[schemars(title = "Services mobilisés et responsables de l'action")]
    pub services_mobilises: Vec<String>,
    #[schemars(title = "Partenaires sollicités / principaux acteurs concernés")]
    pub partenaires: Vec<String>,
    #[schemars(title = "Résultats attendus")]
    pub resultats_attendus: Vec<String>,
    #[schemars(title = "Indicateurs d'évaluation")]
    pub indicateurs: Vec<Indicateur>,
    #[schemars(title = "Échéancier")]
    pub echeancier: Vec<Echeance>,
    #[schemars(title = "Spécificités par autorité organisatrice signataire")]
    pub specificites: Vec<Specificite>,
    /// Collectivités (INSEE code or SIREN) that pilot or join the action: their return
    /// forms carry its follow-up.
    #[schemars(title = "Collectivités concernées")]
    pub collectivites: Vec<String>,
    /// Anything a source holds that has no field, in source order: nothing is dropped.
    #[schemars(title = "Autres rubriques")]
    pub autres: Vec<Rubrique>,
}

/// An evaluation indicator.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Indicateur {
    #[schemars(title = "Indicateur")]
    pub libelle: String,
    /// Value at the start of the CTG (baseline), in the same unit as the target.
    #[schemars(title = "Valeur initiale")]
    pub valeur_initiale: Option<f64>,
    #[schemars(title = "Cible")]
    pub cible: Option<f64>,
    #[schemars(title = "Unité")]
    pub unite: String,
}

/// One line of an échéancier: «2027-2028 : extension à toutes les structures».
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Echeance {
    #[schemars(title = "Année de début")]
    pub debut: Option<i32>,
    #[schemars(title = "Année de fin")]
    pub fin: Option<i32>,
    #[schemars(title = "Étape")]
    pub jalon: String,
}

/// What a fiche says for one signing AO.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Specificite {
    #[schemars(title = "Autorité organisatrice (code INSEE ou SIREN)")]
    pub ao: String,
    #[schemars(title = "Spécificité")]
    pub texte: String,
}

/// A labelled text with no field of its own.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Rubrique {
    #[schemars(title = "Libellé")]
    pub libelle: String,
    #[schemars(title = "Texte")]
    pub texte: String,
}

/// The projection table of one AO holding the planning competence (optionally one zone).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Projection {
    #[schemars(title = "Autorité organisatrice (code INSEE ou SIREN)")]
    pub ao: String,
    #[schemars(title = "Zone (QPV, ZRR, quartier…)")]
    pub zone: String,
    #[schemars(title = "Lignes par mode d'accueil")]
    pub lignes: Vec<LigneProjection>,
}

/// One mode d'accueil of a projection table.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct LigneProjection {
    #[schemars(title = "Mode d'accueil / dispositif")]
    pub mode: ModeAccueil,
    /// Places, ETP (RPE) or number of dispositifs, depending on the mode.
    #[schemars(title = "Valeur actuelle")]
    pub actuel: Option<f64>,
    #[schemars(title = "Projection par année")]
    pub annees: Vec<ValeurAnnee>,
    #[schemars(title = "Besoins en emplois et compétences")]
    pub emplois: BesoinsEmplois,
    #[schemars(title = "Autres besoins identifiés")]
    pub autres_besoins: String,
    #[schemars(title = "Projets d'investissement")]
    pub investissements: Vec<Investissement>,
}

/// A projected value for one CTG year.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ValeurAnnee {
    #[schemars(title = "Année")]
    pub annee: i32,
    #[schemars(title = "Valeur")]
    pub valeur: f64,
}

/// Jobs and skills needed to reach the projection.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BesoinsEmplois {
    #[schemars(title = "ETP vacants")]
    pub etp_vacants: Option<f64>,
    #[schemars(title = "ETP à créer")]
    pub etp_a_creer: Option<f64>,
    #[schemars(title = "Détail par métier")]
    pub metiers: String,
}

/// An investment project behind a projection.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Investissement {
    #[schemars(title = "Type de projet")]
    pub type_projet: TypeInvestissement,
    #[schemars(title = "Description du projet")]
    pub description: String,
    #[schemars(title = "Coût prévisionnel (euros)")]
    pub cout: Option<f64>,
    #[schemars(title = "Calendrier prévisionnel")]
    pub calendrier: String,
    #[schemars(title = "Ingénierie et moyens humains nécessaires")]
    pub ingenierie: String,
}

/// A pilotage body of Annexe 4.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Instance {
    #[schemars(title = "Type d'instance")]
    pub kind: InstanceKind,
    #[schemars(title = "Nom")]
    pub nom: String,
    #[schemars(title = "Composition")]
    pub composition: String,
    #[schemars(title = "Fréquence des réunions")]
    pub frequence: String,
    #[schemars(title = "Rôle")]
    pub role: String,
}

/// One follow-up row: the state of one fiche in one quarter.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Suivi {
    #[schemars(title = "Fiche-action")]
    pub fiche: String,
    /// Like `2026-T1`.
    #[schemars(title = "Trimestre", regex(pattern = r"^\d{4}-T[1-4]$"))]
    pub trimestre: String,
    #[schemars(title = "Collectivité qui renseigne (code INSEE ou SIREN)")]
    pub collectivite: String,
    #[schemars(title = "État d'avancement")]
    pub etat: EtatSuivi,
    #[schemars(title = "Avancement (%)")]
    pub avancement: Option<f64>,
    #[schemars(title = "Commentaire")]
    pub commentaire: String,
    #[schemars(title = "Valeurs des indicateurs")]
    pub indicateurs: Vec<ValeurIndicateur>,
}

/// The measured value of a fiche's indicator in one quarter.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ValeurIndicateur {
    #[schemars(title = "Indicateur")]
    pub libelle: String,
    #[schemars(title = "Valeur")]
    pub valeur: Option<f64>,
}

impl Ctg {
    /// An empty model of the current version.
    pub fn empty() -> Self {
        Ctg {
            version: MODEL_VERSION,
            convention: Convention::default(),
            territoire: Territoire::default(),
            diagnostic: Vec::new(),
            equipements: Vec::new(),
            axes: Vec::new(),
            fiches: Vec::new(),
            projections: Vec::new(),
            pilotage: Vec::new(),
            suivi: Vec::new(),
        }
    }

    /// The commune of the territory with this INSEE code.
    pub fn commune(&self, insee: &str) -> Option<&Commune> {
        self.territoire.communes.iter().find(|c| c.insee == insee)
    }

    /// Axes that form the mandatory minimum: marked `socle`, or tied to objective 1.
    pub fn socle_axes(&self) -> Vec<&Axe> {
        self.axes
            .iter()
            .filter(|a| a.socle || a.objectif == Some(ObjectifCaf::AccueilJeuneEnfant))
            .collect()
    }

    /// Fiches of the socle axes.
    pub fn socle_fiches(&self) -> Vec<&FicheAction> {
        let axes = self.socle_axes();
        self.fiches
            .iter()
            .filter(|f| axes.iter().any(|a| a.id == f.axe))
            .collect()
    }

    /// «Axe 1 – Titre» for the axe of a fiche; without the fiche, the prefix of its id
    /// («1.2» → «axe 1»).
    pub fn axe_label(ctg: Option<&Ctg>, fiche: &str) -> String {
        if let Some(f) = ctg.and_then(|c| c.fiches.iter().find(|f| f.id == fiche)) {
            let axe = ctg.and_then(|c| c.axes.iter().find(|a| a.id == f.axe));
            // «Axe 1 – Accueil du jeune enfant», not the model's id «axe-1».
            let name = |id: &str| match id.strip_prefix("axe-") {
                Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("Axe {n}")
                }
                _ => id.to_string(),
            };
            return axe
                .map(|a| format!("{} – {}", name(&a.id), a.titre))
                .unwrap_or_else(|| name(&f.axe));
        }
        format!("axe {}", fiche.split('.').next().unwrap_or(fiche))
    }

    /// The French name of a collectivité of the territory (commune or EPCI) by code.
    pub fn collectivite_nom(&self, code: &str) -> Option<&str> {
        if let Some(e) = &self.territoire.epci
            && e.siren == code
        {
            return Some(&e.nom);
        }
        self.commune(code).map(|c| c.nom.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axe_is_named_for_people_not_by_its_id() {
        let ctg = crate::io::parse_model(
            include_str!("../samples/ctg-pays-fouesnantais.json"),
            "sample",
        )
        .unwrap();
        let label = Ctg::axe_label(Some(&ctg), "1.1");
        assert!(label.starts_with("Axe 1 – "), "{label}");
        assert!(!label.contains("axe-"), "{label}");
        assert_eq!(Ctg::axe_label(None, "3.2"), "axe 3");
    }
}
