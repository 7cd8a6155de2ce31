//! The PDF of a convention, through LibreOffice (`soffice --convert-to pdf`) in a private
//! profile, so a running LibreOffice of the user is not disturbed.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Converts with LibreOffice, in a private profile; a clear French error when it is absent.
pub fn to_pdf(docx: &Path) -> Result<PathBuf> {
    let Some(soffice) = find_soffice() else {
        return Err(Error::Invalid(missing_message(cfg!(windows)).into()));
    };
    let outdir = docx
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let profile = tempfile::tempdir().map_err(|e| Error::Invalid(e.to_string()))?;
    let out = std::process::Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation={}",
            file_url(&profile.path().to_string_lossy(), cfg!(windows))
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
        .map_err(|e| {
            Error::Invalid(format!(
                "LibreOffice ({}) n'a pas pu être lancé : {}",
                soffice.display(),
                crate::error::io_message(&e)
            ))
        })?;
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

/// LibreOffice's program. On Linux and macOS, `soffice` (or `libreoffice`) on the PATH, the
/// one that answers `--version`. On Windows, where the installer does not touch the PATH,
/// the first file among [`windows_candidates`] (nothing is run to probe it: a GUI program
/// could open a window).
fn find_soffice() -> Option<PathBuf> {
    if cfg!(windows) {
        let path = std::env::var("PATH").unwrap_or_default();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        return windows_candidates(&path, &env)
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file());
    }
    ["soffice", "libreoffice"]
        .iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(PathBuf::from)
}

/// Where LibreOffice may be on Windows, in order: each folder of the PATH, then the folders
/// its installer uses (`%ProgramFiles%`, `%ProgramW6432%`, `%ProgramFiles(x86)%`, each
/// `\LibreOffice\program`, and `C:\Program Files` last). In each folder
/// `soffice.com` comes first: the console launcher waits for the conversion and passes its
/// messages through; `soffice.exe` is the desktop one.
fn windows_candidates(path: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut dirs: Vec<String> = path
        .split(';')
        .map(|d| d.trim().trim_matches('"'))
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    let mut bases: Vec<String> = ["ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"]
        .iter()
        .filter_map(|v| env(v))
        .collect();
    bases.push("C:\\Program Files".into());
    dirs.extend(
        bases
            .iter()
            .map(|b| format!("{}\\LibreOffice\\program", b.trim_end_matches(['\\', '/']))),
    );
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(d.trim_end_matches(['\\', '/']).to_lowercase()));
    dirs.iter()
        .flat_map(|d| {
            let d = d.trim_end_matches(['\\', '/']);
            ["soffice.com", "soffice.exe"].map(|exe| format!("{d}\\{exe}"))
        })
        .collect()
}

/// What to do without LibreOffice, in the words of the user's system.
fn missing_message(windows: bool) -> &'static str {
    if windows {
        "LibreOffice est nécessaire pour le PDF et n'a été trouvé ni dans le PATH ni dans C:\\Program Files\\LibreOffice : installez LibreOffice depuis https://fr.libreoffice.org/download/ (ou ouvrez le .docx dans Word et enregistrez-le en PDF)"
    } else {
        "LibreOffice est nécessaire pour le PDF et n'est pas installé : sudo apt-get install libreoffice-writer (ou ouvrez le .docx dans Word et enregistrez-le en PDF)"
    }
}

