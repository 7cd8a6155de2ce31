use std::process::ExitCode;

use super::say;
use ctg::ao::Basis;

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// SIREN d'un EPCI, code INSEE ou nom d'une commune ou d'un EPCI
    pub requete: String,
    /// Format de sortie
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
    /// Population servant aux seuils de 3 500 et 10 000 habitants
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let v =
        ctg::territory::view::territoire(&a.requete, a.population).map_err(ctg::Error::Invalid)?;
    match a.format {
        Format::Json => super::print_report("territoire", Vec::<()>::new(), &[], &v)?,
        Format::Texte => say!("{}", ctg::territory::view::territoire_text(&v)),
    }
    Ok(ExitCode::SUCCESS)
}
