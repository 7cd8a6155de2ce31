//! The PDF of a convention, through LibreOffice (`soffice --convert-to pdf`) in a private
//! profile, so a running LibreOffice of the user is not disturbed.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Converts with LibreOffice, in a private profile; a clear French error when it is absent.
pub fn to_pdf(docx: &Path) -> Result<PathBuf> {
    let soffice = ["soffice", "libreoffice"].iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        return Err(Error::Invalid(
            "LibreOffice est nécessaire pour le PDF et n'est pas installé : sudo apt-get install libreoffice-writer (ou ouvrez le .docx dans Word et enregistrez-le en PDF)".into(),
        ));
    };
    let outdir = docx
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let profile = tempfile::tempdir().map_err(|e| Error::Invalid(e.to_string()))?;
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
        .map_err(|e| Error::Invalid(format!("LibreOffice n'a pas pu être lancé : {e}")))?;
    let pdf = outdir.join(format!(
        "{}.pdf",
        docx.file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    if !pdf.exists() {
        return Err(Error::Invalid(format!(
            "LibreOffice n'a pas produit le PDF : {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(pdf)
}
