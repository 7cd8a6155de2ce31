use std::process::ExitCode;

use super::sayln;
use ctg::rules::{RULES, rule};

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Code de la règle (ex. : CTG-E012) ; sans code, la liste de toutes les règles
    pub code: Option<String>,
    /// Format de sortie
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    match a.code {
        None => match a.format {
            Format::Json => super::print_report("regle", Vec::<()>::new(), &[], RULES)?,
            Format::Texte => {
                for r in RULES {
                    sayln!("{}  {:<13} {}", r.code, r.severity.label(), r.title);
                }
            }
        },
        Some(code) => {
            let r = rule(&code).ok_or_else(|| {
                ctg::Error::Invalid(format!(
                    "aucune règle de code « {code} » (« ctg regle » les liste toutes)"
                ))
            })?;
            match a.format {
                Format::Json => super::print_report("regle", Vec::<()>::new(), &[], [r])?,
                Format::Texte => sayln!(
                    "{} ({}) : {}\n\n{}",
                    r.code,
                    r.severity.label(),
                    r.title,
                    r.explanation
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
