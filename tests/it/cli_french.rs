//! The command line speaks French only and never panics: clap's own words and errors, system
//! errors, a closed pipe, a full disk; outputs follow one rule (`--force`) and get the
//! permissions the umask gives.

use crate::common::*;
use std::process::{Command, Stdio};

const ENGLISH: &[&str] = &[
    "Usage:",
    "Commands:",
    "Options:",
    "error:",
    "tip:",
    "[default:",
    "Possible values",
    "[possible values",
    "unexpected argument",
    "No such file",
    "Permission denied",
    "os error",
    "invalid digit",
    "panicked",
    "For more information",
    "help",
];

fn no_english(s: &str) {
    for w in ENGLISH {
        assert!(!s.contains(w), "« {w} » in:\n{s}");
    }
}

fn bin() -> String {
    env!("CARGO_BIN_EXE_ctg").to_string()
}

#[test]
fn clap_errors_and_help_are_french() {
    let out = ctg().arg("valide").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("commande inconnue « valide »") && err.contains("« valider »"),
        "{err}"
    );
    no_english(&err);
    let out = ctg()
        .args(["verifier", "--fromat", "json", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("argument inattendu « --fromat »") && err.contains("« --format »"),
        "{err}"
    );
    no_english(&err);
    let out = ctg()
        .args(["consolider", "--jobs", "deux", "-o", "x.xlsx", "d"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("un nombre entier positif est attendu"),
        "{err}"
    );
    no_english(&err);
    for args in [
        &["--aide"][..],
        &["aide"],
        &["help"],
        &["aide", "valider"],
        &["verifier", "--aide"],
        &["consolider", "-h"],
    ] {
        let out = ctg().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Utilisation :"), "{args:?}: {text}");
        no_english(&text.replace("--aide", ""));
    }
    let out = ctg().args(["verifier", "-h"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[par défaut : texte]") && text.contains("[valeurs possibles : texte, json]"),
        "{text}"
    );
    let out = ctg().args(["verifier", "--aide"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Valeurs possibles :") && text.contains("- texte : Texte lisible"),
        "{text}"
    );
}

#[test]
fn system_errors_are_french_and_name_the_file() {
    let out = ctg()
        .args(["verifier", "/nonexistent/ctg.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/ctg.json") && err.contains("fichier ou dossier introuvable"),
        "{err}"
    );
    no_english(&err);
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_a_french_message() {
    for args in [
        vec!["schema"],
        vec![
            "verifier".to_string().leak() as &str,
            sample().to_str().unwrap().to_string().leak(),
        ],
        vec!["regle"],
    ] {
        let mut child = Command::new(bin())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then close the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut one = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut one).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.is_empty(), "{args:?}: {err}");
        assert!(out.status.code().is_some(), "{args:?} killed by a signal");
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(bin())
        .arg("schema")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plus de place sur le disque"), "{err}");
    no_english(&err);
}

#[test]
fn outputs_are_never_replaced_without_force_and_are_readable_by_colleagues() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ctg.xlsx");
    std::fs::write(&out, b"un retour rempli").unwrap();
    for args in [
        vec![
            "exporter".to_string(),
            sample().display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ],
        vec![
            "convention".to_string(),
            sample().display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ],
    ] {
        let res = ctg().args(&args).output().unwrap();
        assert_eq!(res.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&res.stderr).contains("existe déjà : ajoutez --force"),
            "{args:?}"
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"un retour rempli");
    }
    // formulaires into a folder holding a filled return: nothing is written.
    let forms = dir.path().join("f");
    std::fs::create_dir_all(&forms).unwrap();
    std::fs::write(forms.join("29058-fouesnant.xlsx"), b"rempli").unwrap();
    let res = ctg()
        .arg("formulaires")
        .arg(sample())
        .arg("-o")
        .arg(&forms)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&forms).unwrap().count(), 1);
    // With --force, replaced, with the umask's permissions.
    let res = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022 && {} exporter --force {} -o {}",
            bin(),
            sample().display(),
            out.display()
        ))
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("tmp"))
    );
}

/// A model edited by hand: each usual mistake is said in French, at its field, with what was
/// written (serde's and chrono's English — «EOF while parsing a value», «invalid type:
/// string "3957", expected u32», «input contains invalid characters» — never reaches the user).
#[test]
fn a_hand_edited_model_is_refused_in_french_at_its_field() {
    let text = std::fs::read_to_string(sample()).unwrap();
    let model: serde_json::Value = serde_json::from_str(&text).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut m = model.clone();
        f(&mut m);
        serde_json::to_string_pretty(&m).unwrap()
    };
    let cases: Vec<(&str, String, &[&str])> = vec![
        (
            "date",
            edit(&|m| m["convention"]["periode"]["debut"] = "01/01/2026".into()),
            &["/convention/periode/debut", "« 01/01/2026 »", "AAAA-MM-JJ"],
        ),
        (
            "nombre entre guillemets",
            edit(&|m| m["territoire"]["communes"][1]["population_totale"] = "3957".into()),
            &[
                "/territoire/communes/1/population_totale",
                "sans guillemets",
                "3957",
            ],
        ),
        (
            "type",
            edit(&|m| m["territoire"]["communes"][1]["population_totale"] = true.into()),
            &[
                "/territoire/communes/1/population_totale",
                "la valeur true",
                "nombre entier",
            ],
        ),
        (
            "champ inconnu",
            edit(&|m| m["convention"]["presidence_alternee"] = true.into()),
            &["champ inconnu « presidence_alternee »", "champs possibles"],
        ),
        (
            "valeur inconnue",
            edit(&|m| m["equipements"][0]["type_structure"] = "Crèche".into()),
            &["valeur inconnue « Crèche »", "eaje_psu"],
        ),
        ("tronqué", text[..text.len() / 2].to_string(), &["s'arrête"]),
        (
            "virgule",
            text.replacen('{', "{,", 1),
            &["le nom d'un champ s'écrit entre guillemets"],
        ),
        ("vide", String::new(), &["s'arrête"]),
        (
            "pas du JSON",
            "bonjour".into(),
            &["une valeur est attendue"],
        ),
        (
            "mot inconnu",
            "{\"version\": tru}".into(),
            &["true, false et null"],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, body, wanted) in cases {
        let path = dir.path().join(format!("{what}.json"));
        std::fs::write(&path, body).unwrap();
        for format in ["texte", "json"] {
            let out = ctg()
                .args(["verifier", "--format", format])
                .arg(&path)
                .output()
                .unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{what}: {all}");
            assert!(all.contains("CTG-E091"), "{what}: {all}");
            for w in wanted {
                assert!(all.contains(w), "{what}: « {w} » absent de :\n{all}");
            }
            for english in [
                "EOF",
                "expected",
                "invalid type",
                "invalid value",
                "while parsing",
                "string \"",
                "u32",
                "input ",
                "a value",
                "trailing",
                "unknown",
            ] {
                assert!(
                    !all.contains(english),
                    "{what}: « {english} » dans :\n{all}"
                );
            }
        }
    }
}
