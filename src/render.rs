//! Human renderings of reports for the terminal. The library builds strings; the binary
//! prints them.

use serde::Serialize;

use crate::ao::{self, Basis};
use crate::diagnostic::{Diagnostic, Severity};
use crate::referentials::{CompetenceAo, Referential};
use crate::rules::Report;
use crate::territory::{CommuneRef, EpciRef, Found, referentiel};

/// French section name of a diagnostic, from its pointer or sheet.
fn section(d: &Diagnostic) -> String {
    if let Some(s) = &d.location.sheet {
        return format!("Feuille « {s} »");
    }
    let first = d
        .location
        .pointer
        .as_deref()
        .unwrap_or("")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    match first {
        "convention" => "Convention",
        "territoire" => "Territoire et compétences d'AO",
        "diagnostic" => "Annexe 1 – Diagnostic",
        "equipements" => "Annexe 2 – Équipements",
        "axes" | "fiches" => "Annexe 3 – Plan d'actions",
        "projections" => "Annexe 3 – Projections petite enfance",
        "pilotage" => "Annexe 4 – Pilotage",
        "suivi" => "Suivi",
        _ => "Fichier",
    }
    .to_string()
}

use crate::fr::plural;

/// Diagnostics grouped by section, then the counts line.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current = String::new();
    for d in diags {
        let s = section(d);
        if s != current {
            out.push_str(&format!("\n{s}\n"));
            current = s;
        }
        let mark = match d.severity {
            Severity::Error => "✗",
            Severity::Warning => "!",
            Severity::Info => "i",
        };
        out.push_str(&format!(
            "  {mark} {} [{}] {}\n",
            d.code,
            d.severity.label(),
            d.location
        ));
        out.push_str(&format!("      {}", d.message));
        if let Some(v) = &d.value {
            out.push_str(&format!(" (valeur : « {v} »)"));
        }
        out.push('\n');
    }
    out
}

pub fn counts_line(errors: usize, warnings: usize, infos: usize) -> String {
    format!(
        "{}, {}, {}",
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements"),
        plural(infos, "info", "infos")
    )
}

/// The whole `verifier` report.
pub fn report_text(name: &str, r: &Report) -> String {
    let s = &r.summary;
    let mut out = format!("Vérification de {name}\n");
    out.push_str(&format!(
        "Base de population : {} ; référentiel : {}\n",
        s.population, s.millesime
    ));
    if r.diagnostics.is_empty() {
        out.push_str("\nAucune anomalie.\n");
    } else {
        out.push_str(&diagnostics_text(&r.diagnostics));
    }
    out.push_str(&format!(
        "\nBilan : {} ({} communes, {} fiches-action)\n",
        counts_line(s.errors, s.warnings, s.infos),
        s.communes,
        s.fiches
    ));
    out
}

/// One commune of `ctg territoire`, with what the law asks of it.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneView {
    pub insee: String,
    pub nom: String,
    pub population_municipale: Option<u32>,
    pub population_totale: Option<u32>,
    pub competences_obligatoires: Vec<&'static str>,
    pub rpe_obligatoire: bool,
    pub schema_obligatoire: bool,
    pub raisons: Vec<String>,
    pub proche_seuil: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EpciView {
    pub siren: String,
    pub nom: String,
    pub nature: String,
    pub population_municipale: Option<u32>,
    pub population_totale: Option<u32>,
}

/// `ctg territoire` output: an EPCI (if any) and its communes.
#[derive(Debug, Clone, Serialize)]
pub struct TerritoireView {
    pub millesime: &'static str,
    pub base_population: &'static str,
    pub epci: Option<EpciView>,
    pub communes: Vec<CommuneView>,
}

