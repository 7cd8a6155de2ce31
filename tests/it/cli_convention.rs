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

/// The text of a document part, its non-breaking spaces read as spaces.
fn plain(xml: &str) -> String {
    xml.split('<')
        .filter_map(|t| t.split_once('>').map(|x| x.1))
        .collect::<String>()
        .replace(['\u{a0}', '\u{202f}'], " ")
}

fn part(docx: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

fn convention_of(sample: &Path, dir: &Path, pdf: bool) -> std::path::PathBuf {
    let out = dir.join(format!(
        "{}.docx",
        sample.file_stem().unwrap().to_string_lossy()
    ));
    let mut cmd = ctg();
    cmd.arg("convention").arg(sample).arg("-o").arg(&out);
    if pdf {
        cmd.arg("--pdf");
    }
    cmd.assert().success();
    out
}

fn second_sample() -> std::path::PathBuf {
    root().join("samples/ctg-ergue-gaberic.json")
}

#[test]
fn french_typography_names_genders_lists_and_pages_that_hold_in_the_docx() {
    let dir = tempfile::tempdir().unwrap();
    let out = convention_of(&sample(), dir.path(), false);
    let xml = document_xml(&out);
    let raw: String = xml
        .split('<')
        .filter_map(|t| t.split_once('>').map(|x| x.1))
        .collect();
    // Non-breaking spaces where French needs them, none of the plain ones.
    for want in ["4\u{a0}décembre\u{a0}2025", "Mme\u{a0}Gaëlle", "\u{a0}:"] {
        assert!(raw.contains(want), "{want:?} absent");
    }
    for (what, bad) in [
        (
            "espace simple avant « : »",
            regex_like(&raw, |a, b| a == ' ' && b == ':'),
        ),
        (
            "espace simple avant « % »",
            regex_like(&raw, |a, b| a == ' ' && b == '%'),
        ),
        (
            "espace simple avant « ; »",
            regex_like(&raw, |a, b| a == ' ' && b == ';'),
        ),
    ] {
        assert!(bad.is_empty(), "{what} : {bad:?}");
    }
    let text = plain(&xml);
    // Names, not codes; the Caf's officials in their gender; the cover with articles.
    for code in ["29058", "242900660", "29006"] {
        assert!(!text.contains(code), "code {code} dans le texte");
    }
    for want in [
        "La présidente du conseil d'administration",
        "Le directeur",
        "Le président",
        "Entre la Caisse d'allocations familiales du Finistère, la communauté de communes du Pays Fouesnantais, la commune de Fouesnant",
        "transférée à la communauté de communes du Pays Fouesnantais par les communes de",
        "II. Données socio-démographiques sur le territoire",
        "a. Population générale",
        // The model's content: the Caf board's visa, full articles 5, 7 and 12.
        "Vu la délibération du conseil d'administration de la Caisse d'allocations familiales du Finistère relative à la stratégie pluriannuelle de renouvellement",
        "bonus trajectoire de développement",
        "registre des activités de traitement",
        "Résiliation de plein droit sans mise en demeure",
        // Annexe 2 for every signing collectivité, under its full name.
        "La communauté de communes du Pays Fouesnantais",
        "Aucun équipement déclaré.",
        // The AO table as the model lays it out.
        "Exercée à titre facultatif par la commune",
        // Projection tables with grouped headers, for every AO planning the offer.
        "Projection sur la durée de la CTG",
        "Projets d'investissement",
        "Projection de l'offre d'accueil du jeune enfant – Saint-Évarzec",
    ] {
        assert!(text.contains(want), "« {want} » absent");
    }
    assert!(!text.contains("(la présidente)") && !text.contains("(la directrice)"));
    // Real lists: Word numbering, no dash typed in the text.
    assert!(part(&out, "word/numbering.xml").contains("w:numFmt w:val=\"bullet\""));
    for p in xml.split("<w:p>").filter(|p| p.contains("ListBullet")) {
        assert!(
            !plain(p).trim_start().starts_with('–'),
            "tiret tapé : {}",
            plain(p)
        );
    }
    // Fonts with metric-compatible substitutes; no field-update prompt at opening.
    assert!(part(&out, "word/fontTable.xml").contains("Carlito"));
    assert!(!part(&out, "word/settings.xml").contains("updateFields"));
    // Header rows are kept with what follows (no header alone at the foot of a page).
    for t in xml.split("<w:tbl>").skip(1) {
        if let Some(first) = t.split("</w:tr>").next()
            && first.contains("<w:tblHeader/>")
        {
            assert!(first.contains("<w:keepNext/>"), "en-tête sans keepNext");
        }
    }
    // Table headers repeat; the signature table holds together with room to sign; the
    // cover has its own (empty) footer.
    assert!(xml.contains("<w:tblHeader/>"));
    let signatures = xml
        .split("<w:tbl>")
        .find(|t| t.contains("Pour la Caisse"))
        .unwrap();
    assert!(signatures.contains("w:trHeight w:val=\"1985\" w:hRule=\"atLeast\""));
    assert!(signatures.contains("<w:keepNext/>"));
    assert!(xml.contains("<w:titlePg/>") && xml.contains("w:type=\"first\""));
}

/// Pairs of adjacent characters matching `f`, with some context.
fn regex_like(s: &str, f: impl Fn(char, char) -> bool) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    c.windows(2)
        .enumerate()
        .filter(|(_, w)| f(w[0], w[1]))
        .map(|(i, _)| {
            c[i.saturating_sub(20)..(i + 5).min(c.len())]
                .iter()
                .collect()
        })
        .collect()
}

