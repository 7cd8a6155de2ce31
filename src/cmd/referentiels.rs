use std::process::ExitCode;

use super::Format;
use super::sayln;

#[derive(clap::Args)]
pub struct Args {
    /// Format de sortie
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let cat = ctg::referentials::catalogue();
    match a.format {
        Format::Json => {
            let v: serde_json::Map<String, serde_json::Value> = cat
                .iter()
                .map(|(t, vals)| {
                    (
                        t.to_string(),
                        vals.iter()
                            .map(|(c, l)| serde_json::json!({"code": c, "libelle": l}))
                            .collect(),
                    )
                })
                .collect();
            super::print_report("referentiels", Vec::<()>::new(), &[], &v)?;
        }
        Format::Texte => {
            for (title, values) in cat {
                sayln!("{title}");
                for (code, label) in values {
                    sayln!("  {code:<22} {label}");
                }
                sayln!();
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
