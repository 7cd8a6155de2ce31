//! Every crash the fuzzers found (`scripts/fuzz.sh`), kept under `tests/fixtures/fuzz/TARGET/`,
//! through the real binary with isolation off and 1 Gio of address space: the pre-flight alone
//! must hold — exit 0, 1 or 2, no panic text.

use crate::common::*;

#[test]
fn fuzz_crashes_stay_fixed() {
    let base = root().join("tests/fixtures/fuzz");
    let mut n = 0;
    for target in std::fs::read_dir(&base).unwrap() {
        let target = target.unwrap().path();
        let command = match target.file_name().unwrap().to_str().unwrap() {
            "word" => "importer",
            "modele" => "verifier",
            _ => "valider",
        };
        for f in std::fs::read_dir(&target).unwrap() {
            let f = f.unwrap().path();
            let dir = tempfile::tempdir().unwrap();
            let out_arg = match command {
                "importer" => format!("-o {}", dir.path().join("m.json").display()),
                _ => String::new(),
            };
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "ulimit -v 1048576; CTG_ISOLATION=0 exec {} {command} '{}' {out_arg}",
                    env!("CARGO_BIN_EXE_ctg"),
                    f.display()
                ))
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0..=2))
                    && !err.contains("panicked")
                    && !err.contains("memory allocation"),
                "{} : {:?} {err}",
                f.display(),
                out.status
            );
            n += 1;
        }
    }
    assert!(n >= 1);
}
