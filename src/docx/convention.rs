//! The convention around the plan d'actions: title, parties, préambule parts, Annexe 1
//! sections, period and options read from the articles, «Fait à …, le …», Annexe 4 — and the
//! model convention's own wording (`templates/convention.txt`), which the model regenerates.

use chrono::NaiveDate;
use std::sync::LazyLock;

use super::recognize::Fate;
use crate::model::{
    Ctg, Deliberation, Instance, ObjectifPartage, PartieTexte, SectionDiagnostic, Signataire,
};
use crate::referentials::{
    ComitePilotage, CompetenceAo, InstanceKind, Match, ObjectifCaf, Referential, Secretariat,
    SignataireKind, normalize,
};
use crate::territory::{Found, referentiel};

/// Whitespace as one space (non-breaking and narrow spaces included).
fn ws(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each line of the model text as its literal pieces around `{{variables}}`.
static WORDING: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for line in crate::convention::DEFAULT_TEXT.lines() {
        let l = line.trim();
        if l.is_empty()
            || l.starts_with("#!")
            || l.starts_with("{{@")
            || l.starts_with("{{#")
            || l.starts_with("{{/")
        {
            continue;
        }
        let l = l
            .trim_start_matches('#')
            .trim_start()
            .strip_prefix("- ")
            .unwrap_or(l.trim_start_matches('#').trim_start());
        let mut pieces = Vec::new();
        let mut rest = l;
        while let Some(i) = rest.find("{{") {
            pieces.push(ws(&rest[..i]));
            match rest[i..].find("}}") {
                Some(j) => rest = &rest[i + j + 2..],
                None => {
                    rest = "";
                }
            }
        }
        pieces.push(ws(rest));
        // Conditional markers inside a line are not text.
        let literal: usize = pieces.iter().map(|p| p.len()).sum();
        if literal >= 12 {
            out.push(pieces);
        }
    }
    out
});

/// A paragraph written by the model convention's text (its variables aside).
pub fn is_model_wording(text: &str) -> bool {
    let t = ws(text);
    WORDING.iter().any(|pieces| {
        let first = pieces.first().map_or("", |p| p.as_str());
        let last = pieces.last().map_or("", |p| p.as_str());
        if pieces.len() == 1 {
            return t == first;
        }
        if !t.starts_with(first) || !t.ends_with(last) || t.len() < first.len() + last.len() {
            return false;
        }
        let mut pos = first.len();
        let end = t.len() - last.len();
        for p in &pieces[1..pieces.len() - 1] {
            if p.is_empty() {
                continue;
            }
            match t.get(pos..end).and_then(|s| s.find(p.as_str())) {
                Some(i) => pos += i + p.len(),
                None => return false,
            }
        }
        true
    })
}

