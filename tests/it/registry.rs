//! The rule registry is whole: every code is emitted somewhere in the code and exercised by
//! a test (an integration test, a snapshot, a broken variant's manifest or a unit test), and
//! `ctg regle` finds a code however a user types it.

use crate::common::*;

fn read_tree(
    dir: &std::path::Path,
    out: &mut Vec<String>,
    keep: &dyn Fn(&std::path::Path) -> bool,
) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            read_tree(&p, out, keep);
        } else if keep(&p) {
            out.push(std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}

#[test]
fn every_code_is_emitted_and_tested() {
    let root = root();
    let ext = |p: &std::path::Path, e: &[&str]| {
        p.extension()
            .is_some_and(|x| e.contains(&x.to_string_lossy().as_ref()))
    };
    let mut src = Vec::new();
    read_tree(&root.join("src"), &mut src, &|p| {
        ext(p, &["rs"]) && !p.ends_with("codes.rs")
    });
    // Unit tests are the `#[cfg(test)]` part of each source file.
    let mut unit = String::new();
    let mut code_part = String::new();
    for file in &src {
        match file.split_once("#[cfg(test)]") {
            Some((code, tests)) => {
                code_part.push_str(code);
                unit.push_str(tests);
            }
            None => code_part.push_str(file),
        }
    }
    let mut tests = Vec::new();
    read_tree(&root.join("tests"), &mut tests, &|p| {
        ext(p, &["rs", "snap", "tsv"])
    });
    let tests = tests.concat();
    let mut missing = Vec::new();
    for r in ctg::codes::RULES {
        let code = r.code.as_str();
        let variant = format!("Code::{}", &code[4..]);
        if !code_part.contains(&variant) {
            missing.push(format!("{code} n'est émis nulle part"));
        }
        if !tests.contains(code) && !unit.contains(&variant) {
            missing.push(format!("{code} n'est vérifié par aucun test"));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn regle_accepts_what_users_type() {
    for typed in ["CTG-E013", "ctg-e013", "E013", "e013", "13"] {
        let out = ctg().args(["regle", typed]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{typed}");
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("CTG-E013"),
            "{typed}"
        );
    }
    let out = ctg().args(["regle", "X999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("« ctg regle » les liste toutes"));
}
