//! One file per subcommand, each with its clap `Args` and `run(args) -> Result<ExitCode>`.

pub mod clap_fr;
pub mod consolider;
pub mod convention;
pub mod demo;
pub mod exemple;
pub mod exporter;
pub mod formulaires;
pub mod importer;
pub mod init;
pub mod isolated;
pub mod lecteur;
pub mod referentiels;
pub mod regle;
pub mod schema;
pub mod sonder;
pub mod territoire;
pub mod valider;
pub mod verifier;

use std::process::ExitCode;

/// Output format shared by the commands that can print JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Texte lisible dans un terminal
    #[default]
    Texte,
    /// JSON, pour les scripts
    Json,
}

/// 0 when no error-severity diagnostic, 1 otherwise.
pub fn findings_code(errors: usize) -> ExitCode {
    if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub fn basis(s: &str) -> Result<ctg::ao::Basis, String> {
    s.parse()
}

/// Writes to standard output. A closed pipe ends the command quietly; a full disk or any
/// other failure is a French error (never a panic, as `print!` would give).
pub fn write_out(s: &str) -> ctg::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes()).map_err(out_error)
}

/// Flushes standard output at the end of a command.
pub fn flush_out() -> ctg::Result<()> {
    use std::io::Write;
    std::io::stdout().lock().flush().map_err(out_error)
}

fn out_error(e: std::io::Error) -> ctg::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        ctg::Error::OutputClosed
    } else {
        ctg::Error::Write {
            path: "la sortie standard".into(),
            source: e,
        }
    }
}

/// `print!` that reports errors instead of panicking.
macro_rules! say {
    ($($t:tt)*) => { $crate::cmd::write_out(&format!($($t)*))? };
}

/// `println!` that reports errors instead of panicking.
macro_rules! sayln {
    () => { $crate::cmd::write_out("\n")? };
    ($($t:tt)*) => { $crate::cmd::write_out(&(format!($($t)*) + "\n"))? };
}

