//! The Caf's profile (`ctg.toml`): stored once, beside the CTG or in the configuration
//! folder, instead of `--contact`, `--date-limite` and `--logo` on every run.

use crate::common::*;

const PROFILE: &str = "contact = \"Chargée de coopération, cooperation@caf29.example.fr\"\ndelai_reponse_jours = 30\nlogos = [\"logo.png\"]\n\n[caf]\nnom = \"Caisse d'allocations familiales du Finistère\"\ndepartement = \"29\"\npresident = \"Mme Armelle Kervella\"\ndirecteur = \"M. Tugdual Le Meur\"\n";

/// Every XML part of a form (the «Lisez-moi» text is in its shared strings).
fn readme_text(form: &std::path::Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(form).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().ends_with(".xml") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).unwrap();
            all.push_str(&s);
        }
    }
    all
}

#[test]
fn a_profile_beside_the_ctg_fills_the_forms_contact_and_deadline_and_the_cover_logo() {
    let dir = tempfile::tempdir().unwrap();
    let ctg_file = dir.path().join("ctg.json");
    std::fs::copy(sample(), &ctg_file).unwrap();
    std::fs::write(dir.path().join("ctg.toml"), PROFILE).unwrap();
    std::fs::copy(input("logo-caf.png"), dir.path().join("logo.png")).unwrap();
    let forms = dir.path().join("f");
    let out = ctg()
        .args(["formulaires", "--date", "2026-06-15"])
        .arg(&ctg_file)
        .arg("-o")
        .arg(&forms)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("profil de la Caf"));
    let form = std::fs::read_dir(&forms)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = readme_text(&form);
    assert!(
        text.contains("cooperation@caf29.example.fr"),
        "contact absent"
    );
    assert!(
        text.contains("15 juillet 2026"),
        "date limite (15 juin + 30 jours) absente"
    );
    // The command line wins over the profile.
    let forms2 = dir.path().join("g");
    ctg()
        .args([
            "formulaires",
            "--date",
            "2026-06-15",
            "--contact",
            "Autre contact",
        ])
        .arg(&ctg_file)
        .arg("-o")
        .arg(&forms2)
        .assert()
        .success();
    let form2 = std::fs::read_dir(&forms2)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text2 = readme_text(&form2);
    assert!(text2.contains("Autre contact") && !text2.contains("cooperation@caf29"));
    // The convention takes the profile's logo.
    let docx = dir.path().join("c.docx");
    ctg()
        .arg("convention")
        .arg(&ctg_file)
        .arg("-o")
        .arg(&docx)
        .assert()
        .success();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    assert!(
        z.by_name("word/media/logo1.png").is_ok(),
        "logo du profil absent"
    );
}

#[test]
fn a_profile_in_the_configuration_folder_prefills_a_new_ctg_and_its_mistakes_are_located() {
    let config = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(config.path().join("ctg")).unwrap();
    std::fs::write(config.path().join("ctg/ctg.toml"), PROFILE).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nouvelle.json");
    ctg()
        .env("XDG_CONFIG_HOME", config.path())
        .args(["init", "--commune", "29051", "-o"])
        .arg(&out)
        .assert()
        .success();
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        m["convention"]["caf"]["nom"],
        "Caisse d'allocations familiales du Finistère"
    );
    assert_eq!(m["convention"]["caf"]["directeur"], "M. Tugdual Le Meur");
    // A mistake in the profile: exit 2, the file and the line named, in French.
    std::fs::write(
        config.path().join("ctg/ctg.toml"),
        "contact = \"x\"\ncouleur = \"bleu\"\n",
    )
    .unwrap();
    let res = ctg()
        .env("XDG_CONFIG_HOME", config.path())
        .args(["init", "--commune", "29051", "--force", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("ctg.toml") && err.contains("ligne 2") && err.contains("« couleur »"),
        "{err}"
    );
}

/// The example profile copied as its first line says, without a logo beside it: the
/// convention is still written, and the missing logo is said (it used to stop every
/// `convention`). A logo named on the command line must exist.
#[test]
fn a_profile_logo_that_is_missing_leaves_the_convention_without_it_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let ctg_file = dir.path().join("ctg.json");
    std::fs::copy(sample(), &ctg_file).unwrap();
    std::fs::write(dir.path().join("ctg.toml"), PROFILE).unwrap();
    let out_file = dir.path().join("c.docx");
    let out = ctg()
        .arg("convention")
        .arg(&ctg_file)
        .arg("-o")
        .arg(&out_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(out_file.is_file());
    assert!(err.contains("logo du profil non repris"), "{err}");
    assert!(err.contains("logo.png"), "{err}");
    let out = ctg()
        .arg("convention")
        .arg(&ctg_file)
        .arg("-o")
        .arg(dir.path().join("d.docx"))
        .arg("--logo")
        .arg(dir.path().join("absent.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("d.docx").exists());
    // The shipped example no longer names a logo that is not there.
    let example = std::fs::read_to_string(root().join("docs/ctg.toml.exemple")).unwrap();
    assert!(
        example
            .lines()
            .all(|l| !l.trim_start().starts_with("logos")),
        "{example}"
    );
}

/// `--pdf` where LibreOffice is missing: the .docx was written, and the message says so.
#[test]
fn a_pdf_that_cannot_be_made_says_the_docx_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("c.docx");
    let out = ctg()
        .env("PATH", dir.path())
        .arg("convention")
        .arg(sample())
        .arg("-o")
        .arg(&out_file)
        .arg("--pdf")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out_file.is_file());
    assert!(err.contains("c.docx écrit, mais pas le PDF"), "{err}");
    assert!(err.contains("LibreOffice est nécessaire"), "{err}");
}

/// Forms made without a deadline or a contact (no option, no profile) are still written, and
/// the user is warned before sending vague forms out; with the options, no warning.
#[test]
fn forms_without_deadline_or_contact_are_written_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = ctg()
        .args(["formulaires", "--date", "2026-06-15"])
        .arg(sample())
        .arg("-o")
        .arg(dir.path().join("f"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("attention : sans --date-limite"), "{err}");
    assert!(err.contains("attention : sans --contact"), "{err}");
    let out = ctg()
        .args([
            "formulaires",
            "--date",
            "2026-06-15",
            "--date-limite",
            "15/07/2026",
        ])
        .args(["--contact", "Marie Dupont, 02 98 00 00 00"])
        .arg(sample())
        .arg("-o")
        .arg(dir.path().join("g"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("attention"), "{err}");
}
