//! The «territoire» view: an EPCI or a commune of the referential, its populations and
//! what the AO law asks of each commune; as data (JSON) and as terminal text.

use serde::Serialize;

use super::{CommuneRef, EpciRef, Found, referentiel};
use crate::ao::{self, Basis};
use crate::referentials::{CompetenceAo, Referential};

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
            "{} ({}, SIREN {}) : {} habitants (population totale), {} (municipale), {}\n",
            e.nom,
            e.nature,
            e.siren,
            pop(e.population_totale),
            pop(e.population_municipale),
            // Its members, even when only one commune is shown (a search by commune).
            crate::fr::plural(
                super::referentiel()
                    .membres(&e.siren)
                    .len()
                    .max(v.communes.len()),
                "commune",
                "communes"
            )
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