/// A line on standard error (progress, files written); a closed standard error is ignored.
macro_rules! note {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

pub(crate) use {note, say, sayln};

/// Prints a value as pretty JSON.
pub fn print_json(v: &impl serde::Serialize) -> ctg::Result<()> {
    let s = serde_json::to_string_pretty(v)
        .map_err(|e| ctg::Error::Invalid(format!("sérialisation JSON impossible : {e}")))?;
    write_out(&(s + "\n"))
}

/// A file the command cannot use at all. With `--format json`, the report holds the file's
/// diagnostic (the same from every command) and the exit code is 2; in text, the error goes to
/// standard error as for any failure.
pub fn refused(e: ctg::Error, file: &str, commande: &str, format: Format) -> ctg::Result<ExitCode> {
    let Some(d) = e.to_diagnostic(file) else {
        return Err(e);
    };
    if format == Format::Json {
        let diags = [d];
        let fichier = ctg::report::Fichier {
            fichier: file.to_string(),
            statut: ctg::report::Statut::Rejete,
            lignes: None,
            compteurs: ctg::diagnostic::Counts::of(&diags),
        };
        print_report(commande, vec![fichier], &diags, serde_json::Value::Null)?;
        return Ok(ExitCode::from(2));
    }
    Err(ctg::Error::Refused(Box::new(d)))
}

/// Prints a report in the JSON contract (`docs/rapport-json.md`).
pub fn print_report<F: serde::Serialize, R: serde::Serialize>(
    commande: &str,
    fichiers: Vec<F>,
    diagnostics: &[ctg::Diagnostic],
    resultat: R,
) -> ctg::Result<()> {
    print_json(&ctg::report::Rapport::new(
        commande,
        fichiers,
        diagnostics,
        resultat,
    ))
}

/// Reads an input file whole, with a French error.
pub fn read_input(p: &std::path::Path) -> ctg::Result<Vec<u8>> {
    std::fs::read(p).map_err(|source| ctg::Error::Read {
        path: p.into(),
        source,
    })
}

/// True when two paths name the same file (existing or not): same folder, and the same
/// name as the system compares names (without case on Windows).
pub fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    let folder = |p: &std::path::Path| {
        p.parent()
            .filter(|x| !x.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .canonicalize()
            .ok()
    };
    a == b
        || match (a.file_name(), b.file_name()) {
            (Some(x), Some(y)) => {
                ctg::io::same_name(x, y)
                    && matches!((folder(a), folder(b)), (Some(p), Some(q)) if p == q)
            }
            _ => false,
        }
}

/// Outputs never replace an input.
pub fn refuse_overwrite_input(
    input: &std::path::Path,
    output: &std::path::Path,
) -> ctg::Result<()> {
    refuse_overwrite_inputs(&[input], &[output])
}

/// [`refuse_overwrite_input`] for every pair: each path resolved once (a consolidation of
/// 34 871 files resolved each of them twice per output, ten `readlink` calls a file), and an
/// output that does not exist yet is no input.
pub fn refuse_overwrite_inputs<P: AsRef<std::path::Path>>(
    inputs: &[P],
    outputs: &[&std::path::Path],
) -> ctg::Result<()> {
    let existing: Vec<(&std::path::Path, std::path::PathBuf)> = outputs
        .iter()
        .filter_map(|o| o.canonicalize().ok().map(|c| (*o, c)))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    for input in inputs {
        let Ok(a) = input.as_ref().canonicalize() else {
            continue;
        };
        if let Some((output, _)) = existing.iter().find(|(_, b)| *b == a) {
            return Err(ctg::Error::Invalid(format!(
                "{} est le fichier d'entrée : choisissez une autre sortie",
                output.display()
            )));
        }
    }
    Ok(())
}

/// What to read: the files given, and in each folder given (and its subfolders) the
/// spreadsheets it holds, sorted by path. Files given by name are read whatever their
/// extension (their content says what they are). In folders, lock files of Excel and
/// LibreOffice, hidden entries and files of other types are listed as skipped, never dropped
/// in silence. A folder with nothing in it is an error.
pub struct Inputs {
    pub files: Vec<std::path::PathBuf>,
    pub skipped: Vec<(std::path::PathBuf, String)>,
}

pub fn expand_inputs(paths: &[std::path::PathBuf]) -> ctg::Result<Inputs> {
    let mut inputs = Inputs {
        files: Vec::new(),
        skipped: Vec::new(),
    };
    for p in paths {
        if p.is_dir() {
            let before = inputs.files.len() + inputs.skipped.len();
            walk(p, &mut inputs)?;
            if inputs.files.len() + inputs.skipped.len() == before {
                return Err(ctg::Error::Invalid(format!(
                    "le dossier {} ne contient aucun fichier",
                    p.display()
                )));
            }
        } else {
            inputs.files.push(p.clone());
        }
    }
    Ok(inputs)
}

fn walk(dir: &std::path::Path, inputs: &mut Inputs) -> ctg::Result<()> {
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| ctg::Error::Read {
            path: dir.into(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for f in entries {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let ext = f
            .extension()
            .map(|x| x.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let meta = std::fs::symlink_metadata(&f);
        if name.starts_with("~$") || name.starts_with(".~lock.") {
            inputs.skipped.push((
                f,
                "fichier de verrouillage d'Excel ou de LibreOffice".into(),
            ));
        } else if name.starts_with('.') {
            continue;
        } else if meta.as_ref().is_ok_and(|m| m.is_dir()) {
            walk(&f, inputs)?;
        } else if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "xlsb") {
            inputs.files.push(f);
        } else {
            inputs.skipped.push((
                f,
                "pas un classeur (.xlsx, .xlsm, .xls, .ods) : donnez-le par son nom pour le lire quand même".into(),
            ));
        }
    }
    Ok(())
}
