//! `ctg consolider` through the real binary: cross-file checks, nothing lost, determinism,
//! inputs untouched.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ctg::referentials::StatutAo;
use ctg::returns::forms::{FormSettings, form};

fn settings(date: &str) -> FormSettings {
    FormSettings {
        date: date.parse().unwrap(),
        trimestre: "2026-T2".into(),
        deadline: String::new(),
        contact: String::new(),
    }
}

fn write_form(ctg: &ctg::Ctg, code: &str, date: &str, path: &Path) {
    std::fs::write(path, form(ctg, code, &settings(date)).unwrap().bytes).unwrap();
}

/// Every sheet of a workbook as text, for comparisons and independent counts.
fn grids(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    crate::common::sheets_text(&std::fs::read(path).unwrap())
}

/// Data rows of the table sheets of a return, counted straight from the cells.
fn input_rows(path: &Path) -> usize {
    grids(path)
        .iter()
        .filter(|(n, _)| !["Identité", "Lisez-moi", "_listes", "_meta"].contains(&n.as_str()))
        .map(|(_, rows)| {
            rows.iter()
                .skip(1)
                .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
                .count()
        })
        .sum()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn hashes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn cross_file_checks_on_the_sample_territory() {
    let sample_ctg = ctg::io::read_model(&sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("retours");
    std::fs::create_dir_all(&inp).unwrap();
    // Fouesnant, Saint-Évarzec, La Forêt, Gouesnach and the EPCI return what the CTG says…
    for code in ["29058", "29247", "29057", "29060", "242900660"] {
        write_form(
            &sample_ctg,
            code,
            "2026-05-04",
            &inp.join(format!("{code}.xlsx")),
        );
    }
    // … Bénodet says it exercises «information» itself (the EPCI says transferred),
    let mut c2 = sample_ctg.clone();
    c2.territoire
        .communes
        .iter_mut()
        .find(|c| c.insee == "29006")
        .unwrap()
        .competences
        .information = StatutAo::Exercee;
    write_form(&c2, "29006", "2026-05-04", &inp.join("29006.xlsx"));
    // Pleuven says it transferred «planification» (the EPCI does not hold it) and lists
    // Fouesnant's multi-accueil as its own; it sent two different versions.
    let mut c3 = sample_ctg.clone();
    c3.territoire
        .communes
        .iter_mut()
        .find(|c| c.insee == "29161")
        .unwrap()
        .competences
        .planification = StatutAo::Transferee;
    let mut dup = c3
        .equipements
        .iter()
        .find(|e| e.nom == "Multi-accueil Les Petits Mousses")
        .unwrap()
        .clone();
    dup.collectivite = "29161".into();
    c3.equipements.push(dup);
    write_form(
        &sample_ctg,
        "29161",
        "2026-05-01",
        &inp.join("29161-ancien.xlsx"),
    );
    write_form(&c3, "29161", "2026-05-20", &inp.join("29161-nouveau.xlsx"));
    // An identical copy, a file that is not a workbook, and a commune outside the CTG.
    std::fs::copy(inp.join("29058.xlsx"), inp.join("29058-copie.xlsx")).unwrap();
    std::fs::write(inp.join("illisible.xlsx"), b"PK\x03\x04 pas une archive").unwrap();
    let brest = ctg::init::new_ctg(
        ctg::init::Scope::Commune("29019"),
        "2026-01-01".parse().unwrap(),
        ctg::ao::Basis::Totale,
    )
    .unwrap();
    write_form(&brest, "29019", "2026-05-04", &inp.join("29019-brest.xlsx"));
    // Clohars-Fouesnant (29032) sends nothing.
    let before = hashes(&inp);

    let out = dir.path().join("consolide.xlsx");
    let model = dir.path().join("consolide.json");
    let res = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .arg("--modele")
        .arg(&model)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(
        res.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let v = stdout_json(&res);
    let found = codes(&v);
    for code in [
        "CTG-W201", "CTG-I202", "CTG-W203", "CTG-E204", "CTG-W205", "CTG-W206", "CTG-W207",
        "CTG-E100",
    ] {
        assert!(
            found.contains(&code.to_string()),
            "{code} missing in {found:?}"
        );
    }
    let missing: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W201")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["valeur"], "29032");
    // The newest of Pleuven's two returns is kept.
    let files = v["fichiers"].as_array().unwrap();
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f["fichier"].as_str().unwrap().ends_with(name))
            .unwrap()["statut"]["libelle"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("29161-ancien.xlsx"), "remplacé");
    assert_ne!(status("29161-nouveau.xlsx"), "rejeté");
    assert_eq!(status("illisible.xlsx"), "rejeté");
    assert_eq!(status("29019-brest.xlsx"), "rejeté");
    // Nothing lost: read = kept + rejected, and read matches an independent count.
    for f in files {
        let (r, k, j) = (
            f["lignes"]["lues"].as_u64().unwrap(),
            f["lignes"]["retenues"].as_u64().unwrap(),
            f["lignes"]["rejetees"].as_u64().unwrap(),
        );
        assert_eq!(r, k + j, "{f}");
        let path = PathBuf::from(f["fichier"].as_str().unwrap());
        if f["formulaire"].as_str().unwrap().starts_with("retour") {
            assert_eq!(r as usize, input_rows(&path), "{}", path.display());
        }
    }
    // Kept rows are in the entity sheets, with their provenance.
    let sheets = grids(&out);
    let entity_rows: usize = sheets
        .iter()
        .filter(|(n, _)| {
            !["Synthèse", "Anomalies", "Fichiers", "Compétences"].contains(&n.as_str())
        })
        .map(|(_, rows)| rows.len().saturating_sub(1))
        .sum();
    let kept: u64 = files
        .iter()
        .map(|f| f["lignes"]["retenues"].as_u64().unwrap())
        .sum();
    assert_eq!(entity_rows as u64, kept);
    let names: BTreeSet<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    for s in [
        "Synthèse",
        "Équipements",
        "Compétences",
        "Projections par année",
        "Suivi",
        "Anomalies",
        "Fichiers",
    ] {
        assert!(names.contains(s), "{s}");
    }
    // The consolidated model carries Pleuven's new answer and verifies.
    let m = ctg::io::read_model(&model).unwrap();
    assert_eq!(
        m.commune("29161").unwrap().competences.planification,
        StatutAo::Transferee
    );
    ctg()
        .arg("verifier")
        .arg(&model)
        .assert()
        .code(predicates::ord::le(1));
    assert_eq!(before, hashes(&inp), "inputs must not change");
    // Refuses to write over one of its inputs.
    let res = ctg()
        .args(["consolider", "-o"])
        .arg(inp.join("29058.xlsx"))
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert_eq!(before, hashes(&inp));
}

#[test]
fn injected_mistakes_are_all_reported_and_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("retours");
    ctg()
        .args([
            "exemple",
            "retours",
            "-n",
            "25",
            "--graine",
            "21",
            "--taux-erreurs",
            "0.8",
            "-o",
        ])
        .arg(&inp)
        .assert()
        .success();
    // The manifest is the generator's, not a return: out of the folder.
    let manifest = std::fs::read_to_string(inp.join("manifeste.tsv")).unwrap();
    std::fs::remove_file(inp.join("manifeste.tsv")).unwrap();
    let out1 = dir.path().join("a.xlsx");
    let res = ctg()
        .args(["consolider", "--format", "json", "--jobs", "1", "-o"])
        .arg(&out1)
        .arg(&inp)
        .output()
        .unwrap();
    let v = stdout_json(&res);
    let found: BTreeSet<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let loc = d["lieu"].as_str().unwrap();
            let file = Path::new(loc.split(" › ").next().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            (
                format!("{file} {}", loc.rsplit(" › ").next().unwrap()),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for line in manifest.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c[5].is_empty() {
            continue;
        }
        let key = (format!("{} {}!{}", c[0], c[1], c[2]), c[5].to_string());
        assert!(found.contains(&key), "{key:?} not reported");
    }
    // Same cells whatever the order of the files and the number of threads.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&inp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    files.sort();
    files.reverse();
    let out2 = dir.path().join("b.xlsx");
    ctg()
        .args(["consolider", "--jobs", "2", "-o"])
        .arg(&out2)
        .args(&files)
        .assert()
        .code(1);
    assert_eq!(grids(&out1), grids(&out2));
}

fn consolidate_json(args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let out = ctg()
        .arg("consolider")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(&out)
}

#[test]
fn epci_population_against_the_transferring_communes_w208() {
    // Every commune transferred a competence and sent its return; the EPCI declares a
    // population that is not the sum of theirs.
    let mut c = ctg::io::read_model(&sample()).unwrap();
    for com in &mut c.territoire.communes {
        com.competences.recensement = StatutAo::Transferee;
    }
    let sum: u32 = c
        .territoire
        .communes
        .iter()
        .filter_map(|x| x.population_totale)
        .sum();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.xlsx");
    let mut run = |declared: u32| {
        c.territoire.epci.as_mut().unwrap().population_totale = Some(declared);
        let inp = dir.path().join(format!("retours-{declared}"));
        std::fs::create_dir_all(&inp).unwrap();
        for f in ctg::returns::forms::all_forms(&c, &settings("2026-05-01")).unwrap() {
            std::fs::write(inp.join(&f.file_name), &f.bytes).unwrap();
        }
        consolidate_json(&[
            "--force".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
            inp.as_os_str(),
        ])
    };
    let v = run(sum + 100);
    let w208: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W208")
        .collect();
    assert_eq!(w208.len(), 1, "{v}");
    assert_eq!(w208[0]["valeur"], (sum + 100).to_string());
    // With the right population, no W208.
    let v = run(sum);
    assert!(!codes(&v).contains(&"CTG-W208".to_string()), "{v}");
}

#[test]
fn projections_against_the_ctg_table_w209() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let p = c
        .projections
        .iter()
        .find(|p| p.ao.len() == 5)
        .expect("a commune with projections");
    let (ao, annee, valeur) = (
        p.ao.clone(),
        p.lignes[0].annees[0].annee,
        p.lignes[0].annees[0].valeur,
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("retour.xlsx");
    write_form(&c, &ao, "2026-05-01", &f);
    // The CTG of reference says something else for that year.
    let mut other = c.clone();
    other
        .projections
        .iter_mut()
        .find(|x| x.ao == ao)
        .unwrap()
        .lignes[0]
        .annees[0]
        .valeur = valeur + 3.0;
    let ctg_path = dir.path().join("ctg.json");
    std::fs::write(&ctg_path, ctg::io::model_json(&other)).unwrap();
    let out = dir.path().join("c.xlsx");
    let v = consolidate_json(&[
        "--ctg".as_ref(),
        ctg_path.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        f.as_os_str(),
    ]);
    let w209: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W209")
        .collect();
    assert_eq!(w209.len(), 1, "{v}");
    assert!(
        w209[0]["message"]
            .as_str()
            .unwrap()
            .contains(&annee.to_string()),
        "{v}"
    );
    // Against its own CTG, the same return agrees.
    std::fs::write(&ctg_path, ctg::io::model_json(&c)).unwrap();
    let v = consolidate_json(&[
        "--ctg".as_ref(),
        ctg_path.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--force".as_ref(),
        f.as_os_str(),
    ]);
    assert!(!codes(&v).contains(&"CTG-W209".to_string()), "{v}");
}

#[test]
fn the_consolidated_workbook_prints_on_a4_and_is_titled_with_the_ctg() {
    use std::io::Read;
    let c = ctg::io::read_model(&sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    std::fs::create_dir_all(&inp).unwrap();
    write_form(&c, "29058", "2026-05-01", &inp.join("29058.xlsx"));
    let out = dir.path().join("c.xlsx");
    let res = ctg()
        .arg("consolider")
        .arg("--ctg")
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert!(res.status.code().is_some_and(|c| c <= 1));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut sheets = 0;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("xl/worksheets/sheet") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            if s.contains("<pageSetup") {
                assert!(
                    s.contains("paperSize=\"9\"") && s.contains("orientation=\"landscape\""),
                    "{name}"
                );
                sheets += 1;
            }
        }
    }
    assert!(sheets >= 9, "{sheets}");
    let book = ctg::workbook::grid::open(&std::fs::read(&out).unwrap(), None).unwrap();
    let synthese = book.sheets.iter().find(|g| g.name == "Synthèse").unwrap();
    assert_eq!(
        synthese.get(0, 0).display(),
        format!("Consolidation des retours — {}", c.convention.titre)
    );
}

#[test]
fn of_two_returns_the_one_saved_last_is_kept_and_the_message_says_why() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let mut c2 = c.clone();
    c2.equipements.retain(|e| e.collectivite != "29058");
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    std::fs::create_dir_all(&inp).unwrap();
    // Same campaign date; the partner saved «z» after «a».
    let form_a = form(&c, "29058", &settings("2026-05-04")).unwrap().bytes;
    let form_z = form(&c2, "29058", &settings("2026-05-04")).unwrap().bytes;
    let saved = |b: &[u8], when: &str| {
        crate::reader_codes::edit_part(b, "docProps/core.xml", |s| {
            let start = s.find("<dcterms:modified").unwrap();
            let end = s.find("</dcterms:modified>").unwrap();
            format!(
                "{}<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{when}{}",
                &s[..start],
                &s[end..]
            )
        })
    };
    std::fs::write(inp.join("a.xlsx"), saved(&form_a, "2026-06-01T09:00:00Z")).unwrap();
    std::fs::write(inp.join("z.xlsx"), saved(&form_z, "2026-06-10T08:00:00Z")).unwrap();
    let out = ctg()
        .args(["consolider", "--format", "json", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg(&inp)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let statut = |n: &str| {
        v["fichiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fichier"].as_str().unwrap().ends_with(n))
            .unwrap()["statut"]["code"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(statut("z.xlsx"), "accepte", "{v}");
    assert_eq!(statut("a.xlsx"), "remplace", "{v}");
    let w203 = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "CTG-W203"
                && d["emplacement"]["fichier"]
                    .as_str()
                    .unwrap()
                    .ends_with("a.xlsx")
        })
        .unwrap();
    let m = w203["message"].as_str().unwrap();
    // Dates as people read them, not «2026-06-10T08:00:00Z».
    assert!(
        m.contains("enregistré le 10 juin 2026 à 8\u{a0}h\u{a0}00")
            && m.contains("enregistré le 1er juin 2026 à 9\u{a0}h\u{a0}00"),
        "{m}"
    );
    assert!(!m.contains("T08:00:00Z"), "{m}");
    // The replaced file's rows point to that message instead of repeating it.
    let i137: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-I137")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(!i137.is_empty());
    assert!(
        i137.iter().all(|x| !x.contains("enregistré le")),
        "{i137:?}"
    );

    // Both saved at the same moment: the tie is said, and how to choose.
    std::fs::write(inp.join("a.xlsx"), saved(&form_a, "2026-06-10T08:00:00Z")).unwrap();
    let out = ctg()
        .args(["consolider", "--force", "--format", "json", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg(&inp)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let tie = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CTG-W203" && d["message"].as_str().unwrap().contains("deuxième"))
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        tie.contains("la même date") && tie.contains("--priorite"),
        "{tie}"
    );
    assert!(!tie.contains("le plus récent"), "{tie}");
}

#[test]
fn rows_with_errors_enter_neither_the_model_nor_the_synthese() {
    let c = ctg::io::read_model(&sample()).unwrap();
    // Fouesnant's return: one follow-up line at 120 %, one projection for 2031 (after the CTG).
    let mut c2 = c.clone();
    for s in c2.suivi.iter_mut().filter(|s| s.collectivite == "29058") {
        s.avancement = Some(120.0);
    }
    let p = c2
        .projections
        .iter_mut()
        .find(|p| p.ao == "29058")
        .expect("projection de Fouesnant");
    p.lignes[0].annees.push(ctg::model::ValeurAnnee {
        annee: 2031,
        valeur: 12.0,
    });
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    std::fs::create_dir_all(&inp).unwrap();
    write_form(&c2, "29058", "2026-05-04", &inp.join("29058.xlsx"));
    let out = dir.path().join("c.xlsx");
    let model = dir.path().join("m.json");
    let res = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .arg("--modele")
        .arg(&model)
        .arg(&inp)
        .output()
        .unwrap();
    let v = stdout_json(&res);
    let f = &v["fichiers"][0];
    assert!(f["lignes"]["rejetees"].as_u64().unwrap() >= 2, "{v}");
    // The consolidated model passes the verifier with no error the CTG did not have.
    let errors = |path: &std::path::Path| -> std::collections::BTreeSet<String> {
        let o = ctg()
            .args(["verifier", "--format", "json"])
            .arg(path)
            .output()
            .unwrap();
        stdout_json(&o)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["gravite"] == "erreur")
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let before = errors(&sample());
    let after = errors(&model);
    assert!(
        after.is_subset(&before),
        "nouvelles erreurs : {:?}",
        after.difference(&before)
    );
    // No 2031 column in the Synthèse.
    let book = ctg::workbook::grid::open(&std::fs::read(&out).unwrap(), None).unwrap();
    let synthese = book.sheets.iter().find(|g| g.name == "Synthèse").unwrap();
    assert!(
        !synthese
            .cells
            .iter()
            .flatten()
            .any(|c| c.display() == "2031"),
        "2031 dans la Synthèse"
    );
}

#[test]
fn a_ctg_value_a_rejected_row_would_have_changed_stays_with_a_warning() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let form_bytes = form(&c, "29058", &settings("2026-05-04")).unwrap().bytes;
    // The partner typed words where the first projected value was.
    let edited = crate::reader_codes::edit_part(&form_bytes, "xl/worksheets/sheet5.xml", |s| {
        let start = s.find("<c r=\"E2\"").expect("E2");
        let end = start + s[start..].find("</c>").unwrap() + 4;
        format!(
            "{}<c r=\"E2\" t=\"inlineStr\"><is><t>une vingtaine</t></is></c>{}",
            &s[..start],
            &s[end..]
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("29058.xlsx");
    std::fs::write(&f, &edited).unwrap();
    let model = dir.path().join("m.json");
    let out = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(sample())
        .arg("-o")
        .arg(dir.path().join("c.xlsx"))
        .arg("--modele")
        .arg(&model)
        .arg(&f)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let w210: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W210")
        .collect();
    assert_eq!(w210.len(), 1, "{v}");
    assert!(
        w210[0]["message"]
            .as_str()
            .unwrap()
            .contains("une vingtaine"),
        "{v}"
    );
    // The consolidated model keeps the CTG's figures for Fouesnant: nothing vanished.
    let merged = ctg::io::read_model(&model).unwrap();
    let years = |m: &ctg::Ctg| -> Vec<(String, i32, f64)> {
        let mut v: Vec<_> = m
            .projections
            .iter()
            .filter(|p| p.ao == "29058")
            .flat_map(|p| {
                p.lignes.iter().flat_map(|l| {
                    l.annees
                        .iter()
                        .map(|a| (format!("{:?}", l.mode), a.annee, a.valeur))
                })
            })
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v
    };
    assert_eq!(years(&merged), years(&c));
}

#[test]
fn an_indicator_row_whose_follow_up_line_was_rejected_invents_no_follow_up_line() {
    let dir = tempfile::tempdir().unwrap();
    let made = ctg()
        .current_dir(dir.path())
        .args([
            "exemple",
            "retours",
            "-n",
            "40",
            "--graine",
            "4",
            "--taux-erreurs",
            "1",
            "-o",
            "r",
        ])
        .output()
        .unwrap();
    assert!(made.status.success());
    std::fs::remove_file(dir.path().join("r/manifeste.tsv")).unwrap();
    let out = ctg()
        .current_dir(dir.path())
        .args([
            "consolider",
            "--format",
            "json",
            "r",
            "-o",
            "c.xlsx",
            "--modele",
            "m.json",
        ])
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let orphans: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W119")
        .map(|d| d["valeur"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !orphans.is_empty(),
        "the sample of returns has no orphan indicator row: {v}"
    );
    let m = ctg::io::read_model(&dir.path().join("m.json")).unwrap();
    for key in &orphans {
        let parts: Vec<&str> = key.split(" / ").collect();
        let invented = m
            .suivi
            .iter()
            .any(|s| s.fiche == parts[0] && s.trimestre == parts[1] && s.collectivite == parts[2]);
        assert!(!invented, "ligne de suivi inventée pour {key}");
    }
}

#[test]
fn commune_and_epci_disagreeing_on_an_exercised_competence_is_a_warning() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let mut commune_says = c.clone();
    commune_says
        .territoire
        .communes
        .iter_mut()
        .find(|x| x.insee == "29058")
        .unwrap()
        .competences
        .qualite = StatutAo::NonExercee;
    let mut epci_says = c.clone();
    epci_says
        .territoire
        .communes
        .iter_mut()
        .find(|x| x.insee == "29058")
        .unwrap()
        .competences
        .qualite = StatutAo::Exercee;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    std::fs::create_dir_all(&inp).unwrap();
    write_form(
        &commune_says,
        "29058",
        "2026-05-04",
        &inp.join("29058.xlsx"),
    );
    let siren = c.territoire.epci.as_ref().unwrap().siren.clone();
    write_form(&epci_says, &siren, "2026-05-04", &inp.join("epci.xlsx"));
    let out = ctg()
        .args(["consolider", "--format", "json", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg(&inp)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let w211: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W211")
        .collect();
    assert_eq!(w211.len(), 1, "{v}");
    assert!(
        w211[0]["message"]
            .as_str()
            .unwrap()
            .contains("non exercée selon la commune"),
        "{v}"
    );
}

#[test]
fn the_synthese_counts_actions_not_follow_up_lines() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    std::fs::create_dir_all(&inp).unwrap();
    for f in ctg::returns::forms::all_forms(&c, &settings("2026-05-04")).unwrap() {
        std::fs::write(inp.join(&f.file_name), &f.bytes).unwrap();
    }
    let out = dir.path().join("c.xlsx");
    let res = ctg()
        .arg("consolider")
        .arg("--ctg")
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert!(res.status.code().is_some_and(|c| c <= 1));
    let book = ctg::workbook::grid::open(&std::fs::read(&out).unwrap(), None).unwrap();
    let s = book.sheets.iter().find(|g| g.name == "Synthèse").unwrap();
    let start = (0..s.cells.len())
        .find(|r| s.get(*r, 0).display() == "Actions par axe et état d'avancement")
        .expect("section des actions")
        + 2;
    let mut total = 0.0;
    let mut r = start;
    while !s.get(r, 0).display().is_empty() {
        for col in 1..=5 {
            if let ctg::workbook::cells::Cell::Number(n) = s.get(r, col) {
                total += n;
            }
        }
        r += 1;
    }
    // Every fiche of the returns once, though several collectivités follow the same fiche.
    let suivi = book.sheets.iter().find(|g| g.name == "Suivi").unwrap();
    let lines: Vec<String> = (1..suivi.cells.len())
        .map(|r| suivi.get(r, 4).display())
        .filter(|f| !f.is_empty())
        .collect();
    let fiches: std::collections::BTreeSet<&String> = lines.iter().collect();
    assert!(
        fiches.len() < lines.len(),
        "the returns must have several lines per fiche"
    );
    assert_eq!(total as usize, fiches.len());
}

/// An Excel lock file beside the returns is ignored with a notice, and not counted among the
/// unreadable files of the «Synthèse» (it was: «1 fichier illisible ou non identifié»).
#[test]
fn a_lock_file_is_not_counted_as_unreadable_in_the_synthese() {
    use calamine::Reader;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("r");
    ctg()
        .args(["exemple", "retours", "-n", "2", "--taux-erreurs", "0", "-o"])
        .arg(&inp)
        .assert()
        .success();
    std::fs::remove_file(inp.join("manifeste.tsv")).unwrap();
    // What Excel leaves while a file is open: the user's name in a small binary file.
    std::fs::write(inp.join("~$retour.xlsx"), b"\x05Marie  ").unwrap();
    let out_file = dir.path().join("c.xlsx");
    ctg()
        .arg("consolider")
        .arg(&inp)
        .arg("-o")
        .arg(&out_file)
        .assert()
        .code(predicates::ord::le(1));
    let mut wb = calamine::open_workbook_auto(&out_file).unwrap();
    let synthese = wb.worksheet_range("Synthèse").unwrap();
    let text: Vec<String> = synthese.rows().flatten().map(|c| c.to_string()).collect();
    assert!(text.iter().all(|t| !t.contains("illisible")), "{text:?}");
}

/// An output that is one of the returns read — named as it is, or through a symbolic link —
/// is refused before anything is read, with --force too, and the return stays as it was;
/// outputs that do not exist yet are checked without resolving every input.
#[test]
fn an_output_that_is_an_input_is_refused_even_through_a_link() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("retours");
    std::fs::create_dir_all(&inp).unwrap();
    for f in ctg::returns::forms::all_forms(&c, &settings("2026-05-01")).unwrap() {
        std::fs::write(inp.join(&f.file_name), &f.bytes).unwrap();
    }
    let victim = std::fs::read_dir(&inp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let before = std::fs::read(&victim).unwrap();
    let link = dir.path().join("sortie.xlsx");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(&victim, &link).unwrap();
    let mut outputs = vec![(victim.clone(), "-o"), (victim.clone(), "--modele")];
    if cfg!(unix) {
        outputs.push((link.clone(), "-o"));
    }
    for (out, flag) in outputs {
        let other = dir.path().join("autre.xlsx");
        let mut args: Vec<std::ffi::OsString> =
            vec!["consolider".into(), "--force".into(), inp.clone().into()];
        if flag == "-o" {
            args.extend(["-o".into(), out.clone().into()]);
        } else {
            args.extend([
                "-o".into(),
                other.clone().into(),
                "--modele".into(),
                out.clone().into(),
            ]);
        }
        let o = ctg().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {}: {err}", out.display());
        assert!(err.contains("est le fichier d'entrée"), "{err}");
        assert!(!other.exists());
        assert_eq!(std::fs::read(&victim).unwrap(), before);
    }
    // Outputs that do not exist: the run goes on.
    let o = ctg()
        .args(["consolider".as_ref(), inp.as_os_str(), "-o".as_ref()])
        .arg(dir.path().join("nouveau.xlsx"))
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
