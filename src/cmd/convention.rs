use std::path::{Path, PathBuf};
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
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg = ctg::io::read_model(&a.fichier)?;
    let text = match &a.texte {
        Some(p) => String::from_utf8(super::read_input(p)?).map_err(|_| {
            ctg::Error::Invalid(format!("{} n'est pas un texte UTF-8", p.display()))
        })?,
        None => ctg::convention::DEFAULT_TEXT.to_string(),
    };
    let logos = a
        .logos
        .iter()
        .map(|p| Ok((p.display().to_string(), super::read_input(p)?)))
        .collect::<ctg::Result<Vec<_>>>()?;
    let date = a
        .date_document
        .or(ctg.convention.signature.date)
        .or(ctg.convention.periode.debut)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "2000-01-01T00:00:00Z".into());
    let bytes = ctg::convention::build(
        &ctg,
        &ctg::convention::Options {
            text: &text,
            logos,
            date,
        },
    )?;
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    ctg::io::write_atomic(&a.sortie, &bytes)?;
    eprintln!("{} écrit", a.sortie.display());
    if a.pdf {
        let pdf = to_pdf(&a.sortie)?;
        eprintln!("{} écrit", pdf.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Converts with LibreOffice, in a private profile; a clear French error when it is absent.
pub fn to_pdf(docx: &Path) -> ctg::Result<PathBuf> {
    let soffice = ["soffice", "libreoffice"].iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        return Err(ctg::Error::Invalid(
            "LibreOffice est nécessaire pour le PDF et n'est pas installé : sudo apt-get install libreoffice-writer (ou ouvrez le .docx dans Word et enregistrez-le en PDF)".into(),
        ));
    };
    let outdir = docx
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let profile = tempfile::tempdir().map_err(|e| ctg::Error::Invalid(e.to_string()))?;
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(outdir)
        .arg(docx)
        .output()
        .map_err(|e| ctg::Error::Invalid(format!("LibreOffice n'a pas pu être lancé : {e}")))?;
    let pdf = outdir.join(format!(
        "{}.pdf",
        docx.file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    if !pdf.exists() {
        return Err(ctg::Error::Invalid(format!(
            "LibreOffice n'a pas produit le PDF : {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(pdf)
}
