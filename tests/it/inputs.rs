//! What a Caf's input folder really holds, through the real binary: workbooks ctg wrote
//! itself, lock files, backups, two returns with the same name in two folders, subfolders,
//! an empty folder. Nothing is read twice, nothing is dropped in silence.

use crate::common::*;
use std::path::Path;

fn returns_in(dir: &Path, n: usize) {
    let out = ctg()
        .current_dir(dir)
        .args([
            "exemple",
            "retours",
            "-n",
            &n.to_string(),
            "--graine",
            "5",
            "--taux-erreurs",
            "0",
            "-o",
            "retours",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = ctg().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), v, stderr)
}

fn statut<'a>(v: &'a serde_json::Value, file_end: &str) -> &'a str {
    v["fichiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fichier"].as_str().unwrap().ends_with(file_end))
        .unwrap_or_else(|| panic!("{file_end} absent : {v}"))["statut"]["code"]
        .as_str()
        .unwrap()
}

#[test]
fn a_consolidated_workbook_and_annotated_copies_left_in_the_folder_are_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    returns_in(dir.path(), 3);
    let (code, first, _) = run(
        dir.path(),
        &[
            "consolider",
            "--format",
            "json",
            "retours",
            "-o",
            "retours/consolide.xlsx",
        ],
    );
    assert_eq!(code, Some(0), "{first}");
    let kept = first["resultat"]["lignes"]["retenues"].as_u64().unwrap();
    // The same folder again, now holding the consolidated workbook and annotated copies.
    let (_, _, _) = run(
        dir.path(),
        &["valider", "retours", "--annoter", "retours/annotes"],
    );
    std::fs::write(dir.path().join("retours/~$29058-x.xlsx"), b"lock").unwrap();
    std::fs::write(dir.path().join("retours/.~lock.x.xlsx#"), b"lock").unwrap();
    std::fs::write(dir.path().join("retours/notes.txt"), b"a lire").unwrap();
    let (code, again, _) = run(
        dir.path(),
        &[
            "consolider",
            "--format",
            "json",
            "--force",
            "retours",
            "-o",
            "c2.xlsx",
        ],
    );
    assert_eq!(code, Some(0), "{again}");
    assert_eq!(
        again["resultat"]["lignes"]["retenues"].as_u64().unwrap(),
        kept,
        "rows doubled: {again}"
    );
    assert_eq!(statut(&again, "retours/consolide.xlsx"), "ignore");
    assert_eq!(statut(&again, "~$29058-x.xlsx"), "ignore");
    assert_eq!(statut(&again, "notes.txt"), "ignore");
    let i134 = again["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-I134")
        .count();
    assert!(i134 >= 3, "{again}");
}

