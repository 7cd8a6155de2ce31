use super::note;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use ctg::ao::Basis;
use ctg::init::{Scope, new_ctg};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("perimetre").required(true).args(["epci", "commune"])))]
pub struct Args {
    /// SIREN de l'EPCI signataire (CTG intercommunale)
    #[arg(long)]
    pub epci: Option<String>,
    /// Code INSEE de la commune signataire (CTG communale)
    #[arg(long)]
    pub commune: Option<String>,
    /// Fichier JSON à créer
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Date de début (AAAA-MM-JJ) ; la fin est fixée au 31 décembre N+4
    #[arg(long, default_value = "2026-01-01")]
    pub debut: NaiveDate,
    /// Population servant à déterminer les compétences obligatoires
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
    /// CTG lue ailleurs (« ctg importer » d'une convention Word ou d'un classeur) : son plan
    /// d'actions, ses annexes, ses parties, sa période et ses textes complètent la nouvelle CTG
    #[arg(long, value_name = "CTG.json")]
    pub depuis: Option<PathBuf>,
    /// Remplace le fichier de sortie s'il existe
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    ctg::io::check_new(&a.sortie, a.force)?;
    let scope = match (&a.epci, &a.commune) {
        (Some(e), _) => Scope::Epci(e),
        (None, Some(c)) => Scope::Commune(c),
        (None, None) => unreachable!("clap requires one"),
    };
    let imported = a.depuis.as_deref().map(ctg::io::read_model).transpose()?;
    let mut ctg = new_ctg(scope, a.debut, a.population)?;
    // The Caf's profile (ctg.toml in the output's folder or the configuration folder).
    if let Some(p) = ctg::profile::find(Some(&a.sortie))? {
        let caf = &p.profile.caf;
        ctg.convention.caf.nom = caf.nom.clone();
        ctg.convention.caf.departement = caf.departement.clone();
        ctg.convention.caf.president = caf.president.clone();
        ctg.convention.caf.directeur = caf.directeur.clone();
        note!("profil de la Caf : {}", p.path.display());
    }
    if let (Some(from), Some(path)) = (&imported, &a.depuis) {
        note!("depuis {} :", path.display());
        for line in ctg::init::take_from(&mut ctg, from) {
            note!("  {line}");
        }
    }
    ctg::io::write_atomic(&a.sortie, ctg::io::model_json(&ctg).as_bytes())?;
    note!(
        "{} créé : {}, période du {} au {}. Complétez signataires, équipements et fiches-action, puis lancez « ctg verifier {} ».",
        a.sortie.display(),
        ctg::fr::plural(ctg.territoire.communes.len(), "commune", "communes"),
        ctg.convention
            .periode
            .debut
            .map(ctg::fr::date)
            .unwrap_or_default(),
        ctg.convention
            .periode
            .fin
            .map(ctg::fr::date)
            .unwrap_or_default(),
        a.sortie.display()
    );
    Ok(ExitCode::SUCCESS)
}
