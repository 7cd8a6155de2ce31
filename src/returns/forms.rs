//! `ctg formulaires`: one return form per commune of the CTG and one for the EPCI,
//! pre-filled with what the CTG already knows about that collectivité.

use chrono::NaiveDate;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{Ctg, Suivi, ValeurIndicateur};
use crate::referentials::{ModeAccueil, Referential, StatutAo};
use crate::workbook::layout::Layout;
use crate::workbook::layouts::{RETOUR_COMMUNE, RETOUR_EPCI};
use crate::workbook::write::{self, Meta, Options};

/// Settings common to every form of a run.
#[derive(Debug, Clone)]
pub struct FormSettings {
    /// Generation date, written in the forms (fixed for reproducible output).
    pub date: NaiveDate,
    /// The quarter the follow-up rows are pre-filled for (`2026-T2`).
    pub trimestre: String,
    pub deadline: String,
    pub contact: String,
}

/// One generated form.
pub struct Form {
    pub file_name: String,
    pub code: String,
    pub nom: String,
    pub layout: &'static Layout,
    pub bytes: Vec<u8>,
}

/// The quarter containing a date, clamped into the CTG period.
pub fn quarter_for(ctg: &Ctg, date: NaiveDate) -> String {
    let p = &ctg.convention.periode;
    let d = match (p.debut, p.fin) {
        (Some(a), _) if date < a => a,
        (_, Some(b)) if date > b => b,
        _ => date,
    };
    crate::fr::Quarter::of(d).to_string()
}

/// A file name from a code and a name: `29058-fouesnant.xlsx`.
pub fn file_name(code: &str, nom: &str) -> String {
    let slug = crate::referentials::normalize(nom).replace(' ', "-");
    format!("{code}-{slug}.xlsx")
}

fn meta(ctg: &Ctg, code: &str, nom: &str, s: &FormSettings) -> Meta {
    Meta {
        ctg_id: ctg.convention.id.clone(),
        titre: ctg.convention.titre.clone(),
        code: code.into(),
        nom: nom.into(),
        generated: s.date.to_string(),
        deadline: s.deadline.clone(),
        contact: s.contact.clone(),
        debut: ctg
            .convention
            .periode
            .debut
            .map(|d| d.to_string())
            .unwrap_or_default(),
        fin: ctg
            .convention
            .periode
            .fin
            .map(|d| d.to_string())
            .unwrap_or_default(),
        fiches: ctg
            .fiches
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        ..Default::default()
    }
}

/// The part of the CTG a collectivité fills: its identity, équipements, projections and
/// the follow-up of the fiches it pilots or joins.
pub fn subset(ctg: &Ctg, code: &str, s: &FormSettings) -> Ctg {
    let mut sub = Ctg::empty();
    sub.convention.id = ctg.convention.id.clone();
    sub.convention.periode = ctg.convention.periode.clone();
    if let Some(e) = &ctg.territoire.epci
        && e.siren == code
    {
        sub.territoire.epci = Some(e.clone());
        sub.territoire.communes = ctg.territoire.communes.clone();
    } else if let Some(c) = ctg.commune(code) {
        sub.territoire.communes = vec![c.clone()];
    }
    sub.equipements = ctg
        .equipements
        .iter()
        .filter(|e| e.collectivite == code)
        .cloned()
        .collect();
    sub.projections = ctg
        .projections
        .iter()
        .filter(|p| p.ao == code)
        .cloned()
        .collect();
    let plans = sub
        .territoire
        .communes
        .iter()
        .any(|c| c.insee == code && c.competences.planification == StatutAo::Exercee);
    if sub.projections.is_empty() && plans {
        sub.projections.push(empty_projection(code));
    }
    for f in ctg
        .fiches
        .iter()
        .filter(|f| f.collectivites.iter().any(|c| c == code))
    {
        let existing = ctg
            .suivi
            .iter()
            .find(|x| x.fiche == f.id && x.trimestre == s.trimestre && x.collectivite == code);
        // A new quarter starts from the last state reported (a fiche «En cours, 20 %» is not
        // pre-filled «Non démarrée»: a partner who leaves the row as it is reports no change).
        let last = ctg
            .suivi
            .iter()
            .filter(|x| x.fiche == f.id && x.collectivite == code && x.trimestre < s.trimestre)
            .max_by(|a, b| a.trimestre.cmp(&b.trimestre));
        sub.suivi.push(existing.cloned().unwrap_or_else(|| {
            Suivi {
                fiche: f.id.clone(),
                trimestre: s.trimestre.clone(),
                collectivite: code.into(),
                etat: last.map(|x| x.etat).unwrap_or_default(),
                avancement: last.and_then(|x| x.avancement),
                indicateurs: f
                    .indicateurs
                    .iter()
                    .map(|i| ValeurIndicateur {
                        libelle: i.libelle.clone(),
                        valeur: None,
                    })
                    .collect(),
                ..Default::default()
            }
        }));
    }
    sub
}

