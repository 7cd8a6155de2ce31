//! `ctg exemple retours`: realistic filled returns for real communes of the referential,
//! with a controlled share of the mistakes partners make, and a manifest of each mistake
//! (sheet, cell, raw value, the rule expected to flag it). For demos, tests, benchmarks.

use crate::codes::Code;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::ao;
use crate::error::Result;
use crate::model::{
    Ctg, Equipement, FicheAction, Indicateur, LigneProjection, Projection, Suivi, ValeurAnnee,
    ValeurIndicateur,
};
use crate::referentials::{
    CompetenceAo, EtatSuivi, ModeAccueil, Referential, StatutAo, TypeStructure,
};
use crate::returns::forms::{self, FormSettings};
use crate::territory::{CommuneRef, referentiel};
use crate::workbook::layout::{Layout, Sheet};
use crate::workbook::layouts::RETOUR_COMMUNE;
use crate::workbook::write::{self, Cell, Meta, Options, cell_name};

/// One injected mistake.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Injection {
    pub fichier: String,
    pub feuille: String,
    pub cellule: String,
    /// What was done, in French.
    pub erreur: String,
    pub valeur: String,
    /// The rule `valider` must report there; empty when the value is tolerated.
    pub code_attendu: Option<Code>,
}

/// Header of `manifeste.tsv`.
pub const MANIFEST_HEADER: &str = "fichier\tfeuille\tcellule\terreur\tvaleur\tcode_attendu\n";

impl Injection {
    /// The injection as one line of `manifeste.tsv`.
    pub fn tsv_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            self.fichier,
            self.feuille,
            self.cellule,
            self.erreur,
            self.valeur,
            self.code_attendu.map_or("", Code::as_str)
        )
    }
}

/// One generated return.
pub struct Generated {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub injections: Vec<Injection>,
}

const FICHES: [(&str, &str); 4] = [
    ("1.1", "Créer des places d'accueil du jeune enfant"),
    ("1.2", "Informer les familles sur les modes d'accueil"),
    ("2.1", "Proposer des ateliers parents"),
    ("3.1", "Harmoniser les tarifs des accueils de loisirs"),
];

const NOMS: [&str; 8] = [
    "Les Petits Pas",
    "Les Lucioles",
    "Arc-en-ciel",
    "Les Galopins",
    "Pomme d'Api",
    "Les Mésanges",
    "Le Jardin d'Éveil",
    "Les Explorateurs",
];

fn pick_communes(rng: &mut ChaCha8Rng, n: usize) -> Vec<&'static CommuneRef> {
    let all: Vec<&CommuneRef> = referentiel()
        .communes()
        .iter()
        .filter(|c| c.population_totale.is_some() && !c.epci.is_empty())
        .collect();
    let mut picked: Vec<&CommuneRef> = Vec::with_capacity(n);
    let mut used = std::collections::HashSet::new();
    let big: Vec<&CommuneRef> = all
        .iter()
        .copied()
        .filter(|c| c.population_totale.unwrap_or(0) > 3_500)
        .collect();
    if n >= all.len() {
        return all; // Every commune: no draw needed.
    }
    while picked.len() < n {
        // Favour larger communes one time in three, so that every threshold is exercised.
        let c = if rng.random_bool(0.33) && used.len() < big.len() {
            big[rng.random_range(0..big.len())]
        } else {
            all[rng.random_range(0..all.len())]
        };
        if used.insert(c.insee) {
            picked.push(c);
        }
    }
    picked.sort_by_key(|c| c.insee);
    picked
}

