//! The independent Word fixtures (`tests/fixtures/word/*`, see their README): each
//! `truth.json` is compared with what the importer gives, fiche by fiche; and every line of
//! the body of every fixture — and of every Word file of the shared corpus — is accounted
//! for: placed in the model or listed as «non placé» with its location.

use crate::common::*;
use ctg::docx::read::{Block, read};
use ctg::docx::recognize::Fate;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/word");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("truth.json").is_file())
        .collect();
    out.sort();
    assert_eq!(out.len(), 8, "fixtures under {}", dir.display());
    out
}

/// Whitespace as the truth writes it: non-breaking and narrow spaces as spaces, runs of
/// spaces as one.
fn ws(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn s(v: &Value) -> String {
    ws(v.as_str().unwrap_or_default())
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn import(dir: &Path) -> (ctg::Ctg, ctg::docx::Report) {
    let bytes = std::fs::read(dir.join("document.docx")).unwrap();
    ctg::docx::import(&bytes).unwrap_or_else(|e| panic!("{}: {e:?}", name(dir)))
}

#[test]
fn every_fixture_fiche_is_found_once_with_title_axe_pilote_indicators_and_steps() {
    let mut problems = Vec::new();
    for dir in fixtures() {
        let fx = name(&dir);
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        let (ctg, _) = import(&dir);
        let tf = truth["fiches"].as_array().unwrap();
        if ctg.fiches.len() != tf.len() {
            problems.push(format!(
                "{fx}: {} fiches, {} attendues ({:?})",
                ctg.fiches.len(),
                tf.len(),
                ctg.fiches.iter().map(|f| &f.id).collect::<Vec<_>>()
            ));
        }
        for t in tf {
            let id = t["id"].as_str().unwrap();
            let found: Vec<_> = ctg.fiches.iter().filter(|f| f.id == id).collect();
            let [f] = found.as_slice() else {
                problems.push(format!("{fx} {id}: trouvée {} fois", found.len()));
                continue;
            };
            let mut check = |what: &str, got: String, want: String| {
                if got != want {
                    problems.push(format!("{fx} {id} {what}: «{got}» au lieu de «{want}»"));
                }
            };
            check("titre", ws(&f.titre), s(&t["titre"]));
            check(
                "axe",
                f.axe.trim_start_matches("axe-").to_string(),
                s(&t["axe"]),
            );
            check("pilote", ws(&f.pilote), s(&t["pilote"]));
            let ti = t["indicateurs"].as_array().cloned().unwrap_or_default();
            check(
                "indicateurs",
                format!(
                    "{:?}",
                    f.indicateurs
                        .iter()
                        .map(|i| ws(&i.libelle))
                        .collect::<Vec<_>>()
                ),
                format!(
                    "{:?}",
                    ti.iter().map(|i| s(&i["libelle"])).collect::<Vec<_>>()
                ),
            );
            // Targets of indicator tables: the number as written.
            for (i, want) in f.indicateurs.iter().zip(&ti) {
                if let Some(c) = want["cible"].as_str()
                    && let Some(digits) = c
                        .chars()
                        .filter(|ch| ch.is_ascii_digit())
                        .collect::<String>()
                        .parse::<f64>()
                        .ok()
                {
                    check(
                        "cible",
                        format!("{:?}", i.cible),
                        format!("{:?}", Some(digits)),
                    );
                }
            }
            let te = t["echeancier"].as_array().cloned().unwrap_or_default();
            check(
                "échéancier",
                format!(
                    "{:?}",
                    f.echeancier
                        .iter()
                        .map(|e| (e.debut, e.fin, ws(&e.jalon)))
                        .collect::<Vec<_>>()
                ),
                format!(
                    "{:?}",
                    te.iter()
                        .map(|e| (
                            e["debut"].as_i64().map(|y| y as i32),
                            e["fin"].as_i64().map(|y| y as i32),
                            s(&e["jalon"])
                        ))
                        .collect::<Vec<_>>()
                ),
            );
            for (k, field) in [
                ("points_forts", &f.points_forts),
                ("points_faibles", &f.points_faibles),
            ] {
                let want: Vec<String> = t[k]
                    .as_array()
                    .map(|a| a.iter().map(s).collect())
                    .unwrap_or_default();
                check(
                    k,
                    format!("{:?}", field.iter().map(|x| ws(x)).collect::<Vec<_>>()),
                    format!("{want:?}"),
                );
            }
            // Rubriques the model has no field for are kept under their own label.
            if let Some(r) = t["rubriques"].as_object() {
                for (label, value) in r {
                    if ctg::docx::recognize::field_of(label).is_some() {
                        continue;
                    }
                    let got = f
                        .autres
                        .iter()
                        .find(|a| ws(&a.libelle) == ws(label))
                        .map(|a| ws(&a.texte))
                        .unwrap_or_default();
                    check(&format!("autres « {label} »"), got, s(value));
                }
            }
            // Free paragraphs under the title are kept, without label.
            for a in t["autres"].as_array().cloned().unwrap_or_default() {
                let want = s(&a["texte"]);
                if !f
                    .autres
                    .iter()
                    .any(|x| x.libelle.is_empty() && ws(&x.texte) == want)
                {
                    problems.push(format!(
                        "{fx} {id}: paragraphe « {want} » absent des autres"
                    ));
                }
            }
        }
        // Text removed by tracked deletions is nowhere.
        let json = serde_json::to_string(&ctg).unwrap();
        for gone in truth["texte_supprime"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let g = gone.as_str().unwrap();
            if json.contains(g) {
                problems.push(format!("{fx}: texte supprimé « {g} » importé"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every string of a JSON value, whitespace-normalised, joined by a separator.
fn strings(v: &Value, out: &mut String) {
    match v {
        Value::String(x) => {
            out.push_str(&ws(x));
            out.push('\u{1}');
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The non-empty lines of the body, read without the recogniser: paragraphs (the table of
/// contents aside) and each line of each cell.
fn body_lines(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Para(p) if !p.toc => {
                let t = p.shown();
                if !t.trim().is_empty() {
                    out.push(t.trim().to_string());
                }
            }
            Block::Para(_) => {}
            Block::Table(t) => {
                for r in &t.rows {
                    for c in r {
                        out.extend(
                            c.paragraphs
                                .iter()
                                .map(|l| l.trim().to_string())
                                .filter(|l| !l.is_empty()),
                        );
                    }
                }
            }
        }
    }
    out
}

/// The account holds for one document: every line has one fate, values are in the model as
/// written, and what is not placed is listed with a location.
fn account_holds(label: &str, bytes: &[u8]) -> Result<(usize, usize), String> {
    let Ok(blocks) = read(bytes) else {
        return Ok((0, 0));
    };
    let Ok((model, rep)) = ctg::docx::import(bytes) else {
        return Ok((0, 0));
    };
    let mut lines = body_lines(&blocks);
    let mut traced: Vec<String> = rep.trace.iter().map(|(t, _)| t.clone()).collect();
    lines.sort();
    traced.sort();
    if lines != traced {
        let missing: Vec<_> = lines
            .iter()
            .filter(|l| !traced.contains(l))
            .take(5)
            .collect();
        let extra: Vec<_> = traced
            .iter()
            .filter(|l| !lines.contains(l))
            .take(5)
            .collect();
        return Err(format!(
            "{label}: {} lignes lues, {} comptées ; sans sort : {missing:?} ; en trop : {extra:?}",
            lines.len(),
            traced.len()
        ));
    }
    if rep.lignes != rep.placees + rep.non_places.len() || rep.lignes != lines.len() {
        return Err(format!(
            "{label}: {} lignes ≠ {} placées + {} non placées",
            rep.lignes,
            rep.placees,
            rep.non_places.len()
        ));
    }
    let mut hay = String::new();
    strings(&serde_json::to_value(&model).unwrap(), &mut hay);
    for (t, fate) in &rep.trace {
        if *fate == Fate::Value && !hay.contains(&ws(t)) {
            return Err(format!(
                "{label}: « {t} » dite placée telle quelle mais absente du modèle"
            ));
        }
    }
    let lost: Vec<&String> = rep
        .trace
        .iter()
        .filter(|(_, f)| *f == Fate::NotPlaced)
        .map(|(t, _)| t)
        .collect();
    for n in &rep.non_places {
        if !lost.contains(&&n.texte) || n.lieu.is_empty() {
            return Err(format!(
                "{label}: non placé sans trace ou sans lieu : {n:?}"
            ));
        }
        if n.tableau.is_none() && n.paragraphe.is_none() {
            return Err(format!("{label}: non placé sans emplacement : {n:?}"));
        }
    }
    Ok((rep.lignes, rep.non_places.len()))
}

#[test]
fn every_line_of_every_fixture_is_placed_or_listed_with_its_location() {
    let mut problems = Vec::new();
    for dir in fixtures() {
        let fx = name(&dir);
        let bytes = std::fs::read(dir.join("document.docx")).unwrap();
        if let Err(e) = account_holds(&fx, &bytes) {
            problems.push(e);
        }
        // What the truth says belongs to no field is listed, not dropped.
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        let (_, rep) = import(&dir);
        for t in truth["non_fiche_text"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let t = s(&t);
            if !rep.non_places.iter().any(|n| ws(&n.texte) == t) {
                problems.push(format!("{fx}: « {t} » ni placé ni listé comme non placé"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "needs the shared corpus (CTG_CORPUS or ../shared/corpus)"]
fn every_line_of_every_corpus_word_file_is_placed_or_listed() {
    let dir = corpus_dir().join("docx");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "corpus Word incomplet : {}", files.len());
    let mut problems = Vec::new();
    let mut total = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        match account_holds(&f.display().to_string(), &bytes) {
            Ok((n, _)) => total += n,
            Err(e) => problems.push(e),
        }
    }
    assert!(total > 100, "{total} lignes seulement dans le corpus Word");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn importer_exits_1_and_locates_each_line_not_placed() {
    let dir = root().join("tests/fixtures/word/pyd-grille-modele-caf");
    let out = tempfile::tempdir().unwrap();
    let o = ctg()
        .arg("importer")
        .arg(dir.join("document.docx"))
        .arg("-o")
        .arg(out.path().join("m.json"))
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let v = stdout_json(&o);
    let diags = v["diagnostics"].as_array().unwrap();
    let lost: Vec<&Value> = diags.iter().filter(|d| d["code"] == "CTG-W302").collect();
    // The abandoned heading, named with its paragraph and the axe above it.
    let abandoned = lost
        .iter()
        .find(|d| {
            d["valeur"]
                .as_str()
                .is_some_and(|x| x.contains("Projet abandonné"))
        })
        .expect("heading without fiche reported");
    assert!(
        abandoned["emplacement"]["feuille"]
            .as_str()
            .unwrap()
            .starts_with("paragraphe ")
    );
    assert!(
        abandoned["message"].as_str().unwrap().contains("AXE 2"),
        "{abandoned}"
    );
    let doc = &v["resultat"]["document"];
    assert_eq!(doc["non_places"].as_array().unwrap().len(), lost.len());
    assert_eq!(
        doc["lignes"].as_u64().unwrap(),
        doc["placees"].as_u64().unwrap() + lost.len() as u64
    );
}

/// The model's code of a truth's competence holder.
fn statut(v: &str) -> &'static str {
    match v {
        "commune" => "exercee",
        "epci" => "transferee",
        _ => "non_exercee",
    }
}

#[test]
fn fixture_conventions_competences_and_annexes_match_the_truth() {
    let mut problems = Vec::new();
    for dir in fixtures() {
        let fx = name(&dir);
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        let (ctg, _) = import(&dir);
        let m = serde_json::to_value(&ctg).unwrap();
        let mut check = |what: &str, got: String, want: String| {
            if got != want {
                problems.push(format!("{fx} {what}: «{got}» au lieu de «{want}»"));
            }
        };
        let tc = &truth["convention"];
        let c = &m["convention"];
        if tc["titre"].is_string() {
            check("titre", s(&c["titre"]), s(&tc["titre"]));
        }
        for k in ["nom", "president", "directeur"] {
            if tc["caf"][k].is_string() {
                check(&format!("caf.{k}"), s(&c["caf"][k]), s(&tc["caf"][k]));
            }
        }
        for (k, ts) in tc["signataires"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let g = &c["signataires"][k];
            for f in ["kind", "nom", "representant", "qualite"] {
                check(&format!("signataire {k} {f}"), s(&g[f]), s(&ts[f]));
            }
            check(
                &format!("signataire {k} délibération"),
                s(&g["deliberation"]["date"]),
                s(&ts["deliberation"]["date"]),
            );
        }
        for path in [
            ["periode", "debut"],
            ["periode", "fin"],
            ["signature", "lieu"],
            ["signature", "date"],
            ["options", "comite_pilotage"],
            ["options", "secretariat"],
        ] {
            if tc[path[0]][path[1]].is_string() {
                check(
                    &path.join("."),
                    s(&c[path[0]][path[1]]),
                    s(&tc[path[0]][path[1]]),
                );
            }
        }
        for (k, p) in tc["preambule"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            check(
                &format!("préambule {k} titre"),
                s(&c["preambule"][k]["titre"]),
                s(&p["titre"]),
            );
            check(
                &format!("préambule {k} texte"),
                s(&c["preambule"][k]["texte"]),
                s(&p["texte"]),
            );
        }
        for (k, d) in truth["diagnostic"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            for f in ["code", "titre", "texte"] {
                check(
                    &format!("diagnostic {k} {f}"),
                    s(&m["diagnostic"][k][f]),
                    s(&d[f]),
                );
            }
        }
        for (k, i) in truth["pilotage"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            for f in ["kind", "nom", "composition", "frequence", "role"] {
                check(
                    &format!("pilotage {k} {f}"),
                    s(&m["pilotage"][k][f]),
                    s(&i[f]),
                );
            }
        }
        if truth["territoire"]["epci"]["nom"].is_string() {
            check(
                "epci",
                s(&m["territoire"]["epci"]["nom"]),
                s(&truth["territoire"]["epci"]["nom"]),
            );
        }
        // Communes of the AO table: name, an INSEE code, and who holds each competence.
        let communes = m["territoire"]["communes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !communes.is_empty() {
            let tcs = truth["territoire"]["communes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            check(
                "communes",
                communes.len().to_string(),
                tcs.len().to_string(),
            );
            for (g, t) in communes.iter().zip(&tcs) {
                let nom = s(&t["nom"]);
                check("commune", s(&g["nom"]), nom.clone());
                check(
                    &format!("{nom} code INSEE (longueur)"),
                    s(&g["insee"]).len().to_string(),
                    "5".into(),
                );
                for (k, v) in t["competences"].as_object().cloned().unwrap_or_default() {
                    check(
                        &format!("{nom} {k}"),
                        s(&g["competences"][&k]),
                        statut(v.as_str().unwrap()).into(),
                    );
                }
            }
        }
        let te = truth["equipements"].as_array().cloned().unwrap_or_default();
        let ge = m["equipements"].as_array().cloned().unwrap_or_default();
        check("équipements", ge.len().to_string(), te.len().to_string());
        for (g, t) in ge.iter().zip(&te) {
            check("équipement nom", s(&g["nom"]), s(&t["nom"]));
            check("équipement adresse", s(&g["adresse"]), s(&t["adresse"]));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// «68 %», «3 200», «0» → the number; «–» or words → none.
fn number(v: &str) -> Option<f64> {
    let t: String = v
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == ',' || *c == '.' || *c == '-')
        .collect::<String>()
        .replace(',', ".");
    t.parse()
        .ok()
        .filter(|_| v.chars().any(|c| c.is_ascii_digit()))
}

#[test]
fn indicator_baselines_reach_the_model_beside_their_targets() {
    let mut checked = 0;
    for dir in fixtures() {
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        let (got, _) = import(&dir);
        for tf in truth["fiches"].as_array().into_iter().flatten() {
            let Some(f) = got.fiches.iter().find(|f| f.id == s(&tf["id"])) else {
                continue;
            };
            for ti in tf["indicateurs"].as_array().into_iter().flatten() {
                let Some(base) = ti["valeur_initiale"].as_str() else {
                    continue;
                };
                let want = number(base);
                let libelle = ws(&s(&ti["libelle"]));
                let i = f
                    .indicateurs
                    .iter()
                    .find(|i| ws(&i.libelle) == libelle)
                    .unwrap_or_else(|| panic!("{} : indicateur « {libelle} » absent", name(&dir)));
                assert_eq!(
                    i.valeur_initiale,
                    want,
                    "{} : « {libelle} » ({base})",
                    name(&dir)
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "{checked} valeurs initiales vérifiées");
}