/// A local path as a `file:` URL, as LibreOffice reads it in `-env:UserInstallation`:
/// `/tmp/x` → `file:///tmp/x`; on Windows `C:\Users\x` → `file:///C:/Users/x` and
/// `\\serveur\partage\x` → `file://serveur/partage/x` (the `\\?\` forms too). Every byte
/// of the UTF-8 path outside letters, digits, `-._~`, `/` and `:` is percent-encoded
/// (spaces, accents, `%`, `#`).
pub fn file_url(path: &str, windows: bool) -> String {
    let (host, rest) = if windows {
        let p = path.replace('\\', "/");
        if let Some(unc) = p
            .strip_prefix("//?/UNC/")
            .or_else(|| p.strip_prefix("//").filter(|r| !r.starts_with("?/")))
        {
            match unc.split_once('/') {
                Some((host, rest)) => (host.to_string(), format!("/{rest}")),
                None => (unc.to_string(), String::new()),
            }
        } else {
            let local = p.strip_prefix("//?/").unwrap_or(&p);
            (String::new(), format!("/{}", local.trim_start_matches('/')))
        }
    } else {
        (String::new(), path.to_string())
    };
    let mut url = format!("file://{}", percent_encode(&host));
    url.push_str(&percent_encode(&rest));
    url
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

    #[test]
    fn windows_paths_become_file_urls_with_drive_letter_and_percent_encoding() {
        use super::file_url;
        assert_eq!(
            file_url(r"C:\Users\Ma Caf\AppData\Local\Temp\x", true),
            "file:///C:/Users/Ma%20Caf/AppData/Local/Temp/x"
        );
        // Accents are UTF-8, byte by byte; a short (8.3) name keeps its tilde.
        assert_eq!(
            file_url(r"C:\Users\Hélène\AppData\Local\Temp\.tmpAb3~1", true),
            "file:///C:/Users/H%C3%A9l%C3%A8ne/AppData/Local/Temp/.tmpAb3~1"
        );
        assert_eq!(
            file_url(r"\\serveur\partage\x", true),
            "file://serveur/partage/x"
        );
        assert_eq!(
            file_url(r"\\serveur\partage commun\dossier #1\x", true),
            "file://serveur/partage%20commun/dossier%20%231/x"
        );
        // Verbatim forms (what canonicalize gives on Windows).
        assert_eq!(
            file_url(r"\\?\D:\ctg\profil", true),
            "file:///D:/ctg/profil"
        );
        assert_eq!(
            file_url(r"\\?\UNC\serveur\partage\x", true),
            "file://serveur/partage/x"
        );
        // Forward slashes are separators on Windows too.
        assert_eq!(file_url("C:/Temp/x", true), "file:///C:/Temp/x");
    }

    #[test]
    fn unix_paths_become_file_urls() {
        use super::file_url;
        assert_eq!(file_url("/tmp/.tmpXyZ", false), "file:///tmp/.tmpXyZ");
        assert_eq!(
            file_url("/home/ma caf/données/100%", false),
            "file:///home/ma%20caf/donn%C3%A9es/100%25"
        );
        // A backslash is an ordinary character of a Unix name.
        assert_eq!(file_url("/tmp/a\\b", false), "file:///tmp/a%5Cb");
    }

    #[test]
    fn libreoffice_is_looked_for_on_the_path_then_where_windows_installs_it() {
        let env = |k: &str| match k {
            "ProgramFiles" => Some(r"C:\Program Files".to_string()),
            "ProgramW6432" => Some(r"C:\Program Files\".to_string()),
            "ProgramFiles(x86)" => Some(r"C:\Program Files (x86)".to_string()),
            _ => None,
        };
        let c = super::windows_candidates(r#"C:\Windows\system32;;"D:\Outils\LO\program\""#, &env);
        assert_eq!(
            c,
            [
                r"C:\Windows\system32\soffice.com",
                r"C:\Windows\system32\soffice.exe",
                r"D:\Outils\LO\program\soffice.com",
                r"D:\Outils\LO\program\soffice.exe",
                r"C:\Program Files\LibreOffice\program\soffice.com",
                r"C:\Program Files\LibreOffice\program\soffice.exe",
                r"C:\Program Files (x86)\LibreOffice\program\soffice.com",
                r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
            ]
        );
        // Nothing set: the default folder still.
        let none = super::windows_candidates("", &|_| None);
        assert_eq!(
            none,
            [
                r"C:\Program Files\LibreOffice\program\soffice.com",
                r"C:\Program Files\LibreOffice\program\soffice.exe",
            ]
        );
    }

    #[test]
    fn the_missing_libreoffice_advice_fits_the_system() {
        let w = super::missing_message(true);
        assert!(w.contains("https://fr.libreoffice.org/download/"), "{w}");
        assert!(w.contains("Word"), "{w}");
        assert!(!w.contains("apt-get"), "{w}");
        let l = super::missing_message(false);
        assert!(l.contains("apt-get install libreoffice-writer"), "{l}");
    }
}