/// A projection table with one line per mode d'accueil and no figure yet.
fn empty_projection(code: &str) -> crate::model::Projection {
    crate::model::Projection {
        ao: code.into(),
        zone: String::new(),
        lignes: ModeAccueil::all()
            .iter()
            .map(|m| crate::model::LigneProjection {
                mode: *m,
                ..Default::default()
            })
            .collect(),
    }
}

/// Writes the form of one collectivité.
pub fn form(ctg: &Ctg, code: &str, s: &FormSettings) -> Result<Form> {
    let is_epci = ctg
        .territoire
        .epci
        .as_ref()
        .is_some_and(|e| e.siren == code);
    let nom = ctg
        .collectivite_nom(code)
        .ok_or_else(|| Error::Invalid(format!("{code} n'est ni une commune ni l'EPCI de la CTG")))?
        .to_string();
    let layout = if is_epci {
        &RETOUR_EPCI
    } else {
        &RETOUR_COMMUNE
    };
    let sub = subset(ctg, code, s);
    let model: Value = serde_json::to_value(&sub).map_err(|e| Error::Invalid(e.to_string()))?;
    let data = write::cells_from_model(layout, &model);
    let m = meta(ctg, code, &nom, s);
    let bytes = write::write(
        layout,
        &data,
        &Options {
            meta: Some(&m),
            protect: true,
            annotations: &[],
        },
    )?;
    Ok(Form {
        file_name: file_name(code, &nom),
        code: code.into(),
        nom,
        layout,
        bytes,
    })
}

/// Every form of a CTG: the communes in INSEE order, then the EPCI.
pub fn all_forms(ctg: &Ctg, s: &FormSettings) -> Result<Vec<Form>> {
    let mut codes: Vec<String> = ctg
        .territoire
        .communes
        .iter()
        .map(|c| c.insee.clone())
        .collect();
    codes.sort();
    if let Some(e) = &ctg.territoire.epci {
        codes.push(e.siren.clone());
    }
    codes.iter().map(|c| form(ctg, c, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FormSettings {
        FormSettings {
            date: "2026-05-04".parse().unwrap(),
            trimestre: "2026-T2".into(),
            deadline: "30 juin 2026".into(),
            contact: "ctg@caf.example".into(),
        }
    }

    fn sample() -> Ctg {
        crate::io::parse_model(
            include_str!("../../samples/ctg-pays-fouesnantais.json"),
            "s",
        )
        .unwrap()
    }

    #[test]
    fn subset_holds_what_the_commune_fills() {
        let ctg = sample();
        let sub = subset(&ctg, "29058", &settings());
        assert_eq!(sub.territoire.communes.len(), 1);
        assert!(
            sub.equipements.iter().all(|e| e.collectivite == "29058")
                && !sub.equipements.is_empty()
        );
        assert_eq!(sub.projections[0].ao, "29058");
        assert!(
            sub.suivi
                .iter()
                .any(|s| s.fiche == "1.1" && s.trimestre == "2026-T2")
        );
    }

    #[test]
    fn one_form_per_commune_and_one_for_the_epci() {
        let forms = all_forms(&sample(), &settings()).unwrap();
        assert_eq!(forms.len(), 8);
        assert_eq!(forms[0].file_name, "29006-benodet.xlsx");
        assert_eq!(forms[7].layout.kind, "retour-epci");
    }

    #[test]
    fn quarter_is_clamped_to_the_period() {
        let ctg = sample();
        assert_eq!(quarter_for(&ctg, "2025-06-01".parse().unwrap()), "2026-T1");
        assert_eq!(quarter_for(&ctg, "2027-08-15".parse().unwrap()), "2027-T3");
        assert_eq!(quarter_for(&ctg, "2035-01-01".parse().unwrap()), "2030-T4");
    }
}