#[test]
fn a_single_commune_ctg_elides_and_gives_the_maire_her_gender() {
    let dir = tempfile::tempdir().unwrap();
    let out = convention_of(&second_sample(), dir.path(), false);
    let text = plain(&document_xml(&out));
    for want in [
        "Entre la Caisse d'allocations familiales du Finistère et la commune d'Ergué-Gabéric",
        "la commune d'Ergué-Gabéric, représentée par Mme Annaïg Le Berre, maire, dûment autorisée",
        "Pour la commune d'Ergué-Gabéric",
        "La maire",
        "exercée par la commune d'Ergué-Gabéric",
    ] {
        assert!(text.contains(want), "« {want} » absent");
    }
    assert!(!text.contains("de Ergué") && !text.contains("29051"));
}

#[test]
#[ignore = "needs the OOXML schema validator (pip install openxml-audit)"]
fn the_schema_validator_finds_no_violation_in_either_convention() {
    let audit = require_tool("openxml-audit", "pip install openxml-audit");
    let dir = tempfile::tempdir().unwrap();
    for s in [sample(), second_sample()] {
        let out = convention_of(&s, dir.path(), false);
        let run = Command::new(&audit).arg(&out).output().unwrap();
        let report = String::from_utf8_lossy(&run.stdout);
        assert!(report.contains("Errors: 0"), "{}: {report}", s.display());
    }
}

#[test]
#[ignore = "needs LibreOffice and pdftotext (apt-get install libreoffice-writer poppler-utils)"]
fn the_pdf_sommaire_has_true_page_numbers_and_the_signatures_share_one_page() {
    require_tool("soffice", "apt-get install libreoffice-writer");
    require_tool("pdftotext", "apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    for s in [sample(), second_sample()] {
        let out = convention_of(&s, dir.path(), true);
        let pdf = out.with_extension("pdf");
        let text = String::from_utf8(
            Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let pages: Vec<String> = text
            .split('\u{c}')
            .map(|p| p.replace(['\u{a0}', '\u{202f}'], " "))
            .collect();
        // No footer on the cover; page 2 onwards numbered.
        assert!(!pages[0].contains("Page 1 sur"), "{}", s.display());
        assert!(pages[1].contains("Page 2 sur"));
        // Every Sommaire line «Titre ….. N» points to the page where the heading is.
        let sommaire = pages.iter().position(|p| p.contains("Sommaire")).unwrap();
        let mut checked = 0;
        for line in pages[sommaire].lines().chain(pages[sommaire + 1].lines()) {
            let Some((title, n)) = line.rsplit_once("..") else {
                continue;
            };
            let Ok(n) = n.trim_start_matches('.').trim().parse::<usize>() else {
                continue;
            };
            let title = title.trim_end_matches('.').trim();
            if title.len() < 8 {
                continue;
            }
            let head: String = title.chars().take(25).collect();
            assert!(
                pages[n - 1].contains(&head),
                "{} : « {title} » annoncé page {n}",
                s.display()
            );
            checked += 1;
        }
        assert!(
            checked >= 15,
            "{} : {checked} entrées vérifiées",
            s.display()
        );
        // No header broken mid-word in the wide tables.
        let flat: String = pages
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for word in [
            "Habitants",
            "Recensement",
            "compétences",
            "prévisionnels",
            "Actuel",
        ] {
            if s == sample() || word != "Habitants" {
                assert!(flat.contains(word), "{} : « {word} » coupé", s.display());
            }
        }
        // All signatures on one page.
        let with: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains("Pour la Caisse") || p.contains("Pour la commune"))
            .filter(|(_, p)| !p.contains("Sommaire"))
            .map(|(i, _)| i)
            .collect();
        let sign_page = pages
            .iter()
            .position(|p| p.contains("Pour la Caisse"))
            .unwrap();
        let count = |p: &str| p.matches("Pour la ").count();
        let signatories = match s == sample() {
            true => 10,
            false => 3,
        };
        assert_eq!(
            count(&pages[sign_page]),
            signatories,
            "{} {with:?}",
            s.display()
        );
    }
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
    // Two logos (the Caf's and the collectivité's) sit side by side in one paragraph.
    let two = dir.path().join("deux.docx");
    ctg()
        .arg("convention")
        .arg(sample())
        .arg("--logo")
        .arg(input("logo-caf.png"))
        .arg("--logo")
        .arg(input("logo-caf.png"))
        .arg("-o")
        .arg(&two)
        .assert()
        .success();
    let xml2 = document_xml(&two);
    let para = xml2
        .split("</w:p>")
        .find(|p| p.contains("rIdImg1"))
        .unwrap();
    assert!(para.contains("rIdImg2"), "logos empilés");
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
    // The cover has no footer; the next pages are numbered.
    assert!(!flat.contains("Page 1 sur") && flat.contains("Page 2 sur"));
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
    let text = plain(&document_xml(&out));
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
