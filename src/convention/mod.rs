//! `ctg convention`: the convention ready for signature, as a DOCX, from the model and the
//! editable text template. The template holds the wording; this module lays out the parts
//! that come from data (parties, visas, signatures, annexes).

pub mod pdf;
pub mod template;

use std::collections::BTreeMap;

use chrono::Datelike;

use self::template::{Piece, Var};
use crate::ao;
use crate::docx::write::{Cell, Doc, Image, Orientation, Properties};
use crate::error::{Error, Result};
use crate::fr::{self, date as fr_date};
use crate::model::{Ctg, FicheAction, Signataire};
use crate::referentials::{
    CompetenceAo, Disposition, ObjectifCaf, Referential, SignataireKind, StatutAo,
};

/// The template shipped with ctg.
pub const DEFAULT_TEXT: &str = include_str!("../../templates/convention.txt");

const BLOCKS: &[&str] = &[
    "parties",
    "visas",
    "preambule",
    "objectifs_caf",
    "competences_ao",
    "enjeux",
    "objectifs_partages",
    "signatures",
    "annexes",
];

pub struct Options<'a> {
    pub text: &'a str,
    pub logos: Vec<(String, Vec<u8>)>,
    /// ISO date-time written in the document properties (fixed: reproducible output).
    pub date: String,
    /// Page of each Sommaire entry, from a first rendering ([`pdf::heading_pages`]); empty
    /// when unknown (the Sommaire then lists the entries without numbers).
    pub toc_pages: Vec<u32>,
}

/// The date written in the document's properties: the one asked for, else the signature
/// date, else the start of the period (never the clock: the same CTG gives the same file).
pub fn document_date(ctg: &Ctg, asked: Option<chrono::NaiveDate>) -> String {
    asked
        .or(ctg.convention.signature.date)
        .or(ctg.convention.periode.debut)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "2000-01-01T00:00:00Z".into())
}

fn need<'a>(v: &'a str, what: &str, missing: &mut Vec<String>) -> &'a str {
    if v.trim().is_empty() {
        missing.push(what.to_string());
    }
    v
}

fn territoire_nom(ctg: &Ctg) -> String {
    ctg.territoire
        .epci
        .as_ref()
        .map(|e| e.nom.clone())
        .or_else(|| ctg.territoire.communes.first().map(|c| c.nom.clone()))
        .unwrap_or_default()
}

/// «de la communauté de communes du Pays Fouesnantais», «de la commune d'Ergué-Gabéric».
fn territoire_de(ctg: &Ctg) -> String {
    match (&ctg.territoire.epci, ctg.territoire.communes.first()) {
        (Some(e), _) => fr::NounPhrase::new(
            fr::Nature::Epci(
                crate::territory::referentiel()
                    .epci(&e.siren)
                    .map_or("CC", |r| r.kind),
            ),
            &e.nom,
        )
        .of(),
        (None, Some(c)) => fr::NounPhrase::new(fr::Nature::Commune, &c.nom).of(),
        _ => String::new(),
    }
}

/// The values the template may use.
pub fn variables(ctg: &Ctg) -> BTreeMap<String, Var> {
    let c = &ctg.convention;
    let t = |s: &str| Var::Text(s.to_string());
    let d = |x: Option<chrono::NaiveDate>| Var::Text(x.map(fr_date).unwrap_or_default());
    let mut v = BTreeMap::new();
    v.insert("caf.nom".into(), t(&c.caf.nom));
    v.insert("caf.departement".into(), t(&c.caf.departement));
    v.insert("caf.president".into(), t(&c.caf.president));
    v.insert("caf.directeur".into(), t(&c.caf.directeur));
    v.insert("convention.titre".into(), t(&c.titre));
    v.insert("territoire.nom".into(), t(&territoire_nom(ctg)));
    v.insert("territoire.de".into(), t(&territoire_de(ctg)));
    let names: Vec<String> = c
        .signataires
        .iter()
        .filter(|s| s.kind != SignataireKind::Partenaire)
        .map(the)
        .collect();
    v.insert("collectivites".into(), t(&join_fr(&names)));
    v.insert("periode.debut".into(), d(c.periode.debut));
    v.insert("periode.fin".into(), d(c.periode.fin));
    let texte = match (c.periode.debut, c.periode.fin) {
        (Some(a), Some(b)) => format!("du {} au {}", fr_date(a), fr_date(b)),
        _ => String::new(),
    };
    v.insert("periode.texte".into(), t(&texte));
    v.insert(
        "periode.annee_debut".into(),
        t(&c.periode
            .debut
            .map(|x| x.year().to_string())
            .unwrap_or_default()),
    );
    v.insert(
        "periode.annee_fin".into(),
        t(&c.periode
            .fin
            .map(|x| x.year().to_string())
            .unwrap_or_default()),
    );
    v.insert("signature.lieu".into(), t(&c.signature.lieu));
    v.insert("signature.date".into(), d(c.signature.date));
    v.insert(
        "comite_pilotage".into(),
        t(c.options.comite_pilotage.code()),
    );
    v.insert("secretariat".into(), t(c.options.secretariat.code()));
    v.insert(
        "suivi_numerique".into(),
        Var::Flag(c.options.suivi_numerique),
    );
    v
}

fn join_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

/// The whole document.
pub fn build(ctg: &Ctg, opts: &Options) -> Result<Vec<u8>> {
    build_with_entries(ctg, opts).map(|(b, _)| b)
}

