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

/// The page of each heading in a rendered PDF, through `pdftotext` (poppler): pages are
/// split at form feeds and each heading is looked for in order, after the Sommaire (which
/// lists them all). `None` when pdftotext is missing or a heading is not found.
pub fn heading_pages(pdf: &Path, headings: &[String]) -> Option<Vec<u32>> {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<String> = text.split('\u{c}').map(squash).collect();
    locate(&pages, headings)
}

fn squash(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Page (1-based) of each heading, searched in order after the page where the last heading
/// first appears (the Sommaire's last page).
fn locate(pages: &[String], headings: &[String]) -> Option<Vec<u32>> {
    let key = |h: &str| squash(h).chars().take(40).collect::<String>();
    let last = key(headings.last()?);
    let toc_end = pages.iter().position(|p| p.contains(&last))?;
    let mut at = toc_end + 1;
    let mut out = Vec::with_capacity(headings.len());
    for h in headings {
        let k = key(h);
        let found = (at..pages.len()).find(|&i| pages[i].contains(&k))?;
        out.push(found as u32 + 1);
        at = found;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_are_found_after_the_sommaire_in_order() {
        let pages: Vec<String> = [
            "Convention",
            "Sommaire Les parties Article 1 – Objet Annexe 1",
            "Les parties texte",
            "Article 1 – Objet suite",
            "Annexe 1 liste",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let h = ["Les parties", "Article 1 – Objet", "Annexe 1"].map(String::from);
        assert_eq!(super::locate(&pages, &h), Some(vec![3, 4, 5]));
        assert_eq!(super::locate(&pages[..3], &h), None);
    }
}
