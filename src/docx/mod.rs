//! Word CTGs → model: the streaming reader (`reader`) and the table recogniser
//! (`recognize`). Uses the same container pre-flight as the workbook reader.

pub mod convention;
pub mod read;
pub mod recognize;
pub mod write;

use crate::codes::Code;
use crate::container::{self, Format};
use crate::model::Ctg;

pub use recognize::Report;

/// Imports a .docx; `Err` is a French message saying why it cannot be read.
pub fn import(bytes: &[u8]) -> Result<(Ctg, Report), (Code, String)> {
    import_as(container::sniff(bytes), bytes)
}

/// [`import`] when the caller already recognised (and checked) the file with `sniff`.
pub fn import_as(
    sniffed: Result<Format, crate::container::Refusal>,
    bytes: &[u8],
) -> Result<(Ctg, Report), (Code, String)> {
    match sniffed {
        Ok(Format::Docx) => {}
        Ok(Format::Doc) => {
            return Err((Code::E100, doc_advice(cfg!(windows)).into()));
        }
        Ok(f) => return Err((Code::E100, format!("{} et non document Word", f.label()))),
        Err(r) => return Err((r.code, r.message)),
    }
    let blocks = crate::guard::quietly(|| read::read(bytes))
        .map_err(|_| {
            (
                Code::E100,
                "document Word corrompu : la lecture a échoué".to_string(),
            )
        })?
        .map_err(|m| (Code::E100, m))?;
    // The recogniser indexes tables it classified; a slip on a hostile shape refuses the
    // file rather than ending the process.
    let (mut ctg, report) =
        crate::guard::quietly(|| recognize::recognise(&blocks)).map_err(|_| {
            (
                Code::E100,
                "document Word : la reconnaissance de son contenu a échoué".to_string(),
            )
        })?;
    complete_epci(&mut ctg);
    codes_for_names(&mut ctg);
    if written_by_ctg(bytes) {
        generated_parts_aside(&mut ctg);
    }
    Ok((ctg, report))
}

/// What to do with a Word 97-2003 file, with the LibreOffice command of the user's system
/// (on Windows, LibreOffice is not on the PATH: its full path is given).
fn doc_advice(windows: bool) -> &'static str {
    if windows {
        "document Word 97-2003 (.doc) : enregistrez-le en .docx dans Word (ou convertissez-le avec LibreOffice : « \"C:\\Program Files\\LibreOffice\\program\\soffice.com\" --headless --convert-to docx FICHIER.doc »)"
    } else {
        "document Word 97-2003 (.doc) : convertissez-le d'abord avec « soffice --headless --convert-to docx FICHIER.doc » (ou enregistrez-le en .docx dans Word)"
    }
}

/// True for a document `ctg convention` wrote (its application property says so).
fn written_by_ctg(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .ok()
        .and_then(|mut z| container::zip_text(&mut z, "docProps/app.xml", 64 * 1024))
        .is_some_and(|s| s.contains("<Application>ctg</Application>"))
}

/// In a document ctg wrote: `ctg convention` titles Annexe 1's parts («II. Données socio-démographiques sur le
/// territoire») above their sections («a. Population générale»); a part with the model's
/// title, no text of its own and sections under it is that heading, not a section.
fn generated_parts_aside(ctg: &mut Ctg) {
    const MODEL_PARTS: [&str; 3] = [
        "Présentation du territoire",
        "Données socio-démographiques sur le territoire",
        "Analyses par thématique",
    ];
    let codes: Vec<String> = ctg.diagnostic.iter().map(|s| s.code.clone()).collect();
    ctg.diagnostic.retain(|s| {
        let generated = !s.code.is_empty()
            && !s.code.contains('.')
            && s.texte.trim().is_empty()
            && MODEL_PARTS.contains(&s.titre.trim())
            && codes.iter().any(|c| c.starts_with(&format!("{}.", s.code)));
        !generated
    });
}

/// An EPCI named without its SIREN (a convention rarely prints it, and writes «Communauté de
/// communes du …» where the referential has «CC du …»): when the communes read belong, by the
/// referential, to one EPCI whose name is the one written, that EPCI's SIREN is taken.
fn complete_epci(ctg: &mut Ctg) {
    let Some(e) = ctg.territoire.epci.as_mut() else {
        return;
    };
    if !e.siren.is_empty() {
        return;
    }
    let r = crate::territory::referentiel();
    let mut sirens: Vec<&str> = ctg
        .territoire
        .communes
        .iter()
        .filter_map(|c| r.commune(&c.insee))
        .map(|c| c.epci)
        .filter(|s| !s.is_empty())
        .collect();
    sirens.sort_unstable();
    sirens.dedup();
    let key = crate::territory::epci_key(&e.nom);
    if let [siren] = sirens.as_slice()
        && let Some(found) = r.epci(siren)
        && (e.nom.trim().is_empty() || crate::territory::epci_key(found.nom) == key)
    {
        e.siren = found.siren.to_string();
        if e.nom.trim().is_empty() {
            e.nom = found.nom.to_string();
        }
    }
}

/// A convention names collectivités («Fouesnant», «CC du Pays Fouesnantais»); the model
/// holds their codes. A name of the imported territory, else one the referential knows
/// without ambiguity, is replaced by its code; anything else is kept as written.
fn codes_for_names(ctg: &mut Ctg) {
    use crate::referentials::normalize;
    let mut known: Vec<(String, String)> = ctg
        .territoire
        .communes
        .iter()
        .filter(|c| !c.insee.is_empty())
        .map(|c| (normalize(&c.nom), c.insee.clone()))
        .collect();
    if let Some(e) = &ctg.territoire.epci
        && !e.siren.is_empty()
    {
        known.push((normalize(&e.nom), e.siren.clone()));
    }
    let code_of = |name: &str| -> Option<String> {
        let n = normalize(name);
        // A code already (INSEE «29058», «2A004»; SIREN).
        let code_like = name.chars().filter(char::is_ascii_digit).count() >= 3
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if n.is_empty() || code_like {
            return None;
        }
        if let Some((_, code)) = known.iter().find(|(k, _)| *k == n) {
            return Some(code.clone());
        }
        use crate::territory::Found;
        let found = crate::territory::referentiel().search(name);
        let exact: Vec<&Found> = found
            .iter()
            .filter(|f| match f {
                Found::Commune(c) => normalize(c.nom) == n,
                Found::Epci(e) => normalize(e.nom) == n,
            })
            .collect();
        match exact.as_slice() {
            [Found::Commune(c)] => Some(c.insee.to_string()),
            [Found::Epci(e)] => Some(e.siren.to_string()),
            _ => None,
        }
    };
    for f in &mut ctg.fiches {
        for c in &mut f.collectivites {
            if let Some(code) = code_of(c) {
                *c = code;
            }
        }
        for s in &mut f.specificites {
            if let Some(code) = code_of(&s.ao) {
                s.ao = code;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_doc_advice_gives_a_command_the_system_can_run() {
        let w = super::doc_advice(true);
        assert!(
            w.contains(
                r#""C:\Program Files\LibreOffice\program\soffice.com" --headless --convert-to docx"#
            ),
            "{w}"
        );
        assert!(w.contains("Word"), "{w}");
        let l = super::doc_advice(false);
        assert!(
            l.contains("« soffice --headless --convert-to docx FICHIER.doc »"),
            "{l}"
        );
    }
}
