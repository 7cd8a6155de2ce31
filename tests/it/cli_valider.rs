//! `ctg formulaires`, `ctg exemple retours` and `ctg valider` through the real binary.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn cell_of(location: &str) -> (String, String) {
    let last = location.rsplit(" › ").next().unwrap_or("");
    match last.split_once('!') {
        Some((s, c)) => (s.to_string(), c.to_string()),
        None => (last.to_string(), String::new()),
    }
}

fn sha(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn valider_finds_exactly_the_injected_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let out = ctg()
        .args([
            "exemple",
            "retours",
            "-n",
            "40",
            "--graine",
            "11",
            "--taux-erreurs",
            "0.9",
            "-o",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = std::fs::read_to_string(dir.path().join("manifeste.tsv")).unwrap();
    let mut expected = BTreeSet::new();
    let mut tolerated = BTreeSet::new();
    for line in manifest.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c[5].is_empty() {
            tolerated.insert((c[0].to_string(), c[1].to_string(), c[2].to_string()));
        } else {
            expected.insert((
                c[0].to_string(),
                c[1].to_string(),
                c[2].to_string(),
                c[5].to_string(),
            ));
        }
    }
    assert!(
        expected.len() >= 20,
        "too few injections: {}",
        expected.len()
    );
    let before: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| sha(&e.unwrap().path()))
        .collect();
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let mut found = BTreeSet::new();
    let mut derived_files = BTreeSet::new();
    for f in v["fichiers"].as_array().unwrap() {
        let name = f["fichier"].as_str().unwrap();
        let file = Path::new(name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let of_file = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["emplacement"]["fichier"] == name);
        for d in of_file {
            let code = d["code"].as_str().unwrap().to_string();
            let (sheet, cell) = cell_of(d["lieu"].as_str().unwrap());
            match code.as_str() {
                // Consequences of a rejected row, and natural notices on real populations.
                // The generator's manifest, in the same folder, is listed as ignored.
                "CTG-I134" if file == "manifeste.tsv" => {}
                "CTG-E126" | "CTG-W119" => {
                    derived_files.insert(file.clone());
                }
                "CTG-I016" => {}
                _ => {
                    assert!(
                        !tolerated.contains(&(file.clone(), sheet.clone(), cell.clone())),
                        "tolerated value flagged: {file} {sheet}!{cell} {code}"
                    );
                    found.insert((file.clone(), sheet, cell, code));
                }
            }
        }
    }
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert!(extra.is_empty(), "unexpected: {extra:?}");
    let injected_files: BTreeSet<String> = expected.iter().map(|e| e.0.clone()).collect();
    assert!(derived_files.is_subset(&injected_files));
    let after: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| sha(&e.unwrap().path()))
        .collect();
    assert_eq!(before, after, "inputs must not be modified");
}

#[test]
fn clean_forms_validate_and_annotated_copies_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    let out = ctg()
        .args([
            "formulaires",
            "--date",
            "2026-05-04",
            "--trimestre",
            "2026-T2",
            "-o",
        ])
        .arg(&forms)
        .arg(sample())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&forms).unwrap().count(), 8);
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(&forms)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let returns = dir.path().join("retours");
    ctg()
        .args([
            "exemple",
            "retours",
            "-n",
            "6",
            "--graine",
            "3",
            "--taux-erreurs",
            "1",
            "-o",
        ])
        .arg(&returns)
        .assert()
        .success();
    let annot = dir.path().join("annotes");
    let out = ctg()
        .arg("valider")
        .arg(&returns)
        .arg("--annoter")
        .arg(&annot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let with_anomalies = std::fs::read_dir(&annot).unwrap().count();
    assert!((1..6).contains(&with_anomalies), "{with_anomalies}");
    // With --tous, every return gets its copy.
    let out = ctg()
        .arg("valider")
        .arg(&returns)
        .args(["--tous", "--force", "--annoter"])
        .arg(&annot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let copies: Vec<_> = std::fs::read_dir(&annot)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(copies.len(), 6);
    let manifest = std::fs::read_to_string(returns.join("manifeste.tsv")).unwrap();
    let flagged: BTreeSet<String> = manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| !c[5].is_empty() && c[5] != "CTG-W106")
        .map(|c| c[0].replace(".xlsx", "-annote.xlsx"))
        .collect();
    assert!(!flagged.is_empty());
    for c in copies
        .iter()
        .filter(|c| flagged.contains(&c.file_name().unwrap().to_string_lossy().to_string()))
    {
        let bytes = std::fs::read(c).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert!(
            names.iter().any(|n| n.contains("comments")),
            "{}: no notes",
            c.display()
        );
        let mut wb = String::new();
        std::io::Read::read_to_string(&mut z.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
        assert!(
            wb.contains("Anomalies"),
            "{}: no Anomalies sheet",
            c.display()
        );
    }
}

#[test]
fn unreadable_and_foreign_files_are_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("retour.xlsx");
    std::fs::write(&junk, b"ceci n'est pas un classeur").unwrap();
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(&junk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v["diagnostics"][0]["code"], "CTG-E100");
    assert_eq!(v["fichiers"][0]["statut"]["code"], "rejete");
}