/// [`build`], and the Sommaire's entries in order (to find their pages in a rendering).
pub fn build_with_entries(ctg: &Ctg, opts: &Options) -> Result<(Vec<u8>, Vec<String>)> {
    let vars = variables(ctg);
    let pieces =
        template::render(opts.text, &vars, BLOCKS).map_err(|e| Error::Invalid(e.to_string()))?;
    let mut missing = Vec::new();
    let c = &ctg.convention;
    need(&c.caf.nom, "le nom de la Caf", &mut missing);
    for s in &c.signataires {
        need(
            &s.representant,
            &format!("le représentant de {}", s.nom),
            &mut missing,
        );
    }
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "la CTG ne renseigne pas : {}",
            missing.join(", ")
        )));
    }
    let mut d = Doc::new();
    title_page(&mut d, ctg, opts)?;
    d.toc_here();
    d.page_break();
    for p in pieces {
        match p {
            Piece::Heading(l, t) => d.heading(l, &t),
            Piece::Para(t) => d.para(&t),
            Piece::Bullet(t) => d.bullet(&t),
            Piece::Block(b) => block(&mut d, ctg, &b),
        }
    }
    let props = Properties {
        title: c.titre.clone(),
        subject: format!("Convention territoriale globale — {}", territoire_nom(ctg)),
        author: c.caf.nom.clone(),
        date: opts.date.clone(),
    };
    let entries = d.toc_entries();
    if opts.toc_pages.len() == entries.len() {
        d.set_toc_pages(&opts.toc_pages);
    }
    Ok((d.finish(&props)?, entries))
}

fn title_page(d: &mut Doc, ctg: &Ctg, opts: &Options) -> Result<()> {
    let mut logos = Vec::new();
    for (i, (name, bytes)) in opts.logos.iter().enumerate() {
        let (w, h) = crate::docx::write::image_size(bytes).ok_or_else(|| {
            Error::Invalid(format!(
                "logo {name} : seules les images PNG et JPEG sont acceptées"
            ))
        })?;
        // 4 cm wide at most, ratio kept (EMU: 360 000 per cm).
        let cx = 4 * 360_000u64;
        let cy = cx * h.max(1) as u64 / w.max(1) as u64;
        let ext = if bytes.starts_with(&[0xFF, 0xD8]) {
            "jpg"
        } else {
            "png"
        };
        logos.push(Image {
            name: format!("logo{}.{ext}", i + 1),
            bytes: bytes.clone(),
            cx,
            cy,
        });
    }
    // The partners' logos side by side, not stacked.
    d.images_row(logos);
    let c = &ctg.convention;
    d.styled("Title", "Convention territoriale globale");
    d.centered(&territoire_nom(ctg), 32, true);
    if let (Some(a), Some(b)) = (c.periode.debut, c.periode.fin) {
        d.centered(&format!("Du {} au {}", fr_date(a), fr_date(b)), 26, false);
    }
    // «Entre la Caisse d'allocations familiales du Finistère, la communauté de communes du
    // Pays Fouesnantais, la commune de Fouesnant… et la commune de Gouesnach».
    let mut parties = vec![format!("la {}", c.caf.nom)];
    parties.extend(
        c.signataires
            .iter()
            .filter(|s| s.kind != SignataireKind::Partenaire)
            .map(the),
    );
    d.centered(&format!("Entre {}", join_fr(&parties)), 22, false);
    d.page_break();
    Ok(())
}

fn block(d: &mut Doc, ctg: &Ctg, name: &str) {
    match name {
        "parties" => parties(d, ctg),
        "visas" => visas(d, ctg),
        "preambule" => {
            for p in &ctg.convention.preambule {
                d.bold_para(&p.titre);
                for line in p.texte.lines().filter(|l| !l.trim().is_empty()) {
                    d.para(line);
                }
            }
        }
        "objectifs_caf" => {
            for o in ObjectifCaf::all() {
                d.bullet(o.label());
            }
        }
        "competences_ao" => competences_text(d, ctg),
        "enjeux" => {
            for e in &ctg.convention.enjeux {
                d.bullet(e);
            }
        }
        "objectifs_partages" => {
            for o in &ctg.convention.objectifs_partages {
                d.bullet(&format!("{} : {}", o.domaine.short(), o.texte));
            }
        }
        "signatures" => signatures(d, ctg),
        "annexes" => annexes(d, ctg),
        _ => {}
    }
}

/// A signing collectivité as a French noun phrase («la commune de Fouesnant»); a partner
/// keeps its own name.
fn phrase(s: &Signataire) -> Option<fr::NounPhrase> {
    let nature = match s.kind {
        SignataireKind::Commune => fr::Nature::Commune,
        SignataireKind::Epci => fr::Nature::Epci(
            crate::territory::referentiel()
                .epci(&s.code)
                .map_or("CC", |e| e.kind),
        ),
        SignataireKind::Partenaire => return None,
    };
    Some(fr::NounPhrase::new(nature, &s.nom))
}

/// «la commune de Fouesnant», or the partner's name.
fn the(s: &Signataire) -> String {
    phrase(s).map_or_else(|| s.nom.clone(), |p| p.the())
}

/// A délibération's reference as it reads after its date: its number when it has one
/// («(n° 2025-118)»); nothing when it only repeats the kind and the date.
fn reference_note(r: &str) -> String {
    let r = r.trim();
    if let Some(i) = r.find("n°") {
        return format!(" ({})", &r[i..]);
    }
    if r.is_empty() || r.to_lowercase().starts_with("délibération") {
        return String::new();
    }
    format!(" ({r})")
}

