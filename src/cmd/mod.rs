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

/// True when two paths name the same file (existing or not).
pub fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    let abs = |p: &std::path::Path| {
        let parent = p
            .parent()
            .filter(|x| !x.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        parent
            .canonicalize()
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    a == b || matches!((abs(a), abs(b)), (Some(x), Some(y)) if x == y)
}

/// Outputs never replace an input.
pub fn refuse_overwrite_input(
    input: &std::path::Path,
    output: &std::path::Path,
) -> ctg::Result<()> {
    if let (Ok(a), Ok(b)) = (input.canonicalize(), output.canonicalize())
        && a == b
    {
        return Err(ctg::Error::Invalid(format!(
            "{} est le fichier d'entrée : choisissez une autre sortie",
            output.display()
        )));
    }
    Ok(())
}

/// Files given, with folders replaced by the spreadsheets they hold (sorted by name).
pub fn expand_inputs(paths: &[std::path::PathBuf]) -> ctg::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(p)
                .map_err(|source| ctg::Error::Read {
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension().is_some_and(|x| {
                            matches!(
                                x.to_string_lossy().to_lowercase().as_str(),
                                "xlsx" | "xlsm" | "xls" | "ods" | "xlsb"
                            )
                        })
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}
