//! One file per subcommand, each with its clap `Args` and `run(args) -> Result<ExitCode>`.

pub mod consolider;
pub mod convention;
pub mod demo;
pub mod exemple;
pub mod exporter;
pub mod formulaires;
pub mod importer;
pub mod init;
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

pub fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

/// Reads an input file whole, with a French error.
pub fn read_input(p: &std::path::Path) -> ctg::Result<Vec<u8>> {
    std::fs::read(p).map_err(|source| ctg::Error::Read {
        path: p.into(),
        source,
    })
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