fn deliberation_text(s: &Signataire) -> String {
    let organe = match s.kind {
        SignataireKind::Commune => "du conseil municipal",
        SignataireKind::Epci => "du conseil communautaire",
        SignataireKind::Partenaire => "de son instance délibérante",
    };
    let date = s
        .deliberation
        .date
        .map(fr_date)
        .unwrap_or_else(|| "…".into());
    let reference = reference_note(&s.deliberation.reference);
    format!("par délibération {organe} du {date}{reference}")
}

fn parties(d: &mut Doc, ctg: &Ctg) {
    let c = &ctg.convention;
    d.para("Entre :");
    let (pf, df) = (
        fr::feminine_of(&c.caf.president),
        fr::feminine_of(&c.caf.directeur),
    );
    d.bullet(&format!(
        "la {}, représentée par {}, {} de son conseil d'administration, et par {}, {}, dûment {} à signer la présente convention, ci-après dénommée « la Caf » ;",
        c.caf.nom,
        c.caf.president,
        fr::by_gender(pf, "président", "présidente", "président(e)"),
        c.caf.directeur,
        fr::by_gender(df, "son directeur", "sa directrice", "son directeur (sa directrice)"),
        if pf == Some(true) && df == Some(true) { "autorisées" } else { "autorisés" }
    ));
    d.para("et :");
    for s in c
        .signataires
        .iter()
        .filter(|s| s.kind != SignataireKind::Partenaire)
    {
        d.bullet(&format!(
            "{}, représentée par {}, {}, dûment {} à signer la présente convention {} ;",
            the(s),
            s.representant,
            s.qualite.to_lowercase(),
            fr::by_gender(
                fr::feminine_of(&s.representant),
                "autorisé",
                "autorisée",
                "autorisé(e)"
            ),
            deliberation_text(s)
        ));
    }
    let partners: Vec<&Signataire> = c
        .signataires
        .iter()
        .filter(|s| s.kind == SignataireKind::Partenaire)
        .collect();
    if !partners.is_empty() {
        d.para("et les autres partenaires signataires :");
        for s in partners {
            d.bullet(&format!(
                "{}, représenté(e) par {}, {} ;",
                s.nom,
                s.representant,
                s.qualite.to_lowercase()
            ));
        }
    }
}

/// Law references with their exact dates; then one visa per délibération.
pub const VISAS: &[&str] = &[
    "Vu les articles L. 263-1, L. 223-1 et L. 227-1 à L. 227-3 du code de la sécurité sociale ;",
    "Vu le code de l'action sociale et des familles, notamment ses articles L. 214-1-3, L. 214-2 et D. 214-10-1 ;",
    "Vu le code général des collectivités territoriales ;",
    "Vu l'arrêté du 3 octobre 2001 relatif à l'action sociale des caisses d'allocations familiales ;",
    "Vu la loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi ;",
    "Vu le décret n° 2021-1644 du 14 décembre 2021 relatif à la gouvernance des services aux familles et au métier d'assistant maternel ;",
    "Vu le décret n° 2025-253 du 20 mars 2025 relatif au schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant ;",
    "Vu la convention d'objectifs et de gestion arrêtée entre l'État et la Caisse nationale des allocations familiales ;",
];

fn visas(d: &mut Doc, ctg: &Ctg) {
    for v in VISAS {
        d.para(v);
    }
    // The Caf board's délibération on its strategy for renewing CTGs (the model's visa).
    d.para(&format!(
        "Vu la délibération du conseil d'administration de la {} relative à la stratégie pluriannuelle de renouvellement des conventions territoriales globales ;",
        ctg.convention.caf.nom
    ));
    for s in ctg
        .convention
        .signataires
        .iter()
        .filter(|s| s.kind != SignataireKind::Partenaire)
    {
        // «Vu la délibération du conseil municipal de la commune de Fouesnant du 4 décembre
        // 2025 ;» — a reference that only repeats the date is not printed twice.
        let organe = match s.kind {
            SignataireKind::Commune => "du conseil municipal",
            SignataireKind::Epci => "du conseil communautaire",
            SignataireKind::Partenaire => "de l'instance délibérante",
        };
        let of = phrase(s).map_or_else(|| fr::of_place(&s.nom), |p| p.of());
        let date = s
            .deliberation
            .date
            .map(fr_date)
            .unwrap_or_else(|| "…".into());
        let reference = reference_note(&s.deliberation.reference);
        d.para(&format!(
            "Vu la délibération {organe} {of} du {date}{reference} ;"
        ));
    }
}

fn competences_text(d: &mut Doc, ctg: &Ctg) {
    for comp in CompetenceAo::all() {
        let mut own = Vec::new();
        let mut transferred = Vec::new();
        for c in &ctg.territoire.communes {
            match c.competences.get(*comp) {
                StatutAo::Exercee => own.push(c.nom.clone()),
                StatutAo::Transferee => transferred.push(c.nom.clone()),
                StatutAo::NonExercee => {}
            }
        }
        let mut parts = Vec::new();
        if !own.is_empty() {
            parts.push(format!("exercée par {}", communes_phrase(&own)));
        }
        if !transferred.is_empty() {
            let epci = ctg
                .territoire
                .epci
                .as_ref()
                .map_or("à l'EPCI".to_string(), |e| {
                    let kind = crate::territory::referentiel()
                        .epci(&e.siren)
                        .map_or("CC", |r| r.kind);
                    fr::NounPhrase::new(fr::Nature::Epci(kind), &e.nom).to()
                });
            parts.push(format!(
                "transférée {epci} par {}",
                communes_phrase(&transferred)
            ));
        }
        if parts.is_empty() {
            parts.push("non exercée".into());
        }
        d.bullet(&format!("{} : {}.", comp.label(), parts.join(" ; ")));
    }
}

