use super::note;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Fichier JSON de la CTG
    pub fichier: PathBuf,
    /// Document .docx à écrire
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Autre texte de convention (par défaut templates/convention.txt, intégré à ctg)
    #[arg(long)]
    pub texte: Option<PathBuf>,
    /// Logo (PNG ou JPEG) pour la page de titre ; répétable
    #[arg(long = "logo")]
    pub logos: Vec<PathBuf>,
    /// Écrit aussi le PDF, avec LibreOffice
    #[arg(long)]
    pub pdf: bool,
    /// Date inscrite dans les propriétés du document (AAAA-MM-JJ ; par défaut la date de signature)
    #[arg(long)]
    pub date_document: Option<chrono::NaiveDate>,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let mut ctg = ctg::io::read_model(&a.fichier)?;
    // The Caf's profile (ctg.toml): its logos when none is given, its officials where the
    // CTG leaves them blank.
    let profile = ctg::profile::find(Some(&a.fichier))?;
    let mut logo_paths = a.logos.clone();
    let from_profile = logo_paths.is_empty();
    if let Some(p) = &profile {
        if from_profile {
            logo_paths = p.logos();
        }
        p.profile.fill_caf(&mut ctg);
        note!("profil de la Caf : {}", p.path.display());
    }
    let text = match &a.texte {
        Some(p) => String::from_utf8(super::read_input(p)?).map_err(|_| {
            ctg::Error::Invalid(format!("{} n'est pas un texte UTF-8", p.display()))
        })?,
        None => ctg::convention::DEFAULT_TEXT.to_string(),
    };
    // A logo named on the command line must be there; one of the profile that is missing
    // (an example profile copied as is) leaves the convention without it, and says so.
    let mut logos = Vec::new();
    for p in &logo_paths {
        match super::read_input(p) {
            Ok(bytes) => logos.push((p.display().to_string(), bytes)),
            Err(e) if from_profile => {
                note!("attention : logo du profil non repris dans la convention : {e}")
            }
            Err(e) => return Err(e),
        }
    }
    let date = ctg::convention::document_date(&ctg, a.date_document);
    let mut opts = ctg::convention::Options {
        text: &text,
        logos,
        date,
        toc_pages: Vec::new(),
    };
    let (bytes, entries) = ctg::convention::build_with_entries(&ctg, &opts)?;
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    ctg::io::write_new(&a.sortie, &bytes, a.force)?;
    if a.pdf {
        // A first rendering gives each Sommaire entry its page; the document is then written
        // again with the numbers (the Sommaire keeps its length, so pages do not move).
        let written = |e: ctg::Error| {
            ctg::Error::Invalid(format!(
                "{} écrit, mais pas le PDF : {e}",
                a.sortie.display()
            ))
        };
        let pdf = ctg::convention::pdf::to_pdf(&a.sortie).map_err(written)?;
        match ctg::convention::pdf::heading_pages(&pdf, &entries) {
            Some(pages) => {
                opts.toc_pages = pages;
                let bytes = ctg::convention::build(&ctg, &opts)?;
                ctg::io::write_new(&a.sortie, &bytes, true)?;
                ctg::convention::pdf::to_pdf(&a.sortie).map_err(written)?;
            }
            None if cfg!(windows) => note!(
                "numéros de page du sommaire non calculés (pdftotext, de Poppler, est nécessaire) : dans Word, clic droit sur le sommaire, « Mettre à jour les champs »"
            ),
            None => note!(
                "numéros de page du sommaire non calculés (pdftotext, du paquet poppler-utils, est nécessaire)"
            ),
        }
        note!("{} écrit", a.sortie.display());
        note!("{} écrit", pdf.display());
    } else {
        note!("{} écrit", a.sortie.display());
    }
    Ok(ExitCode::SUCCESS)
}
