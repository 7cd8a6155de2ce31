//! The commands' side of isolation (`ctg::isolation`): untrusted files are read by workers
//! started as `ctg lecteur`, under a memory and a time limit. `CTG_ISOLATION=0` reads in this
//! process instead (to compare in benchmarks, or to debug).

use std::ffi::OsString;
use std::path::Path;

use ctg::ao::Basis;
use ctg::isolation::{self, Limits};
use ctg::{Diagnostic, Location};

/// Whether files are read in workers.
pub fn enabled() -> bool {
    std::env::var_os("CTG_ISOLATION").is_none_or(|v| v != "0")
}

/// How to start a worker for `tache`, with the command's context as arguments.
pub fn command(
    tache: &str,
    ctg: Option<&Path>,
    basis: Basis,
    extra: &[&str],
) -> Option<isolation::Command> {
    if !enabled() {
        return None;
    }
    let program = std::env::current_exe().ok()?;
    let mut args: Vec<OsString> = vec!["lecteur".into(), "--tache".into(), tache.into()];
    if let Some(c) = ctg {
        args.push("--ctg".into());
        args.push(c.into());
    }
    args.push("--population".into());
    args.push(basis.code().into());
    args.extend(extra.iter().map(OsString::from));
    Some(isolation::Command {
        program,
        args,
        // No transparent huge pages in workers: mimalloc would zero 2 MB for each first
        // touch of its arena (a third of the start-up of a worker).
        envs: vec![("MIMALLOC_ALLOW_THP".into(), "0".into())],
        limits: limits(),
    })
}

/// The limits, overridable for tests and large files: `CTG_MEMOIRE_MO`, `CTG_DELAI_S`.
fn limits() -> Limits {
    let mut l = Limits::default();
    if let Some(mo) = std::env::var("CTG_MEMOIRE_MO")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        l.memory = mo << 20;
    }
    if let Some(s) = std::env::var("CTG_DELAI_S")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        l.time = std::time::Duration::from_secs(s);
    }
    l
}

/// The diagnostic of a file whose reading was interrupted.
pub fn interrupted(name: &str, why: &isolation::Interrupted) -> Diagnostic {
    Diagnostic::new(
        ctg::codes::Code::E127,
        Location::file(name),
        why.to_string(),
    )
}

/// `ctg importer` of one file, isolated when enabled.
pub fn import(path: &Path, name: &str) -> ctg::import::Imported {
    use ctg::import::{Imported, import};
    let Some(cmd) = command("importer", None, Basis::Totale, &[]) else {
        return match ctg::container::read_untrusted(path) {
            Ok(bytes) => import(&bytes, name),
            Err(r) => Imported::refused(Diagnostic::new(r.code, Location::file(name), r.message)),
        };
    };
    let request = serde_json::json!({ "fichier": path, "nom": name }).to_string();
    match isolation::call(&cmd, &request) {
        Ok(answer) => serde_json::from_str(&answer).unwrap_or_else(|_| {
            Imported::refused(interrupted(name, &isolation::Interrupted::Garbled))
        }),
        Err(why) => Imported::refused(interrupted(name, &why)),
    }
}