/// «la commune de Fouesnant»; «les communes de Fouesnant, de Bénodet et d'Ergué-Gabéric».
fn communes_phrase(names: &[String]) -> String {
    match names {
        [one] => fr::NounPhrase::new(fr::Nature::Commune, one).the(),
        _ => {
            let each: Vec<String> = names.iter().map(|n| fr::of_place(n)).collect();
            format!("les communes {}", join_fr(&each))
        }
    }
}

/// A representative's office as it heads a signature: «Le maire», «La présidente»; an
/// office of several words is kept as written.
fn qualite_title(q: &str, feminine: Option<bool>) -> String {
    let (masc, fem) = match q.trim().to_lowercase().as_str() {
        "maire" => ("Le maire", "La maire"),
        "président" | "présidente" => ("Le président", "La présidente"),
        "vice-président" | "vice-présidente" => ("Le vice-président", "La vice-présidente"),
        "adjoint" | "adjointe" => ("L'adjoint au maire", "L'adjointe au maire"),
        _ => return q.to_string(),
    };
    fr::by_gender(feminine, masc, fem, masc)
}

fn signatures(d: &mut Doc, ctg: &Ctg) {
    let c = &ctg.convention;
    // «Fait à …» stays on the page of the signatures.
    d.para_kept_with_next(&format!(
        "Fait à {}, le {}.",
        c.signature.lieu,
        c.signature.date.map(fr_date).unwrap_or_else(|| "…".into())
    ));
    d.para_kept_with_next("En autant d'exemplaires originaux que de signataires.");
    let mut cells = vec![
        Cell::lines(vec![
            format!("Pour la {}", c.caf.nom),
            fr::by_gender(
                fr::feminine_of(&c.caf.president),
                "Le président du conseil d'administration",
                "La présidente du conseil d'administration",
                "Le président (la présidente) du conseil d'administration",
            ),
            c.caf.president.clone(),
        ]),
        Cell::lines(vec![
            format!("Pour la {}", c.caf.nom),
            fr::by_gender(
                fr::feminine_of(&c.caf.directeur),
                "Le directeur",
                "La directrice",
                "Le directeur (la directrice)",
            ),
            c.caf.directeur.clone(),
        ]),
    ];
    for s in &c.signataires {
        cells.push(Cell::lines(vec![
            format!("Pour {}", the(s)),
            qualite_title(&s.qualite, fr::feminine_of(&s.representant)),
            s.representant.clone(),
        ]));
    }
    if cells.len() % 2 == 1 {
        cells.push(Cell::text(""));
    }
    let half = d.text_width() / 2;
    let rows: Vec<Vec<Cell>> = cells.chunks(2).map(|p| p.to_vec()).collect();
    // One page for all signatures, with room to sign: 3,5 cm a row (a signature needs 3).
    d.table_with(
        &[half, half],
        &rows,
        &crate::docx::write::TableOptions {
            keep_together: true,
            min_row_height: Some(1985),
            font_size: None,
        },
    );
}