fn commune_view(c: &CommuneRef, basis: Basis) -> CommuneView {
    let p = match basis {
        Basis::Totale => c.population_totale.or(c.population_municipale),
        Basis::Municipale => c.population_municipale,
    };
    let o = ao::obligations(p);
    CommuneView {
        insee: c.insee.into(),
        nom: c.nom.into(),
        population_municipale: c.population_municipale,
        population_totale: c.population_totale,
        competences_obligatoires: o.mandatory.iter().map(|c| c.code()).collect(),
        rpe_obligatoire: o.rpe,
        schema_obligatoire: o.schema,
        raisons: o.reasons,
        proche_seuil: p.and_then(ao::near_threshold),
    }
}

fn epci_view(e: &EpciRef) -> EpciView {
    EpciView {
        siren: e.siren.into(),
        nom: e.nom.into(),
        nature: e.kind.into(),
        population_municipale: e.population_municipale,
        population_totale: e.population_totale,
    }
}

/// Resolves a query to the territory to show; several hits give the list of candidates.
pub fn territoire(query: &str, basis: Basis) -> Result<TerritoireView, String> {
    let r = referentiel();
    let hits = r.search(query);
    let view = |epci: Option<&EpciRef>, communes: Vec<&CommuneRef>| TerritoireView {
        millesime: r.millesime,
        base_population: basis.label(),
        epci: epci.map(epci_view),
        communes: communes
            .into_iter()
            .map(|c| commune_view(c, basis))
            .collect(),
    };
    match hits.as_slice() {
        [] => Err(format!(
            "aucun EPCI ni aucune commune ne correspond à « {query} » ({})",
            r.millesime
        )),
        [Found::Epci(e)] => Ok(view(Some(e), r.membres(e.siren))),
        [Found::Commune(c)] => Ok(view(r.epci(c.epci), vec![c])),
        many => {
            let mut list: Vec<String> = many
                .iter()
                .take(20)
                .map(|h| match h {
                    Found::Epci(e) => format!("  EPCI {} {}", e.siren, e.nom),
                    Found::Commune(c) => {
                        format!("  commune {} {} ({})", c.insee, c.nom, c.departement)
                    }
                })
                .collect();
            if many.len() > 20 {
                list.push(format!("  … et {} autres", many.len() - 20));
            }
            Err(format!(
                "« {query} » désigne plusieurs territoires ; précisez le code :\n{}",
                list.join("\n")
            ))
        }
    }
}

fn pop(p: Option<u32>) -> String {
    p.map(|p| crate::fr::int(p as u64))
        .unwrap_or_else(|| "—".into())
}

pub fn territoire_text(v: &TerritoireView) -> String {
    let mut out = String::new();
    if let Some(e) = &v.epci {
        out.push_str(&format!(
            "{} ({}, SIREN {}) : {} habitants (population totale), {} (municipale), {} communes\n",
            e.nom,
            e.nature,
            e.siren,
            pop(e.population_totale),
            pop(e.population_municipale),
            v.communes.len()
        ));
    }
    out.push_str(&format!(
        "Seuils appliqués à la {} ; référentiel {}\n\n",
        v.base_population, v.millesime
    ));
    out.push_str(&format!(
        "{:<7} {:<28} {:>10} {:>10}  {}\n",
        "INSEE", "Commune", "Pop. tot.", "Pop. mun.", "Compétences d'AO obligatoires"
    ));
    for c in &v.communes {
        let comps: Vec<&str> = c
            .competences_obligatoires
            .iter()
            .filter_map(|code| CompetenceAo::from_code(code))
            .map(|c| c.short())
            .collect();
        let mut line = comps.join(", ");
        if c.rpe_obligatoire {
            line.push_str(" + RPE et schéma pluriannuel");
        }
        out.push_str(&format!(
            "{:<7} {:<28} {:>10} {:>10}  {}\n",
            c.insee,
            c.nom,
            pop(c.population_totale),
            pop(c.population_municipale),
            line
        ));
        for r in &c.raisons {
            out.push_str(&format!("{:>8}· {r}\n", ""));
        }
        if let Some(t) = c.proche_seuil {
            out.push_str(&format!(
                "{:>8}· attention : à moins de 2 % du seuil de {} habitants\n",
                "",
                crate::fr::int(t as u64)
            ));
        }
    }
    out
}