/// What a convention written by ctg (or one as thorough) adds around the model's text and
/// that the model regenerates: the table of contents' heading,
/// the law visas, the signature formula, an empty Annexe 2 list. A visa or an Annexe 5 line
/// on a délibération is placed only when the model holds that délibération's date (read from
/// the parties or the signatures), its number («n° 2025-118») kept as the délibération's
/// reference; otherwise it stays listed as not placed.
pub fn generated_wording(ctg: &mut Ctg, text: &str) -> Option<Fate> {
    let t = ws(text);
    let n = normalize(&t);
    if n == "sommaire" || n == "table des matieres" {
        return Some(Fate::Structure);
    }
    if n == "aucun equipement declare"
        || n == "en autant d exemplaires originaux que de signataires"
        || crate::convention::VISAS.iter().any(|v| ws(v) == t)
    {
        return Some(Fate::Label);
    }
    if n.starts_with("vu la deliberation du conseil d administration de la")
        && n.contains("strategie pluriannuelle")
    {
        return Some(Fate::Label);
    }
    if n.contains("deliberation")
        && let [date] = dates_in(&t).as_slice()
    {
        let number = t.find("n°").map(|i| {
            t[i..]
                .split([')', ';'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_end_matches('.')
                .to_string()
        });
        let mut same_day = ctg
            .convention
            .signataires
            .iter_mut()
            .filter(|s| s.deliberation.date == Some(*date));
        let (first, second) = (same_day.next(), same_day.next());
        return match (first, second, number) {
            (Some(_), _, None) => Some(Fate::Label),
            (Some(s), _, Some(r)) if s.deliberation.reference.contains(&r) => Some(Fate::Label),
            (Some(s), None, Some(r)) if s.deliberation.reference.trim().is_empty() => {
                s.deliberation.reference = r;
                Some(Fate::Parsed)
            }
            _ => None,
        };
    }
    None
}

/// The words that join the parties of any convention («Entre :», «et», «Ci-après dénommée
/// « la Caf » ;», «Il est convenu et arrêté ce qui suit :»): no data, regenerated by the model.
pub fn is_party_connective(text: &str) -> bool {
    let n = normalize(text);
    ["entre", "et", "d une part", "d autre part"].contains(&n.as_str())
        || n.starts_with("ci apres denomme")
        || n.starts_with("il est convenu")
        || n.starts_with("il a ete convenu")
        || n.starts_with("les parties conviennent")
        // The Caf model's caption of the AO table.
        || n.starts_with("tableau recapitulatif des competences des autorites organisatrices")
}

/// Every «27 novembre 2025», «1er janvier 2026» of a text, in order.
pub fn dates_in(text: &str) -> Vec<NaiveDate> {
    let n = normalize(text);
    let w: Vec<&str> = n.split(' ').collect();
    let mut out = Vec::new();
    for i in 0..w.len().saturating_sub(2) {
        let day = w[i].strip_suffix("er").unwrap_or(w[i]);
        let (Ok(d), Some(m), Ok(y)) = (
            day.parse::<u32>(),
            (1..=12u32)
                .find(|m| crate::fr::month_name(*m).map(normalize).as_deref() == Some(w[i + 1])),
            w[i + 2].parse::<i32>(),
        ) else {
            continue;
        };
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            out.push(date);
        }
    }
    out
}

/// «M. Bernard Lavergne», «Mme Odile Ribière» in a text, in order.
fn persons(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split([',', ';', '(', ')']) {
        let p = part.trim();
        for civ in ["M. ", "Mme ", "Madame ", "Monsieur ", "Mlle "] {
            if let Some(i) = p.find(civ)
                && (i == 0 || p[..i].ends_with(' '))
            {
                let name = p[i..].trim();
                // Up to the first word that is not a name (lower case after the civility).
                let mut words = Vec::new();
                for (k, w) in name.split(' ').enumerate() {
                    if k > 0 && !w.chars().next().is_some_and(|c| c.is_uppercase()) {
                        break;
                    }
                    words.push(w);
                }
                if words.len() >= 2 {
                    out.push(words.join(" "));
                }
                break;
            }
        }
    }
    out
}

/// A party of the convention: the Caf, or a signing collectivité. `true` when read.
pub fn party(ctg: &mut Ctg, text: &str) -> bool {
    let n = normalize(text);
    if !n.contains("represente") {
        return false;
    }
    let head = text.split(", représenté").next().unwrap_or("").trim();
    let name = head
        .trim_start_matches(['-', '–', '•'])
        .trim()
        .trim_start_matches("La ")
        .trim_start_matches("la ")
        .trim_start_matches("Le ")
        .trim_start_matches("le ")
        .trim()
        .to_string();
    let nn = normalize(&name);
    let people = persons(text);
    if nn.starts_with("caisse d allocations familiales") || nn.starts_with("caf ") {
        let c = &mut ctg.convention.caf;
        c.nom = name;
        if let Some(p) = people.first() {
            c.president = p.clone();
        }
        if let Some(p) = people.get(1) {
            c.directeur = p.clone();
        }
        return true;
    }
    let (kind, nom) = if nn.starts_with("commune ") {
        let bare = name
            .trim_start_matches("commune de ")
            .trim_start_matches("commune d'")
            .trim_start_matches("commune d’")
            .trim_start_matches("Commune de ")
            .trim_start_matches("Commune d'")
            .trim()
            .to_string();
        (SignataireKind::Commune, bare)
    } else if nn.starts_with("communaute")
        || nn.starts_with("metropole")
        || nn.starts_with("syndicat")
    {
        let mut c = name.chars();
        let cap = c
            .next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default();
        (SignataireKind::Epci, cap)
    } else {
        return false;
    };
    let qualite = [
        "maire",
        "presidente",
        "president",
        "vice president",
        "adjoint",
        "adjointe",
    ]
    .iter()
    .find(|q| {
        n.contains(&format!("son {q}"))
            || n.contains(&format!("sa {q}"))
            || n.contains(&format!(" {q} dument"))
            || n.contains(&format!(" {q} "))
    })
    .map(|q| match *q {
        "president" => "président".to_string(),
        "presidente" => "présidente".to_string(),
        "vice president" => "vice-président".to_string(),
        other => other.to_string(),
    })
    .unwrap_or_default();
    let q = nom.replace('’', "'");
    let found = referentiel().search(&q);
    let exact: Vec<String> = found
        .iter()
        .filter_map(|f| match (f, kind) {
            (Found::Commune(c), SignataireKind::Commune) if normalize(c.nom) == normalize(&q) => {
                Some(c.insee.to_string())
            }
            (Found::Epci(e), SignataireKind::Epci) if normalize(e.nom) == normalize(&q) => {
                Some(e.siren.to_string())
            }
            _ => None,
        })
        .collect();
    // A homonym is left without code rather than guessed.
    let code = match exact.as_slice() {
        [one] => one.clone(),
        _ => String::new(),
    };
    let date = text
        .find("délibération")
        .and_then(|i| dates_in(&text[i..]).first().copied());
    if kind == SignataireKind::Epci {
        set_epci(ctg, &nom);
    }
    let new = Signataire {
        kind,
        nom,
        code,
        representant: people.first().cloned().unwrap_or_default(),
        qualite,
        deliberation: Deliberation {
            date,
            reference: String::new(),
        },
    };
    // A party named twice (a cover's sentence, then the parties with their representatives)
    // is one signatory: what the second names completes the first.
    match ctg
        .convention
        .signataires
        .iter_mut()
        .find(|s| s.kind == new.kind && normalize(&s.nom) == normalize(&new.nom))
    {
        Some(s) => {
            for (mine, theirs) in [
                (&mut s.code, new.code),
                (&mut s.representant, new.representant),
                (&mut s.qualite, new.qualite),
            ] {
                if mine.is_empty() {
                    *mine = theirs;
                }
            }
            if s.deliberation.date.is_none() {
                s.deliberation.date = new.deliberation.date;
            }
        }
        None => ctg.convention.signataires.push(new),
    }
    true
}

/// «Entre la Caf du Finistère et la commune d'Ergué-Gabéric.»: the parties in one sentence,
/// as some Cafs open a convention. Read only when every part names a party (Caf, commune,
/// EPCI); their representatives come later, if the document gives them.
pub fn parties_sentence(ctg: &mut Ctg, text: &str) -> bool {
    let t = ws(text);
    let Some(body) = t
        .strip_prefix("Entre ")
        .or_else(|| t.strip_prefix("entre "))
    else {
        return false;
    };
    let body = body.trim_end_matches(['.', ';', ':', ' ']);
    let pieces: Vec<&str> = body
        .split(", ")
        .flat_map(|p| p.split(" et "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let is_party = |p: &str| {
        let n = normalize(p);
        [
            "la caf ",
            "la caisse d allocations familiales",
            "la commune ",
            "la communaute ",
            "la metropole ",
            "le syndicat ",
        ]
        .iter()
        .any(|k| n.starts_with(k))
    };
    if pieces.len() < 2 || !pieces.iter().all(|p| is_party(p)) {
        return false;
    }
    let caf_named = !ctg.convention.caf.nom.trim().is_empty();
    for p in pieces {
        let n = normalize(p);
        let caf = n.starts_with("la caf ") || n.starts_with("la caisse d allocations familiales");
        if caf && caf_named {
            continue;
        }
        party(ctg, &format!("{p}, représentée"));
    }
    true
}

/// «Fait à Bellac, le 20 janvier 2026» → place and date. `true` when read.
pub fn signed_at(ctg: &mut Ctg, text: &str) -> bool {
    let Some(rest) = text.trim().strip_prefix("Fait à ") else {
        return false;
    };
    let lieu = rest.split(',').next().unwrap_or("").trim();
    if lieu.is_empty() {
        return false;
    }
    ctg.convention.signature.lieu = lieu.to_string();
    ctg.convention.signature.date = dates_in(rest).first().copied();
    true
}

/// Data of an article's text: the period, the pilotage options. Does not place the text.
pub fn article_data(ctg: &mut Ctg, text: &str) {
    let n = normalize(text);
    let dates = dates_in(text);
    if ctg.convention.periode.debut.is_none()
        && dates.len() >= 2
        && (n.contains("a compter du")
            || n.contains("pour la periode du")
            || n.contains("conclue")
            || n.starts_with("du "))
    {
        ctg.convention.periode.debut = Some(dates[0]);
        ctg.convention.periode.fin = Some(dates[1]);
    }
    if n.contains("comite de pilotage") {
        if n.contains("copilote") || n.contains("copilotage") || n.contains("copreside") {
            ctg.convention.options.comite_pilotage = ComitePilotage::Copilotage;
        } else if n.contains("alternativement")
            || n.contains("presidence alternee")
            || n.contains("a tour de role")
        {
            ctg.convention.options.comite_pilotage = ComitePilotage::PresidenceAlternee;
        } else if n.contains("preside par la caf") {
            ctg.convention.options.comite_pilotage = ComitePilotage::PresidenceCaf;
        }
    }
    if let Some(i) = n.find("secretariat") {
        let (before, after) = (&n[..i], &n[i..]);
        let collectivite =
            |s: &str| s.contains("collectivite") || s.contains("epci") || s.contains("communaute");
        if collectivite(after) && after.contains(" par ")
            || collectivite(before) && !before.contains("caf")
        {
            ctg.convention.options.secretariat = Secretariat::Collectivite;
        } else if after.contains("par la caf") || before.contains("caf") {
            ctg.convention.options.secretariat = Secretariat::Caf;
        }
    }
    if n.contains("application") && n.contains("suivi") && n.contains("peuvent suivre") {
        ctg.convention.options.suivi_numerique = true;
    }
}

/// A bullet of the articles: one of the Caf's objectives (article 2) or an AO competence
/// with who holds it (article 3) — both regenerated from the model —, an enjeu or a shared
/// objective «domaine : texte» (article 4).
pub fn article_bullet(
    ctg: &mut Ctg,
    text: &str,
    article: Option<u32>,
    numbered: bool,
) -> Option<Fate> {
    let t = text.trim();
    // A typed dash, or a list item whose bullet is Word numbering.
    let item = match t.strip_prefix(['–', '-', '•']) {
        Some(rest) => rest.trim(),
        None if numbered => t,
        None => return None,
    };
    if item.is_empty() {
        return None;
    }
    let n = normalize(item);
    if ObjectifCaf::all().iter().any(|o| normalize(o.label()) == n) {
        return Some(Fate::Label);
    }
    if let Some((head, _)) = item.split_once(" : ")
        && CompetenceAo::all()
            .iter()
            .any(|c| normalize(c.label()) == normalize(head))
    {
        return Some(Fate::Label);
    }
    if article != Some(4) {
        return None;
    }
    if let Some((head, rest)) = item.split_once(" : ")
        && let Some(o) = ObjectifCaf::all().iter().find(|o| {
            normalize(o.short()) == normalize(head) || normalize(o.label()) == normalize(head)
        })
    {
        ctg.convention.objectifs_partages.push(ObjectifPartage {
            domaine: *o,
            texte: rest.trim().to_string(),
        });
        return Some(Fate::Parsed);
    }
    ctg.convention.enjeux.push(item.to_string());
    Some(Fate::Parsed)
}

/// «Communauté de communes du Pays d'Argentré» standing alone (a line of the title page, an
/// owner of Annexe 2, a party): the EPCI's name, without «… et communes signataires».
pub fn epci_name(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches(['–', '-', '•']).trim();
    let n = normalize(t);
    // The referential's short form («CC du Pays Fouesnantais», a cover's line) only when it
    // names an EPCI that exists.
    let short = ["cc ", "ca ", "cu "].iter().any(|k| n.starts_with(k)) && {
        let key = crate::territory::epci_key(t);
        referentiel()
            .epcis()
            .iter()
            .any(|e| crate::territory::epci_key(e.nom) == key)
    };
    let starts = short
        || [
            "communaute de communes",
            "communaute d agglomeration",
            "communaute urbaine",
            "metropole",
        ]
        .iter()
        .any(|k| n.starts_with(k));
    if !starts || t.chars().count() > 120 || n.contains("represente") {
        return None;
    }
    let cut = [
        " et communes signataires",
        " et ses communes",
        " et les communes",
    ]
    .iter()
    .find_map(|k| t.find(k))
    .unwrap_or(t.len());
    Some(
        t[..cut]
            .trim()
            .trim_end_matches(['.', ';', ','])
            .to_string(),
    )
}

/// Sets the territory's EPCI once, with its SIREN when the referential knows the name.
pub fn set_epci(ctg: &mut Ctg, nom: &str) -> bool {
    if ctg.territoire.epci.is_some() {
        return false;
    }
    let q = nom.replace('’', "'");
    let key = crate::territory::epci_key(&q);
    let same: Vec<&str> = referentiel()
        .epcis()
        .iter()
        .filter(|e| crate::territory::epci_key(e.nom) == key)
        .map(|e| e.siren)
        .collect();
    // Only a name that designates one EPCI gives its SIREN.
    let siren = match same.as_slice() {
        [one] => one.to_string(),
        _ => String::new(),
    };
    ctg.territoire.epci = Some(crate::model::Epci {
        siren,
        nom: nom.to_string(),
        ..Default::default()
    });
    true
}

/// Where the reading is in the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Start,
    Preambule,
    Articles,
    Annexe1,
    Annexe2,
    Plan,
    Annexe4,
    Other,
}

/// The section a structuring heading opens, if any.
pub fn section_of(text: &str) -> Option<Section> {
    let n = normalize(text);
    if n.starts_with("preambule") {
        Some(Section::Preambule)
    } else if n.starts_with("article") || n.starts_with("les parties") || n.starts_with("visas") {
        Some(Section::Articles)
    } else if n.starts_with("annexe 1") || n.starts_with("annexe i ") {
        Some(Section::Annexe1)
    } else if n.starts_with("annexe 2") {
        Some(Section::Annexe2)
    } else if n.starts_with("annexe 3") || n.starts_with("plan d action") {
        Some(Section::Plan)
    } else if n.starts_with("annexe 4") {
        Some(Section::Annexe4)
    } else if n.starts_with("annexe") {
        Some(Section::Other)
    } else {
        None
    }
}

/// A préambule part: a new titled part.
pub fn preambule_title(ctg: &mut Ctg, text: &str) {
    ctg.convention.preambule.push(PartieTexte {
        titre: text.trim().to_string(),
        texte: String::new(),
    });
}

/// A préambule paragraph: text of the current part (a part without title when none).
pub fn preambule_text(ctg: &mut Ctg, text: &str) {
    if ctg.convention.preambule.is_empty() {
        ctg.convention.preambule.push(PartieTexte::default());
    }
    let p = ctg.convention.preambule.last_mut().expect("non-empty");
    if !p.texte.is_empty() {
        p.texte.push('\n');
    }
    p.texte.push_str(text.trim());
}

/// «I. Présentation du territoire», «a. Population générale» → code («I», «II.a») and title.
pub fn diagnostic_title(ctg: &mut Ctg, text: &str) {
    let t = text.trim();
    let (head, rest) = t.split_once([' ', '\t']).unwrap_or((t, ""));
    let code_like = |h: &str| {
        let h = h.trim_end_matches(['.', ')', '–', '-']);
        !h.is_empty()
            && h.len() <= 6
            && h.split('.').all(|p| {
                !p.is_empty()
                    && (p.chars().all(|c| "IVXLC".contains(c))
                        || p.chars().all(|c| c.is_ascii_digit())
                        || p.len() == 1 && p.chars().all(|c| c.is_ascii_lowercase()))
            })
    };
    let (head, titre) = if code_like(head) && !rest.trim().is_empty() {
        (
            head.trim_end_matches(['.', ')', '–', '-']).to_string(),
            rest.trim()
                .trim_start_matches(['–', '-'])
                .trim()
                .to_string(),
        )
    } else {
        (String::new(), t.to_string())
    };
    let roman = !head.is_empty()
        && head
            .split('.')
            .next()
            .is_some_and(|p| p.chars().all(|c| "IVXLC".contains(c)));
    let code = if roman || head.chars().all(|c| c.is_ascii_digit() || c == '.') {
        head
    } else {
        // A letter under the last roman section.
        let parent = ctg
            .diagnostic
            .iter()
            .rev()
            .find(|s| !s.code.contains('.') && !s.code.is_empty())
            .map(|s| s.code.clone())
            .unwrap_or_default();
        if parent.is_empty() {
            head
        } else {
            format!("{parent}.{head}")
        }
    };
    ctg.diagnostic.push(SectionDiagnostic {
        code,
        titre,
        texte: String::new(),
    });
}

pub fn diagnostic_text(ctg: &mut Ctg, text: &str) {
    if ctg.diagnostic.is_empty() {
        ctg.diagnostic.push(SectionDiagnostic::default());
    }
    let s = ctg.diagnostic.last_mut().expect("non-empty");
    if !s.texte.is_empty() {
        s.texte.push('\n');
    }
    s.texte.push_str(text.trim());
}

/// An Annexe 4 row «Instance | Composition | Fréquence | Rôle».
pub fn instance(ctg: &mut Ctg, cells: &[String]) {
    let nom = cells.first().cloned().unwrap_or_default();
    let kind = match InstanceKind::match_label(&nom) {
        Match::Exact(k) | Match::Close(k) => k,
        _ => {
            let n = normalize(&nom);
            if n.contains("pilotage") {
                InstanceKind::ComitePilotage
            } else if n.contains("technique") {
                InstanceKind::ComiteTechnique
            } else if n.contains("commission") || n.contains("groupe") {
                InstanceKind::Commission
            } else if n.contains("cooperation") {
                InstanceKind::Cooperation
            } else {
                InstanceKind::Autre
            }
        }
    };
    ctg.pilotage.push(Instance {
        kind,
        nom,
        composition: cells.get(1).cloned().unwrap_or_default(),
        frequence: cells.get(2).cloned().unwrap_or_default(),
        role: cells.get(3).cloned().unwrap_or_default(),
    });
}

/// «Composition : …», «Fréquence : …», «Rôle : …» under an Annexe 4 instance heading.
pub fn instance_detail(ctg: &mut Ctg, text: &str) -> bool {
    let Some((k, v)) = text.split_once(':') else {
        return false;
    };
    let Some(i) = ctg.pilotage.last_mut() else {
        return false;
    };
    let v = v.trim().to_string();
    match normalize(k).as_str() {
        "composition" => i.composition = v,
        "frequence" | "frequence des reunions" => i.frequence = v,
        "role" => i.role = v,
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates_and_people() {
        assert_eq!(
            dates_in("à compter du 1er janvier 2026 jusqu'au 31 décembre 2030"),
            [
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2030, 12, 31).unwrap()
            ]
        );
        assert_eq!(
            persons("représentée par son maire, Mme Odile Ribière, dûment autorisée"),
            ["Mme Odile Ribière"]
        );
    }

    #[test]
    fn model_wording_is_recognised_with_its_variables() {
        assert!(is_model_wording("Les parties conviennent de ce qui suit."));
        assert!(!is_model_wording("Les parties ne conviennent de rien."));
    }
}