fn annexes(d: &mut Doc, ctg: &Ctg) {
    d.page_break();
    d.heading(1, "Annexe 1 – Diagnostic partagé");
    // The model's hierarchy: «II. Données socio-démographiques…» above «a. Population
    // générale»; a part the diagnostic does not title takes the model's title.
    const PARTS: [(&str, &str); 3] = [
        ("I", "Présentation du territoire"),
        ("II", "Données socio-démographiques sur le territoire"),
        ("III", "Analyses par thématique"),
    ];
    let mut shown: Vec<String> = Vec::new();
    for s in &ctg.diagnostic {
        let code = s.code.trim().trim_end_matches('.');
        let (major, minor) = match code.split_once('.') {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (code, None),
        };
        match minor {
            Some(minor) => {
                if !shown.iter().any(|x| x == major) {
                    let title = ctg
                        .diagnostic
                        .iter()
                        .find(|x| x.code.trim().trim_end_matches('.') == major)
                        .map(|x| x.titre.clone())
                        .or_else(|| {
                            PARTS
                                .iter()
                                .find(|(c, _)| *c == major)
                                .map(|(_, t)| t.to_string())
                        })
                        .unwrap_or_default();
                    d.heading(2, format!("{major}. {title}").trim());
                    shown.push(major.to_string());
                }
                d.heading(3, format!("{minor}. {}", s.titre).trim());
            }
            None if code.is_empty() => d.heading(2, &s.titre),
            None => {
                shown.push(major.to_string());
                d.heading(2, format!("{major}. {}", s.titre).trim());
            }
        }
        for line in s.texte.lines().filter(|l| !l.trim().is_empty()) {
            d.para(line);
        }
    }
    d.page_break();
    d.heading(1, "Annexe 2 – Liste des équipements et services soutenus par la collectivité locale compétente");
    let mut codes: Vec<String> = Vec::new();
    for s in &ctg.convention.signataires {
        if !s.code.is_empty() && !codes.contains(&s.code) {
            codes.push(s.code.clone());
        }
    }
    for e in &ctg.equipements {
        if !codes.contains(&e.collectivite) {
            codes.push(e.collectivite.clone());
        }
    }
    let w = d.text_width();
    for code in codes {
        let list: Vec<_> = ctg
            .equipements
            .iter()
            .filter(|e| e.collectivite == code)
            .collect();
        // One list per signing collectivité, under the name the parties give it.
        let signer = ctg.convention.signataires.iter().find(|s| s.code == code);
        let title = match signer.and_then(phrase) {
            Some(p) => p.the_capitalised(),
            None => ctg.collectivite_nom(&code).unwrap_or(&code).to_string(),
        };
        d.heading(2, &title);
        if list.is_empty() {
            d.para("Aucun équipement déclaré.");
            continue;
        }
        let mut rows = vec![vec![
            Cell::head("Type de structure"),
            Cell::head("Nom et adresse de la structure"),
        ]];
        for e in list {
            let t = if e.libelle_autre.is_empty() {
                e.type_structure.label().to_string()
            } else {
                format!("{} : {}", e.type_structure.label(), e.libelle_autre)
            };
            rows.push(vec![
                Cell::text(t),
                Cell::lines(
                    vec![e.nom.clone(), e.adresse.clone()]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect(),
                ),
            ]);
        }
        d.table(&[w * 2 / 5, w * 3 / 5], &rows);
    }
    d.page_break();
    let (y0, y1) = (
        ctg.convention.periode.debut.map(|x| x.year()).unwrap_or(0),
        ctg.convention.periode.fin.map(|x| x.year()).unwrap_or(0),
    );
    d.heading(1, &format!("Annexe 3 – Plan d'actions {y0}-{y1}"));
    competence_table(d, ctg);
    for axe in &ctg.axes {
        let fiches: Vec<&FicheAction> = ctg.fiches.iter().filter(|f| f.axe == axe.id).collect();
        if fiches.is_empty() {
            continue;
        }
        let n = axe.id.trim_start_matches("axe-");
        d.heading(2, &format!("Axe {n} : {}", axe.titre));
        for f in fiches {
            fiche(d, ctg, f);
        }
    }
    projections(d, ctg);
    d.heading(1, "Annexe 4 – Pilotage");
    for i in &ctg.pilotage {
        d.heading(2, &i.nom);
        for (label, v) in [
            ("Composition", &i.composition),
            ("Fréquence", &i.frequence),
            ("Rôle", &i.role),
        ] {
            if !v.is_empty() {
                d.para(&format!("{label} : {v}"));
            }
        }
    }
    d.heading(1, "Annexe 5 – Délibérations");
    for s in ctg
        .convention
        .signataires
        .iter()
        .filter(|s| s.kind != SignataireKind::Partenaire)
    {
        d.bullet(&format!(
            "{} : délibération {}",
            s.nom,
            deliberation_text(s).trim_start_matches("par délibération ")
        ));
    }
}

fn competence_table(d: &mut Doc, ctg: &Ctg) {
    // A wide table: on a landscape page, so that no header breaks mid-word.
    d.section(Orientation::Landscape);
    d.heading(
        2,
        "Compétences des autorités organisatrices de l'accueil du jeune enfant",
    );
    let w = d.text_width();
    let first = w * 22 / 100;
    let pop = w * 10 / 100;
    let rest = (w - first - pop) / 4;
    let mut rows = vec![{
        let mut h = vec![Cell::head("Commune"), Cell::head("Habitants")];
        h.extend(CompetenceAo::all().iter().map(|c| Cell::head(c.short())));
        h
    }];
    let mut transferred: Vec<(u64, usize)> = vec![(0, 0); 4];
    // Only communes that exercise or transfer a competence.
    for c in ctg.territoire.communes.iter().filter(|c| {
        CompetenceAo::all()
            .iter()
            .any(|k| c.competences.get(*k) != StatutAo::NonExercee)
    }) {
        let p = ao::population(c, ao::Basis::Totale);
        let mandatory = ao::obligations(p).mandatory;
        let mut row = vec![
            Cell::text(&c.nom),
            Cell::text(p.map(|p| fr::int(p as u64)).unwrap_or_default()),
        ];
        for (k, comp) in CompetenceAo::all().iter().enumerate() {
            let s = c.competences.get(*comp);
            // Below the thresholds the law sets, a competence is exercised by choice.
            let exercised = if mandatory.contains(comp) {
                "Exercée par la commune"
            } else {
                "Exercée à titre facultatif par la commune"
            };
            let mark = |on: bool| if on { "☒" } else { "☐" };
            row.push(Cell::lines(vec![
                format!("{} {exercised}", mark(s == StatutAo::Exercee)),
                format!(
                    "{} Transférée par la commune à l'EPCI",
                    mark(s == StatutAo::Transferee)
                ),
            ]));
            if s == StatutAo::Transferee {
                transferred[k].0 += p.unwrap_or(0) as u64;
                transferred[k].1 += 1;
            }
        }
        rows.push(row);
    }
    if let Some(e) = &ctg.territoire.epci {
        let n = ctg.territoire.communes.len();
        let mut row = vec![Cell::label(&e.nom), Cell::text("")];
        for (pop, count) in &transferred {
            let all = *count == n && n > 0;
            row.push(Cell::lines(vec![
                format!(
                    "{} Transférée par l'ensemble des communes",
                    if all { "☒" } else { "☐" }
                ),
                format!(
                    "{} Transférée par certaines communes",
                    if *count > 0 && !all { "☒" } else { "☐" }
                ),
                if *count > 0 {
                    format!(
                        "Population totale des communes ayant transféré : {} habitants",
                        fr::int(*pop)
                    )
                } else {
                    "Aucune commune n'a transféré cette compétence".into()
                },
            ]));
        }
        rows.push(row);
    }
    d.table(&[first, pop, rest, rest, rest, rest], &rows);
    d.section(Orientation::Portrait);
}