/// A form for a new quarter starts each follow-up row from the last state the CTG holds for
/// that fiche and collectivité (it pre-filled «Non démarrée» for a fiche «En cours, 20 %»: a
/// partner who left the row reported a regression); the quarter's comment and indicator
/// values start empty.
#[test]
fn a_new_quarters_form_starts_from_the_last_state_reported() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("f");
    ctg()
        .args([
            "formulaires",
            "--date",
            "2026-11-15",
            "--trimestre",
            "2026-T4",
        ])
        .arg(sample())
        .arg("-o")
        .arg(&forms)
        .assert()
        .success();
    let j = dir.path().join("f.json");
    ctg()
        .arg("importer")
        .arg(forms.join("29058-fouesnant.xlsx"))
        .arg("-o")
        .arg(&j)
        .assert()
        .code(predicates::ord::le(1));
    let m = ctg::io::read_model(&j).unwrap();
    let row = m
        .suivi
        .iter()
        .find(|s| s.fiche == "1.1" && s.collectivite == "29058")
        .expect("ligne de suivi de la fiche 1.1");
    assert_eq!(row.trimestre, "2026-T4");
    // The sample: 1.1 / 29058 «En cours» 10 % at 2026-T1, 20 % at 2026-T2.
    assert_eq!(row.etat, ctg::referentials::EtatSuivi::EnCours);
    assert_eq!(row.avancement, Some(20.0));
    assert!(row.commentaire.is_empty());
    assert!(row.indicateurs.iter().all(|i| i.valeur.is_none()));
}

#[test]
fn valider_annoter_again_into_the_same_folder_replaces_its_own_untouched_copies_only() {
    // A weekly routine: the second run stopped at «… existe déjà : ajoutez --force» and
    // validated nothing.
    let d = tempfile::tempdir().unwrap();
    let out = ctg()
        .current_dir(d.path())
        .args([
            "exemple",
            "retours",
            "-n",
            "2",
            "--graine",
            "3",
            "--taux-erreurs",
            "1",
            "-o",
            "r",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let run = || {
        ctg()
            .current_dir(d.path())
            .args(["valider", "r", "--tous", "--annoter", "copies"])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let mut copies: Vec<_> = std::fs::read_dir(d.path().join("copies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    copies.sort();
    assert_eq!(copies.len(), 2, "{copies:?}");
    let second = run();
    assert_eq!(
        second.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(first.stdout, second.stdout);
    // A copy somebody changed since (here: another file under its name) is not replaced.
    std::fs::write(&copies[0], b"corrections du partenaire").unwrap();
    let third = run();
    assert_eq!(third.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&third.stderr).contains("existe déjà : ajoutez --force"),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    assert_eq!(
        std::fs::read(&copies[0]).unwrap(),
        b"corrections du partenaire"
    );
}
