//! One file per subcommand, each with its clap `Args` and `run(args) -> Result<ExitCode>`.

pub mod demo;
pub mod init;
pub mod referentiels;
pub mod regle;
pub mod schema;
pub mod territoire;
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
    if errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

pub fn basis(s: &str) -> Result<ctg::ao::Basis, String> {
    s.parse()
}

pub fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}
