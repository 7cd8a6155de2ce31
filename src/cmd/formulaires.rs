use super::{note, sayln};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use ctg::returns::forms::{FormSettings, all_forms, quarter_for};

#[derive(clap::Args)]
pub struct Args {
    /// Fichier JSON de la CTG
    pub fichier: PathBuf,
    /// Dossier où écrire un formulaire par commune et un pour l'EPCI
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Date de génération inscrite dans les formulaires (AAAA-MM-JJ ; par défaut aujourd'hui)
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// Trimestre de suivi à renseigner (ex. 2026-T2 ; par défaut celui de la date)
    #[arg(long)]
    pub trimestre: Option<String>,
    /// Date limite de retour, affichée dans « Lisez-moi »
    #[arg(long, default_value = "")]
    pub date_limite: String,
    /// Contact pour les questions, affiché dans « Lisez-moi »
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg = ctg::io::read_model(&a.fichier)?;
    let date = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let trimestre = match a.trimestre {
        Some(t) => ctg::fr::Quarter::parse_lenient(&t)
            .map(|q| q.to_string())
            .ok_or_else(|| {
                ctg::Error::Invalid(format!(
                    "trimestre « {t} » invalide (forme attendue : 2026-T2)"
                ))
            })?,
        None => quarter_for(&ctg, date),
    };
    // The Caf's profile (ctg.toml) gives the contact and the usual delay when the command
    // line does not.
    let profile = ctg::profile::find(Some(&a.fichier))?;
    let mut contact = a.contact;
    let mut deadline = a.date_limite;
    if let Some(p) = &profile {
        if contact.is_empty() {
            contact = p.profile.contact.clone();
        }
        if deadline.is_empty()
            && let Some(d) = p.profile.deadline(date)
        {
            deadline = d;
        }
        note!("profil de la Caf : {}", p.path.display());
    }
    // Forms about to go out with placeholders instead of a date or a contact: said.
    if deadline.is_empty() {
        note!(
            "attention : sans --date-limite ni délai dans le profil de la Caf, les formulaires disent « à renvoyer avant la date indiquée par votre chargé(e) de coopération »"
        );
    }
    if contact.is_empty() {
        note!(
            "attention : sans --contact ni profil de la Caf, les formulaires ne donnent pas de contact précis"
        );
    }
    let settings = FormSettings {
        date,
        trimestre,
        deadline,
        contact,
    };
    let forms = all_forms(&ctg, &settings)?;
    // Checked before anything is written: a filled return sitting there must not be lost.
    for f in &forms {
        ctg::io::check_new(&a.sortie.join(&f.file_name), a.force)?;
    }
    for f in &forms {
        ctg::io::write_atomic(&a.sortie.join(&f.file_name), &f.bytes)?;
        sayln!(
            "{}  {} ({})",
            a.sortie.join(&f.file_name).display(),
            f.nom,
            f.layout.title
        );
    }
    note!(
        "{} formulaires écrits dans {} (suivi du trimestre {})",
        forms.len(),
        a.sortie.display(),
        settings.trimestre
    );
    Ok(ExitCode::SUCCESS)
}