fn labelled(label: &str, values: Vec<String>) -> Cell {
    let mut p = vec![label.to_string()];
    p.extend(values.into_iter().filter(|v| !v.trim().is_empty()));
    let mut c = Cell::lines(p);
    c.shade = None;
    c
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// «2027-2028 : …»; an open end reads «À partir de 2029 : …» (and reads back the same).
fn echeance_text(e: &crate::model::Echeance) -> String {
    match (e.debut, e.fin) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b} : {}", e.jalon),
        (Some(a), Some(_)) => format!("{a} : {}", e.jalon),
        (Some(a), None) => format!("À partir de {a} : {}", e.jalon),
        (None, Some(b)) => format!("Jusqu'en {b} : {}", e.jalon),
        (None, None) => e.jalon.clone(),
    }
}

/// «Places agréées (valeur initiale : 30 places ; cible : 42 places)».
fn indicator_text(i: &crate::model::Indicateur) -> String {
    let with_unit = |v: f64| {
        format!("{} {}", fr::plain(v), i.unite)
            .trim_end()
            .to_string()
    };
    let mut parts = Vec::new();
    if let Some(v) = i.valeur_initiale {
        parts.push(format!("valeur initiale : {}", with_unit(v)));
    }
    if let Some(c) = i.cible {
        parts.push(format!("cible : {}", with_unit(c)));
    }
    if parts.is_empty() {
        i.libelle.clone()
    } else {
        format!("{} ({})", i.libelle, parts.join(" ; "))
    }
}

fn fiche(d: &mut Doc, ctg: &Ctg, f: &FicheAction) {
    d.heading(3, &format!("Action {} : {}", f.id, f.titre));
    // Names, not codes: «Fouesnant», not «29058».
    let name = |code: &str| ctg.collectivite_nom(code).unwrap_or(code).to_string();
    let collectivites: Vec<String> = f.collectivites.iter().map(|c| name(c)).collect();
    let w = d.text_width();
    let (a, b) = (w * 3 / 10, w * 7 / 10);
    match f.disposition {
        Disposition::PointsForts => {
            d.table(
                &[w / 2, w / 2],
                &[
                    vec![Cell::head("Points forts"), Cell::head("Points faibles")],
                    vec![
                        Cell::lines(f.points_forts.clone()),
                        Cell::lines(f.points_faibles.clone()),
                    ],
                ],
            );
            let mut rows = Vec::new();
            let mut row = |label: &str, values: Vec<String>| {
                if !values.is_empty() {
                    rows.push(vec![Cell::label(label), Cell::lines(values)]);
                }
            };
            row("Description de l'action", lines(&f.description));
            row("Pilote du projet", vec![f.pilote.clone()]);
            row("Diagnostic initial", lines(&f.diagnostic_initial));
            row("Public cible", lines(&f.public_cible));
            row("Objectifs opérationnels", f.objectifs_operationnels.clone());
            row("Modalités de mise en œuvre", lines(&f.modalites));
            row(
                "Principaux outils/dispositifs mobilisables",
                f.outils.clone(),
            );
            row(
                "Services mobilisés et responsables de l'action",
                f.services_mobilises.clone(),
            );
            row("Principaux acteurs concernés", f.partenaires.clone());
            row("Résultats attendus", f.resultats_attendus.clone());
            row(
                "Suivi/indicateurs d'évaluation",
                f.indicateurs.iter().map(indicator_text).collect(),
            );
            for s in &f.specificites {
                row(
                    &format!(
                        "Spécificités par autorité organisatrice signataire ({})",
                        name(&s.ao)
                    ),
                    vec![s.texte.clone()],
                );
            }
            row("Collectivités concernées", collectivites.clone());
            for x in &f.autres {
                row(&x.libelle, lines(&x.texte));
            }
            // The échéancier label spans one row per entry.
            for (i, e) in f.echeancier.iter().enumerate() {
                let mut label = Cell::label("Échéancier");
                label.vmerge = Some(i == 0);
                if i > 0 {
                    label.paragraphs = vec![String::new()];
                }
                rows.push(vec![label, Cell::text(echeance_text(e))]);
            }
            d.table(&[a, b], &rows);
        }
        Disposition::ModeleCaf => {
            let half = w / 2;
            let mut rows = vec![vec![
                labelled("Pilote de l'action :", vec![f.pilote.clone()]).span(2),
            ]];
            if !f.description.is_empty() {
                rows.push(vec![
                    labelled("Description de l'action :", lines(&f.description)).span(2),
                ]);
            }
            rows.push(vec![
                labelled("Diagnostic initial :", lines(&f.diagnostic_initial)),
                labelled("Public cible :", lines(&f.public_cible)),
            ]);
            let mut objectives = labelled(
                "Objectifs opérationnels :",
                f.objectifs_operationnels.clone(),
            );
            objectives.vmerge = Some(true);
            rows.push(vec![
                objectives,
                labelled("Modalités de mise en œuvre :", lines(&f.modalites)),
            ]);
            rows.push(vec![
                Cell {
                    vmerge: Some(false),
                    ..Cell::text("")
                },
                labelled(
                    "Échéances de réalisation :",
                    f.echeancier.iter().map(echeance_text).collect(),
                ),
            ]);
            rows.push(vec![
                labelled(
                    "Services mobilisés et responsables de l'action :",
                    f.services_mobilises.clone(),
                ),
                labelled("Résultats attendus :", f.resultats_attendus.clone()),
            ]);
            rows.push(vec![
                labelled("Partenaires sollicités :", f.partenaires.clone()),
                labelled(
                    "Indicateurs d'évaluation :",
                    f.indicateurs.iter().map(indicator_text).collect(),
                ),
            ]);
            if !f.outils.is_empty() {
                rows.push(vec![
                    labelled("Outils et dispositifs mobilisables :", f.outils.clone()).span(2),
                ]);
            }
            if !f.points_forts.is_empty() || !f.points_faibles.is_empty() {
                rows.push(vec![
                    labelled("Points forts :", f.points_forts.clone()),
                    labelled("Points faibles :", f.points_faibles.clone()),
                ]);
            }
            if !f.collectivites.is_empty() {
                rows.push(vec![
                    labelled("Collectivités concernées :", collectivites.clone()).span(2),
                ]);
            }
            for x in &f.autres {
                rows.push(vec![
                    labelled(&format!("{} :", x.libelle), lines(&x.texte)).span(2),
                ]);
            }
            let spec: Vec<String> = f
                .specificites
                .iter()
                .map(|s| format!("{} : {}", name(&s.ao), s.texte))
                .collect();
            rows.push(vec![
                labelled("Spécificités par autorité organisatrice signataire :", spec).span(2),
            ]);
            d.table(&[half, w - half], &rows);
        }
    }
}

