use super::note;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Kind {
    /// Retours de communes remplis, avec une part contrôlée d'erreurs et leur manifeste
    #[command(help_template = crate::TEMPLATE)]
    Retours(Args),
}

#[derive(clap::Args)]
pub struct Args {
    /// Nombre de retours
    #[arg(short = 'n', long = "nombre", default_value_t = 10)]
    pub nombre: usize,
    /// Dossier de sortie
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Graine du tirage (mêmes graine et nombre : mêmes fichiers)
    #[arg(long, default_value_t = 1)]
    pub graine: u64,
    /// Part des retours qui contiennent des erreurs (0 à 1)
    #[arg(long, default_value_t = 0.3)]
    pub taux_erreurs: f64,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(k: Kind) -> ctg::Result<ExitCode> {
    let Kind::Retours(a) = k;
    // A share, not a percentage: «50» would silently mean «all of them».
    if !(0.0..=1.0).contains(&a.taux_erreurs) {
        return Err(ctg::Error::Invalid(format!(
            "--taux-erreurs est une part de 0 à 1 (0,3 pour 30 %), pas « {} »",
            ctg::fr::number(a.taux_erreurs)
        )));
    }
    let mut manifest = String::from(ctg::returns::exemple::MANIFEST_HEADER);
    let (mut count, mut files) = (0, 0);
    ctg::returns::exemple::returns_into(a.nombre, a.graine, a.taux_erreurs, &mut |g| {
        ctg::io::write_new(&a.sortie.join(&g.file_name), &g.bytes, a.force)?;
        for i in &g.injections {
            manifest.push_str(&i.tsv_line());
            count += 1;
        }
        files += 1;
        Ok(())
    })?;
    ctg::io::write_new(
        &a.sortie.join("manifeste.tsv"),
        manifest.as_bytes(),
        a.force,
    )?;
    note!(
        "{} écrits dans {} ; {} (manifeste.tsv)",
        ctg::fr::plural(files, "retour", "retours"),
        a.sortie.display(),
        ctg::fr::plural(count, "erreur injectée", "erreurs injectées")
    );
    Ok(ExitCode::SUCCESS)
}