/// A one-commune CTG holding the commune's filled answers.
fn filled_ctg(c: &CommuneRef, rng: &mut ChaCha8Rng) -> Ctg {
    let r = referentiel();
    let mut ctg = Ctg::empty();
    ctg.convention.id = "ctg-exemple-2026".into();
    ctg.convention.periode.debut = "2026-01-01".parse().ok();
    ctg.convention.periode.fin = "2030-12-31".parse().ok();
    let mut commune = c.to_model(r.millesime);
    let mandatory = ao::obligations(c.population_totale).mandatory;
    for comp in CompetenceAo::all() {
        let status = if mandatory.contains(comp) {
            if rng.random_bool(0.4) {
                StatutAo::Transferee
            } else {
                StatutAo::Exercee
            }
        } else if rng.random_bool(0.3) {
            StatutAo::Exercee
        } else {
            StatutAo::NonExercee
        };
        commune.competences.set(*comp, status);
    }
    let plans = commune.competences.planification == StatutAo::Exercee;
    ctg.territoire.communes.push(commune);
    let types = [
        TypeStructure::EajePsu,
        TypeStructure::MicroCrechePaje,
        TypeStructure::Mam,
        TypeStructure::Alsh,
        TypeStructure::Laep,
        TypeStructure::AccueilJeunes,
    ];
    for i in 0..rng.random_range(1..4) {
        let t = types[rng.random_range(0..types.len())];
        ctg.equipements.push(Equipement {
            collectivite: c.insee.into(),
            type_structure: t,
            libelle_autre: String::new(),
            nom: format!(
                "{} {}",
                t.short(),
                NOMS[(i + rng.random_range(0..NOMS.len())) % NOMS.len()]
            ),
            adresse: format!("{} rue de la Mairie, {}", rng.random_range(1..60), c.nom),
            commune: c.insee.into(),
        });
    }
    if plans {
        let mut lignes = Vec::new();
        for m in [
            ModeAccueil::EajePsu,
            ModeAccueil::AssistantsMaternels,
            ModeAccueil::Rpe,
        ] {
            let base = match m.unite() {
                crate::referentials::Unite::Etp => (rng.random_range(1..6) as f64) * 0.5,
                _ => rng.random_range(5..60) as f64,
            };
            let step = if m == ModeAccueil::Rpe {
                0.0
            } else {
                rng.random_range(0..4) as f64
            };
            lignes.push(LigneProjection {
                mode: m,
                actuel: Some(base),
                annees: (0..5)
                    .map(|k| ValeurAnnee {
                        annee: 2026 + k,
                        valeur: base + step * k as f64,
                    })
                    .collect(),
                ..Default::default()
            });
        }
        ctg.projections.push(Projection {
            ao: c.insee.into(),
            zone: String::new(),
            lignes,
        });
    }
    let etats = EtatSuivi::all();
    for (id, titre) in FICHES.iter().take(rng.random_range(1..=FICHES.len())) {
        ctg.fiches.push(FicheAction {
            id: (*id).into(),
            titre: (*titre).into(),
            collectivites: vec![c.insee.into()],
            indicateurs: vec![Indicateur {
                libelle: "Familles concernées".into(),
                cible: Some(50.0),
                unite: "familles".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        ctg.suivi.push(Suivi {
            fiche: (*id).into(),
            trimestre: "2026-T2".into(),
            collectivite: c.insee.into(),
            etat: etats[rng.random_range(0..etats.len())],
            avancement: Some(rng.random_range(0..11) as f64 * 10.0),
            commentaire: "Point d'étape transmis par la commune.".into(),
            indicateurs: vec![ValeurIndicateur {
                libelle: "Familles concernées".into(),
                valeur: Some(rng.random_range(0..80) as f64),
            }],
        });
    }
    ctg
}

fn sheet_index(layout: &Layout, name: &str) -> usize {
    layout
        .sheets
        .iter()
        .position(|s| s.name == name)
        .expect("sheet of the layout")
}

fn col_index(sheet: &Sheet, header: &str) -> usize {
    sheet
        .columns
        .iter()
        .position(|c| c.header == header)
        .expect("column of the sheet")
}

/// Where a row may be hit: which rows of which sheets already carry a mistake.
type Used = std::collections::HashSet<(usize, usize)>;

/// Applies one mistake to the cell data of a return; returns its manifest entry. Each row
/// gets at most one mistake, so that each is reported on its own.
fn inject(
    kind: usize,
    data: &mut [Vec<Vec<Cell>>],
    perm: Option<&[usize]>,
    used: &mut Used,
    file: &str,
    rng: &mut ChaCha8Rng,
) -> Option<Injection> {
    let l = &RETOUR_COMMUNE;
    let mut at = |sheet: &str,
                  header: &str,
                  row: Option<usize>,
                  value: Cell,
                  erreur: &str,
                  code: Option<Code>|
     -> Option<Injection> {
        let si = sheet_index(l, sheet);
        let s = &l.sheets[si];
        let ci = col_index(s, header);
        let rows = &mut data[si];
        let candidates: Vec<usize> = match row {
            Some(r) => vec![r],
            None => (0..rows.len())
                .filter(|r| !used.contains(&(si, *r)))
                .filter(|r| kind != 1 || rows[*r].get(2) == Some(&Cell::Text("RPE".into())))
                .collect(),
        };
        if candidates.is_empty() {
            return None;
        }
        let r = candidates[rng.random_range(0..candidates.len())];
        used.insert((si, r));
        let shown = match &value {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => crate::workbook::cells::fmt_number(*n),
            _ => String::new(),
        };
        rows[r][ci] = value;
        let moved = |c: usize| match perm {
            Some(p) if sheet == "Équipements" => p.iter().position(|i| *i == c).unwrap_or(c),
            _ => c,
        };
        let (xr, xc) = if s.is_record() {
            (ci as u32 + 1, 1u16)
        } else {
            (r as u32 + 1, moved(ci) as u16)
        };
        Some(Injection {
            fichier: file.into(),
            feuille: sheet.into(),
            cellule: cell_name(xr, xc),
            erreur: erreur.into(),
            valeur: shown,
            code_attendu: code,
        })
    };
    match kind {
        0 => at(
            "Projections par année",
            "Valeur projetée",
            None,
            Cell::Text("une vingtaine".into()),
            "texte dans une cellule numérique",
            Some(Code::E108),
        ),
        1 => at(
            "Projections par année",
            "Valeur projetée",
            None,
            Cell::Text("1,5".into()),
            "décimale à la française pour des ETP (tolérée)",
            None,
        ),
        2 => at(
            "Équipements",
            "Nom de la structure",
            None,
            Cell::Empty,
            "cellule obligatoire vide",
            Some(Code::E107),
        ),
        3 => at(
            "Équipements",
            "Type de structure",
            None,
            Cell::Text("Crèche familiale".into()),
            "valeur hors de la liste",
            Some(Code::E112),
        ),
        4 => at(
            "Suivi",
            "État d'avancement",
            None,
            Cell::Text("Réalisé".into()),
            "valeur proche de la liste",
            Some(Code::I113),
        ),
        5 => at(
            "Suivi",
            "Trimestre",
            None,
            Cell::Text("2026-T7".into()),
            "trimestre impossible",
            Some(Code::E111),
        ),
        6 => at(
            "Identité",
            "Population totale",
            Some(0),
            Cell::Text("3 500,5".into()),
            "population décimale",
            Some(Code::E108),
        ),
        _ => at(
            "Suivi",
            "Avancement (%)",
            None,
            Cell::Text("1 200".into()),
            "nombre avec espace (lu, mais hors de 0 à 100)",
            Some(Code::E039),
        ),
    }
}

/// Kinds of mistakes; the last one moves columns.
const KINDS: usize = 9;
const MOVE_COLUMNS: usize = 8;

/// The layout with the Équipements columns in another order (for the «moved columns» mistake).
fn permuted(perm: &[usize]) -> &'static Layout {
    let si = sheet_index(&RETOUR_COMMUNE, "Équipements");
    let mut sheets: Vec<Sheet> = RETOUR_COMMUNE.sheets.to_vec();
    let cols: Vec<_> = perm.iter().map(|i| sheets[si].columns[*i]).collect();
    sheets[si].columns = Box::leak(cols.into_boxed_slice());
    Box::leak(Box::new(Layout {
        sheets: Box::leak(sheets.into_boxed_slice()),
        ..RETOUR_COMMUNE
    }))
}

/// Generates `n` returns; `rate` is the share of returns that get mistakes (1 to 3 each).
pub fn returns(n: usize, seed: u64, rate: f64) -> Result<Vec<Generated>> {
    let mut out = Vec::with_capacity(n);
    returns_into(n, seed, rate, &mut |g| {
        out.push(g);
        Ok(())
    })?;
    Ok(out)
}

/// Same, handing each return to `sink` as soon as it is written (bounded memory).
pub fn returns_into(
    n: usize,
    seed: u64,
    rate: f64,
    sink: &mut dyn FnMut(Generated) -> Result<()>,
) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let settings = FormSettings {
        date: "2026-05-04".parse().expect("date"),
        trimestre: "2026-T2".into(),
        deadline: "30 juin 2026".into(),
        contact: "cooperation@caf.example".into(),
    };
    for c in pick_communes(&mut rng, n) {
        let ctg = filled_ctg(c, &mut rng);
        let file_name = forms::file_name(c.insee, c.nom);
        let sub = forms::subset(&ctg, c.insee, &settings);
        let model = serde_json::to_value(&sub).expect("model serialises");
        let mut data = write::cells_from_model(&RETOUR_COMMUNE, &model);
        let mut injections = Vec::new();
        let mut perm: Option<Vec<usize>> = None;
        if rng.random_bool(rate.clamp(0.0, 1.0)) {
            let mut kinds: Vec<usize> = Vec::new();
            for _ in 0..rng.random_range(1..4) {
                let k = rng.random_range(0..KINDS);
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            if kinds.contains(&MOVE_COLUMNS) {
                let n = RETOUR_COMMUNE.sheets[sheet_index(&RETOUR_COMMUNE, "Équipements")]
                    .columns
                    .len();
                let mut p: Vec<usize> = (0..n).collect();
                p.swap(1, 3);
                perm = Some(p);
                injections.push(Injection {
                    fichier: file_name.clone(),
                    feuille: "Équipements".into(),
                    cellule: "1".into(),
                    erreur: "colonnes déplacées".into(),
                    valeur: String::new(),
                    code_attendu: Some(Code::W106),
                });
            }
            let mut used = Used::new();
            for k in kinds.into_iter().filter(|k| *k != MOVE_COLUMNS) {
                injections.extend(inject(
                    k,
                    &mut data,
                    perm.as_deref(),
                    &mut used,
                    &file_name,
                    &mut rng,
                ));
            }
        }
        let layout = match &perm {
            Some(p) => {
                let si = sheet_index(&RETOUR_COMMUNE, "Équipements");
                for row in data[si].iter_mut() {
                    *row = p.iter().map(|i| row[*i].clone()).collect();
                }
                permuted(p)
            }
            None => &RETOUR_COMMUNE,
        };
        let meta = Meta {
            ctg_id: ctg.convention.id.clone(),
            code: c.insee.into(),
            nom: c.nom.into(),
            generated: settings.date.to_string(),
            debut: "2026-01-01".into(),
            fin: "2030-12-31".into(),
            fiches: ctg
                .fiches
                .iter()
                .map(|f| f.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            ..Default::default()
        };
        let opts = Options {
            meta: Some(&meta),
            protect: false,
            annotations: &[],
        };
        let bytes = write::write_as(layout, &RETOUR_COMMUNE, &data, &opts)?;
        sink(Generated {
            file_name,
            bytes,
            injections,
        })?;
    }
    Ok(())
}
