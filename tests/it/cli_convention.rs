//! `ctg convention`: golden document, options, editable text, and the real LibreOffice
//! conversion to PDF checked with pdftotext.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn document_xml(docx: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s).unwrap();
    s
}

/// One tag per line, so that a golden diff reads.
fn normalise(xml: &str) -> String {
    xml.replace("><", ">\n<") + "\n"
}

#[test]
fn document_matches_the_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let got = normalise(&document_xml(&out));
    let golden = root().join("tests/golden/convention-document.xml");
    if std::env::var("CTG_UPDATE_GOLDEN").is_ok() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden)
        .expect("golden file (CTG_UPDATE_GOLDEN=1 cargo test to create it)");
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "document.xml differs from the golden file at line {}: {:?} vs {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn a_caf_changes_an_article_by_editing_the_text_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = ctg::convention::DEFAULT_TEXT.replace(
        "Les litiges nés de l'exécution de la présente convention relèvent du tribunal administratif dans le ressort duquel se trouve la Caf.",
        "Avant tout recours, les parties recherchent un accord amiable devant le comité de pilotage.",
    );
    let t = dir.path().join("texte.txt");
    std::fs::write(&t, text).unwrap();
    let out = dir.path().join("c.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("--texte")
        .arg(&t)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let xml = document_xml(&out);
    assert!(xml.contains("accord amiable devant le comité de pilotage"));
    assert!(!xml.contains("dans le ressort duquel"));
    // A placeholder the model cannot fill is named.
    std::fs::write(&t, "# Article 1\nLa {{caf.adresse}} signe.").unwrap();
    let res = ctg()
        .arg("convention")
        .arg(sample())
        .arg("--texte")
        .arg(&t)
        .arg("-o")
        .arg(dir.path().join("x.docx"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("caf.adresse"));
}

#[test]
fn logos_go_on_the_title_page_and_properties_name_the_caf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("--logo")
        .arg(input("logo-caf.png"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert!(z.by_name("word/media/logo1.png").is_ok());
    let mut core = String::new();
    std::io::Read::read_to_string(&mut z.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(
        core.contains("<dc:creator>Caisse d'allocations familiales du Finistère</dc:creator>"),
        "{core}"
    );
    assert!(core.contains("Convention territoriale globale du Pays Fouesnantais"));
    let xml = document_xml(&out);
    assert!(
        xml.find("r:embed=\"rIdImg1\"").unwrap()
            < xml.find("Convention territoriale globale").unwrap()
    );
    // Not an image: a clear error.
    let res = ctg()
        .arg("convention")
        .arg(sample())
        .arg("--logo")
        .arg(sample())
        .arg("-o")
        .arg(dir.path().join("x.docx"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("PNG et JPEG"));
}

#[test]
fn pdf_without_libreoffice_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let res = ctg()
        .env("PATH", "/nonexistent")
        .arg("convention")
        .arg(sample())
        .arg("--pdf")
        .arg("-o")
        .arg(dir.path().join("c.docx"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("apt-get install libreoffice-writer"));
}

#[test]
#[ignore = "needs LibreOffice and pdftotext (apt-get install libreoffice-writer poppler-utils)"]
fn libreoffice_pdf_holds_every_article_fiche_signatory_and_landscape_projections() {
    require_tool("soffice", "apt-get install libreoffice-writer");
    require_tool("pdftotext", "apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("convention.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("--pdf")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let pdf = dir.path().join("convention.pdf");
    let text = String::from_utf8(
        Command::new("pdftotext")
            .arg("-layout")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for n in 1..=14 {
        assert!(
            flat.contains(&format!("Article {n} –")),
            "Article {n} missing"
        );
    }
    let ctg_model = ctg::io::read_model(&sample()).unwrap();
    for f in &ctg_model.fiches {
        let words: String = f
            .titre
            .split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains(&words),
            "fiche {} « {} » missing",
            f.id,
            f.titre
        );
    }
    for s in &ctg_model.convention.signataires {
        assert!(
            flat.contains(&s.representant),
            "signatory {} missing",
            s.representant
        );
    }
    assert!(
        flat.contains(&ctg_model.convention.caf.president)
            && flat.contains(&ctg_model.convention.caf.directeur)
    );
    assert!(flat.contains("du 1er janvier 2026 au 31 décembre 2030"));
    assert!(flat.contains("Page 1 sur"));
    // The projection pages are landscape, the others portrait.
    let pages: usize =
        String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout)
            .unwrap()
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
    let mut landscape_projection = 0;
    for p in 1..=pages {
        let page = String::from_utf8(
            Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
        let info = String::from_utf8(
            Command::new("pdfinfo")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&pdf)
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let size: Vec<f64> = info
            .lines()
            .find(|l| l.contains("size:") && l.starts_with("Page"))
            .unwrap()
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let wide = size[1] > size[2];
        if page.contains("Mode d'accueil / dispositif") {
            assert!(wide, "projection page {p} is not landscape");
            landscape_projection += 1;
        } else if page.contains("Article 1 –") {
            assert!(!wide, "page {p} should be portrait");
        }
    }
    assert!(landscape_projection >= 1);
}

#[test]
fn collectivites_read_as_a_caf_writes_them_with_articles_and_genders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = document_xml(&out)
        .split('<')
        .filter_map(|t| t.split_once('>').map(|x| x.1))
        .collect::<String>();
    for want in [
        "la commune de Fouesnant, représentée par Mme Gaëlle Quéré, maire, dûment autorisée à signer",
        "la communauté de communes du Pays Fouesnantais, représentée par M. Jean-Marc Le Floc'h, président, dûment autorisé à signer",
        "Vu la délibération du conseil municipal de la commune de Fouesnant du 4 décembre 2025 ;",
        "Vu la délibération du conseil communautaire de la communauté de communes du Pays Fouesnantais du 20 novembre 2025 (n° 2025-118) ;",
        "présidente de son conseil d'administration, et par M. Tugdual Le Meur, son directeur, dûment autorisés",
        "Pour la commune de Fouesnant",
        "territoire de la communauté de communes du Pays Fouesnantais",
        "et la commune de Clohars-Fouesnant concluent",
    ] {
        assert!(text.contains(want), "« {want} » absent");
    }
    for unwanted in [
        "président(e)",
        "autorisé(e)",
        "(sa directrice)",
        "Vu la délibération de Commune",
        "Pour Commune de",
        "territoire de CC ",
    ] {
        assert!(!text.contains(unwanted), "« {unwanted} » présent");
    }
}
