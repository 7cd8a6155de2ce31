//! Snapshot tests (insta) of what users read: the text and JSON output of `verifier` on the
//! sample and on every broken variant, of `valider` on generated returns, of the import
//! report of a convention ctg wrote, and of a refused file. A change of wording, of a code or
//! of the JSON contract shows as a diff in `tests/it/snapshots/`; review it with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test`) and commit it.

use crate::common::*;

fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = ctg().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn snap(name: &str, code: i32, out: &str) {
    insta::assert_snapshot!(name, format!("code de sortie : {code}\n{out}"));
}

#[test]
fn verifier_on_the_sample_and_every_broken_variant() {
    let root = root();
    let mut files = vec!["samples/ctg-pays-fouesnantais.json".to_string()];
    let mut broken: Vec<String> = std::fs::read_dir(root.join("tests/input/broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json"))
        .map(|n| format!("tests/input/broken/{n}"))
        .collect();
    broken.sort();
    assert!(broken.len() >= 25, "{broken:?}");
    files.extend(broken);
    for f in &files {
        let stem = std::path::Path::new(f)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let (code, text) = run_in(&root, &["verifier", f]);
        snap(&format!("verifier-{stem}-texte"), code, &text);
        let (code, json) = run_in(&root, &["verifier", "--format", "json", f]);
        snap(&format!("verifier-{stem}-json"), code, &json);
    }
}

#[test]
fn valider_on_generated_returns() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _) = run_in(
        dir.path(),
        &[
            "exemple",
            "retours",
            "-n",
            "4",
            "--graine",
            "7",
            "--taux-erreurs",
            "0.5",
            "-o",
            "retours",
        ],
    );
    assert_eq!(code, 0);
    let (code, text) = run_in(dir.path(), &["valider", "retours"]);
    snap("valider-retours-texte", code, &text);
    let (code, json) = run_in(dir.path(), &["valider", "--format", "json", "retours"]);
    snap("valider-retours-json", code, &json);
}

#[test]
fn import_report_of_a_convention_ctg_wrote() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample(), dir.path().join("ctg.json")).unwrap();
    let (code, _) = run_in(
        dir.path(),
        &["convention", "ctg.json", "-o", "convention.docx"],
    );
    assert_eq!(code, 0);
    let (code, text) = run_in(
        dir.path(),
        &["importer", "convention.docx", "-o", "relu.json"],
    );
    snap("importer-convention-texte", code, &text);
    let (code, json) = run_in(
        dir.path(),
        &[
            "importer",
            "--format",
            "json",
            "--force",
            "convention.docx",
            "-o",
            "relu.json",
        ],
    );
    snap("importer-convention-json", code, &json);
}

#[test]
fn a_refused_file_gives_the_same_diagnostic_from_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.xlsx"), b"pas un classeur").unwrap();
    let (_, valider) = run_in(dir.path(), &["valider", "--format", "json", "x.xlsx"]);
    let (code, importer) = run_in(
        dir.path(),
        &["importer", "--format", "json", "x.xlsx", "-o", "m.json"],
    );
    assert_eq!(code, 2);
    let diag =
        |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["diagnostics"][0].clone();
    assert_eq!(diag(&valider), diag(&importer));
    assert_eq!(diag(&valider)["code"], "CTG-E100");
    snap("refus-importer-json", code, &importer);
}