/// Annexe 3's projection tables, as the model lays them out: grouped headers («Projection sur
/// la durée de la CTG», «Projets d'investissement»), every mode of care (empty where the AO
/// gave nothing), and a table for every AO that plans the offer, even without figures yet.
fn projections(d: &mut Doc, ctg: &Ctg) {
    let mut aos: Vec<(String, String)> = Vec::new();
    for p in &ctg.projections {
        if !aos.iter().any(|(a, z)| *a == p.ao && *z == p.zone) {
            aos.push((p.ao.clone(), p.zone.clone()));
        }
    }
    for h in ao::holders(ctg, CompetenceAo::Planification, ao::Basis::Totale) {
        if !aos.iter().any(|(a, _)| *a == h.code) {
            aos.push((h.code.clone(), String::new()));
        }
    }
    if aos.is_empty() {
        return;
    }
    d.section(Orientation::Landscape);
    let years: Vec<i32> = match (ctg.convention.periode.debut, ctg.convention.periode.fin) {
        (Some(a), Some(b)) => (a.year()..=b.year()).collect(),
        _ => vec![],
    };
    let empty = crate::model::Projection::default();
    for (code, zone) in &aos {
        let p = ctg
            .projections
            .iter()
            .find(|p| p.ao == *code && p.zone == *zone)
            .unwrap_or(&empty);
        let nom = ctg.collectivite_nom(code).unwrap_or(code).to_string();
        let zone_txt = if zone.is_empty() {
            String::new()
        } else {
            format!(" – zone {zone}")
        };
        d.heading(
            2,
            &format!("Projection de l'offre d'accueil du jeune enfant – {nom}{zone_txt}"),
        );
        let w = d.text_width();
        let n = years.len() as u32;
        let (mode_w, now_w, year_w) = (w * 12 / 100, w * 6 / 100, w * 55 / 1000);
        let rest = (w - mode_w - now_w - year_w * n) / 5;
        let mut widths = vec![mode_w, now_w];
        widths.extend(std::iter::repeat_n(year_w, n as usize));
        widths.extend(std::iter::repeat_n(rest, 5));
        let merged = |t: &str| {
            let mut c = Cell::head(t);
            c.vmerge = Some(true);
            c
        };
        let continued = || {
            let mut c = Cell::head("");
            c.vmerge = Some(false);
            c
        };
        let mut top = vec![merged("Mode d'accueil / dispositif"), merged("Actuel")];
        if n > 0 {
            top.push(Cell::head("Projection sur la durée de la CTG").span(n));
        }
        top.push(merged("Besoins en emplois et compétences"));
        top.push(merged("Autres besoins identifiés"));
        top.push(Cell::head("Projets d'investissement").span(3));
        let mut second = vec![continued(), continued()];
        second.extend(years.iter().map(|y| Cell::head(y.to_string())));
        second.push(continued());
        second.push(continued());
        for h in [
            "Type de projet",
            "Coûts et calendrier prévisionnels",
            "Ingénierie et moyens humains",
        ] {
            second.push(Cell::head(h));
        }
        let mut rows = vec![top, second];
        let blank = crate::model::LigneProjection::default();
        for mode in crate::referentials::ModeAccueil::all() {
            let l = p.lignes.iter().find(|l| l.mode == *mode).unwrap_or(&blank);
            let num = |v: Option<f64>| v.map(fr::plain).unwrap_or_default();
            let mut r = vec![
                Cell::text(format!("{} ({})", mode.label(), mode.unite().label())),
                Cell::text(num(l.actuel)),
            ];
            for y in &years {
                r.push(Cell::text(num(l
                    .annees
                    .iter()
                    .find(|a| a.annee == *y)
                    .map(|a| a.valeur))));
            }
            let mut emplois = Vec::new();
            if let Some(v) = l.emplois.etp_vacants {
                emplois.push(format!("{} ETP vacants", num(Some(v))));
            }
            if let Some(v) = l.emplois.etp_a_creer {
                emplois.push(format!("{} ETP à créer", num(Some(v))));
            }
            emplois.extend(lines(&l.emplois.metiers));
            r.push(Cell::lines(emplois));
            r.push(Cell::lines(lines(&l.autres_besoins)));
            r.push(Cell::lines(
                l.investissements
                    .iter()
                    .map(|i| format!("{} : {}", i.type_projet.label(), i.description))
                    .collect(),
            ));
            r.push(Cell::lines(
                l.investissements
                    .iter()
                    .map(|i| {
                        format!(
                            "{}{}",
                            i.cout
                                .map(|c| format!("{} € ; ", fr::int(c as u64)))
                                .unwrap_or_default(),
                            i.calendrier
                        )
                    })
                    .collect(),
            ));
            r.push(Cell::lines(
                l.investissements
                    .iter()
                    .map(|i| i.ingenierie.clone())
                    .collect(),
            ));
            rows.push(r);
        }
        // Dense: 9 pt, so that no header breaks mid-word.
        d.table_with(
            &widths,
            &rows,
            &crate::docx::write::TableOptions {
                font_size: Some(18),
                ..Default::default()
            },
        );
    }
    d.section(Orientation::Portrait);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Ctg {
        crate::io::parse_model(
            include_str!("../../samples/ctg-pays-fouesnantais.json"),
            "s",
        )
        .unwrap()
    }

    fn document_xml(bytes: &[u8]) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s)
            .unwrap();
        // Non-breaking spaces read as spaces: these tests are about words.
        s.replace(['\u{a0}', '\u{202f}'], " ")
    }

    fn opts(text: &str) -> Options<'_> {
        Options {
            text,
            logos: vec![],
            date: "2026-01-01T00:00:00Z".into(),
            toc_pages: Vec::new(),
        }
    }

    #[test]
    fn exactly_the_chosen_options_are_in_the_text() {
        let mut ctg = sample();
        let xml = document_xml(&build(&ctg, &opts(DEFAULT_TEXT)).unwrap());
        assert!(xml.contains("coprésidé par la Caf"));
        assert!(!xml.contains("présidé par la Caf.") && !xml.contains("à tour de rôle"));
        assert!(xml.contains("La collectivité signataire assure le secrétariat"));
        assert!(xml.contains("application numérique de suivi"));
        assert!(xml.contains("du 1er janvier 2026 au 31 décembre 2030"));
        ctg.convention.options.comite_pilotage = crate::referentials::ComitePilotage::PresidenceCaf;
        ctg.convention.options.secretariat = crate::referentials::Secretariat::Caf;
        ctg.convention.options.suivi_numerique = false;
        let xml = document_xml(&build(&ctg, &opts(DEFAULT_TEXT)).unwrap());
        assert!(
            xml.contains("Le comité de pilotage est présidé par la Caf.")
                && !xml.contains("coprésidé")
        );
        assert!(xml.contains("La Caf assure le secrétariat"));
        assert!(!xml.contains("application numérique de suivi"));
    }

    #[test]
    fn the_ao_table_lists_only_communes_holding_a_competence_and_an_honest_epci_row() {
        let mut ctg = sample();
        // Nobody transfers «recensement»; Clohars-Fouesnant holds nothing at all.
        for c in &mut ctg.territoire.communes {
            c.competences.recensement = StatutAo::Exercee;
        }
        let clohars = ctg
            .territoire
            .communes
            .iter_mut()
            .find(|c| c.nom == "Clohars-Fouesnant")
            .unwrap();
        clohars.competences = crate::model::Competences {
            recensement: StatutAo::NonExercee,
            information: StatutAo::NonExercee,
            planification: StatutAo::NonExercee,
            qualite: StatutAo::NonExercee,
        };
        let xml = document_xml(&build(&ctg, &opts(DEFAULT_TEXT)).unwrap());
        let table = xml
            .split("<w:tbl>")
            .find(|t| t.contains("Transférée par la commune"))
            .unwrap();
        assert!(!table.contains("Clohars-Fouesnant"));
        assert!(table.contains("Aucune commune n'a transféré cette compétence"));
        assert!(!table.contains(": 0 habitants"));
    }

    #[test]
    fn plein_emploi_law_is_dated_2023() {
        let xml = document_xml(&build(&sample(), &opts(DEFAULT_TEXT)).unwrap());
        assert!(xml.contains("loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi"));
        assert!(!xml.contains("18 décembre 2024"));
    }

    #[test]
    fn unfillable_placeholder_is_named() {
        let mut ctg = sample();
        ctg.convention.signature.lieu.clear();
        let err = build(&ctg, &opts("Fait à {{signature.lieu}}."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("signature.lieu"), "{err}");
        let err = build(&sample(), &opts("{{caf.telephone}}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("caf.telephone") && err.contains("inconnu"),
            "{err}"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let a = build(&sample(), &opts(DEFAULT_TEXT)).unwrap();
        let b = build(&sample(), &opts(DEFAULT_TEXT)).unwrap();
        assert_eq!(a, b);
    }
}