#[test]
fn two_returns_with_one_name_keep_two_annotated_copies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.txt"), b"").unwrap();
    let bad = ctg()
        .current_dir(dir.path())
        .args([
            "exemple",
            "retours",
            "-n",
            "2",
            "--graine",
            "9",
            "--taux-erreurs",
            "1",
            "-o",
            "r",
        ])
        .output()
        .unwrap();
    assert!(bad.status.success());
    let files: Vec<_> = std::fs::read_dir(dir.path().join("r"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    for (i, f) in files.iter().take(2).enumerate() {
        let sub = dir.path().join(["a", "b"][i]);
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(f, sub.join("retour.xlsx")).unwrap();
    }
    let (code, _, err) = run(
        dir.path(),
        &[
            "valider",
            "a/retour.xlsx",
            "b/retour.xlsx",
            "--annoter",
            "annotes",
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("annotes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["retour-2-annote.xlsx", "retour-annote.xlsx"]);
}

#[test]
fn files_given_by_name_are_read_by_content_and_folders_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    returns_in(dir.path(), 2);
    let one = std::fs::read_dir(dir.path().join("retours"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .unwrap();
    std::fs::copy(&one, dir.path().join("copie.xlsx.bak")).unwrap();
    std::fs::copy(&one, dir.path().join("sans-extension")).unwrap();
    let (code, v, err) = run(
        dir.path(),
        &[
            "valider",
            "--format",
            "json",
            "copie.xlsx.bak",
            "sans-extension",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(statut(&v, "copie.xlsx.bak"), "accepte");
    assert_eq!(statut(&v, "sans-extension"), "accepte");
    // In a folder, a backup is listed as ignored, and subfolders are read.
    std::fs::create_dir_all(dir.path().join("lot/sous-dossier")).unwrap();
    std::fs::copy(&one, dir.path().join("lot/sous-dossier/r.xlsx")).unwrap();
    std::fs::copy(&one, dir.path().join("lot/r.xlsx.bak")).unwrap();
    let (_, v, _) = run(dir.path(), &["valider", "--format", "json", "lot"]);
    assert_eq!(statut(&v, "lot/sous-dossier/r.xlsx"), "accepte");
    assert_eq!(statut(&v, "lot/r.xlsx.bak"), "ignore");
}

#[test]
fn an_empty_folder_or_a_folder_named_like_a_workbook_is_an_error_not_zero_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("vide")).unwrap();
    std::fs::create_dir(dir.path().join("x.xlsx")).unwrap();
    for args in [
        &["valider", "vide"][..],
        &["valider", "x.xlsx"],
        &["consolider", "vide", "-o", "c.xlsx"],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.contains("ne contient aucun fichier"), "{err}");
        assert!(!err.contains("0 fichier"), "{err}");
    }
}

#[test]
fn the_workbook_and_the_model_must_be_two_files() {
    let dir = tempfile::tempdir().unwrap();
    returns_in(dir.path(), 1);
    let (code, _, err) = run(
        dir.path(),
        &["consolider", "retours", "-o", "x", "--modele", "x"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("même fichier"), "{err}");
    assert!(!dir.path().join("x").exists());
}

#[test]
fn killed_at_any_moment_consolider_leaves_no_temporary_file_and_no_half_pair() {
    let dir = tempfile::tempdir().unwrap();
    let made = ctg()
        .current_dir(dir.path())
        .args([
            "exemple", "retours", "-n", "150", "--graine", "2", "-o", "retours",
        ])
        .output()
        .unwrap();
    assert!(made.status.success());
    let out = dir.path().join("sortie");
    std::fs::create_dir_all(&out).unwrap();
    for (i, delay_ms) in [5u64, 40, 80, 120, 160, 200, 260, 320, 400, 600]
        .iter()
        .enumerate()
    {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctg"))
            .current_dir(dir.path())
            .args([
                "consolider",
                "retours",
                "--force",
                "-o",
                "sortie/c.xlsx",
                "--modele",
                "sortie/m.json",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*delay_ms));
        let sig = if i % 2 == 0 { "-TERM" } else { "-INT" };
        let _ = std::process::Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status();
        let _ = child.wait();
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.contains(".ctg-") && !n.ends_with(".tmp")),
            "{delay_ms} ms : {names:?}"
        );
        // Before the first complete run, both are absent; after, both are present.
        let (x, m) = (out.join("c.xlsx").exists(), out.join("m.json").exists());
        assert_eq!(x, m, "{delay_ms} ms : classeur {x}, modèle {m}");
    }
}

#[test]
fn files_sent_instead_of_a_return_are_named_and_the_good_ones_kept() {
    // The CTG's own model given among the returns, a PDF print of a form, a CSV export of
    // one sheet: each rejected as what it is (all three said «format non reconnu»), the good
    // return consolidated.
    let d = tempfile::tempdir().unwrap();
    returns_in(d.path(), 1);
    let good = std::fs::read_dir(d.path().join("retours"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .unwrap();
    std::fs::copy(sample(), d.path().join("ctg.json")).unwrap();
    std::fs::write(
        d.path().join("retour.pdf"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("suivi.csv"),
        "Fiche;Trimestre;Collectivité;État d'avancement\n1.1;2026-T2;29058;En cours\n",
    )
    .unwrap();
    let (code, v, stderr) = run(
        d.path(),
        &[
            "consolider",
            "--format",
            "json",
            "-o",
            "c.xlsx",
            good.to_str().unwrap(),
            "ctg.json",
            "retour.pdf",
            "suivi.csv",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let message = |end: &str| -> String {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| {
                x["emplacement"]["fichier"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with(end)
            })
            .map(|x| x["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(
        message("ctg.json").contains("modèle de CTG (JSON)"),
        "{}",
        message("ctg.json")
    );
    assert!(message("ctg.json").contains("--ctg"));
    assert!(
        message("retour.pdf").contains("document PDF"),
        "{}",
        message("retour.pdf")
    );
    assert!(
        message("suivi.csv").contains("fichier texte (CSV)"),
        "{}",
        message("suivi.csv")
    );
    for f in ["ctg.json", "retour.pdf", "suivi.csv"] {
        assert_eq!(statut(&v, f), "rejete", "{f}");
    }
    let good_name = good.file_name().unwrap().to_str().unwrap();
    assert_ne!(statut(&v, good_name), "rejete");
    assert!(d.path().join("c.xlsx").is_file());
}
