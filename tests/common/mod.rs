//! Helpers shared by the integration tests: the real binary, paths of checked-in inputs.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn ctg() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ctg").expect("binary built")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample() -> PathBuf {
    root().join("samples/ctg-pays-fouesnantais.json")
}

pub fn input(rel: &str) -> PathBuf {
    root().join("tests/input").join(rel)
}

pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
