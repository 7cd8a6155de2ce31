use super::{note, sayln};
use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;

#[derive(clap::Args)]
pub struct Args {
    /// Dossier où écrire les résultats
    #[arg(default_value = "ctg-demo")]
    pub dossier: PathBuf,
}

/// The shipped sample, embedded so that the demo runs from any folder.
const SAMPLE: &str = include_str!("../../samples/ctg-pays-fouesnantais.json");

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let dir = &a.dossier;
    let write = |name: &str, text: &str| -> ctg::Result<PathBuf> {
        let p = dir.join(name);
        ctg::io::write_atomic(&p, text.as_bytes())?;
        Ok(p)
    };
    let mut written = Vec::new();
    let ctg = ctg::io::parse_model(SAMPLE, "ctg-pays-fouesnantais.json")?;
    let siren = ctg
        .territoire
        .epci
        .as_ref()
        .map(|e| e.siren.clone())
        .unwrap_or_default();
    let terr =
        ctg::territory::view::territoire(&siren, Basis::Totale).map_err(ctg::Error::Invalid)?;
    written.push(write(
        "territoire.txt",
        &ctg::territory::view::territoire_text(&terr),
    )?);
    written.push(write(
        "territoire.json",
        &serde_json::to_string_pretty(&terr).expect("json"),
    )?);
    written.push(write("ctg.json", &ctg::io::model_json(&ctg))?);
    let report = ctg::rules::verify(&ctg, Basis::Totale);
    written.push(write(
        "verification.txt",
        &ctg::render::report_text("ctg.json", &report),
    )?);
    written.push(write(
        "verification.json",
        &serde_json::to_string_pretty(&report).expect("json"),
    )?);
    // The workbook side: full workbook, forms, sample returns, their validation, annotated copies.
    written.push({
        let p = dir.join("ctg.xlsx");
        ctg::io::write_atomic(&p, &ctg::workbook::export(&ctg)?)?;
        p
    });
    let settings = ctg::returns::forms::FormSettings {
        date: "2026-05-04".parse().expect("date"),
        trimestre: "2026-T2".into(),
        deadline: "30 juin 2026".into(),
        contact: "cooperation@caf29.example".into(),
    };
    let forms = ctg::returns::forms::all_forms(&ctg, &settings)?;
    for f in &forms {
        ctg::io::write_atomic(&dir.join("formulaires").join(&f.file_name), &f.bytes)?;
    }
    written.push(dir.join("formulaires"));
    let samples = ctg::returns::exemple::returns(12, 2026, 0.5)?;
    let mut manifest = String::from(ctg::returns::exemple::MANIFEST_HEADER);
    let mut validation = String::new();
    let mut returns_errors = 0;
    for g in &samples {
        ctg::io::write_atomic(&dir.join("retours").join(&g.file_name), &g.bytes)?;
        for i in &g.injections {
            manifest.push_str(&i.tsv_line());
        }
        let r = ctg::returns::validate(&g.bytes, &g.file_name, None, Basis::Totale);
        returns_errors += r.counts.errors;
        validation.push_str(&format!(
            "{} — {} ({})\n",
            g.file_name, r.nom, r.collectivite
        ));
        validation.push_str(&ctg::render::diagnostics_text(&r.diagnostics));
        validation.push('\n');
        if !r.diagnostics.is_empty() {
            let stem = g.file_name.trim_end_matches(".xlsx");
            let (bytes, ext, _) = ctg::returns::annotated_copy(&r, &g.bytes)?;
            ctg::io::write_atomic(
                &dir.join("retours-annotes")
                    .join(format!("{stem}-annote.{ext}")),
                &bytes,
            )?;
        }
    }
    ctg::io::write_atomic(
        &dir.join("retours").join("manifeste.tsv"),
        manifest.as_bytes(),
    )?;
    // Consolidation: the territory's forms (as if returned unchanged) against the CTG, and
    // the sample returns of communes from all over France on their own.
    let territory: Vec<PathBuf> = forms
        .iter()
        .map(|f| dir.join("formulaires").join(&f.file_name))
        .collect();
    let cons = ctg::consolidate::consolidate(
        &territory,
        &ctg::consolidate::Settings {
            isolation: None,
            ctg: Some(&ctg),
            priorite: None,
            basis: Basis::Totale,
            progress: &|| {},
            model: true,
        },
    );
    ctg::io::write_atomic(
        &dir.join("consolide-territoire.xlsx"),
        &ctg::consolidate::write::write(&cons, Some(&ctg))?,
    )?;
    ctg::io::write_atomic(
        &dir.join("consolide-territoire.json"),
        ctg::io::model_json(&cons.model).as_bytes(),
    )?;
    let others: Vec<PathBuf> = samples
        .iter()
        .map(|g| dir.join("retours").join(&g.file_name))
        .collect();
    let cons2 = ctg::consolidate::consolidate(
        &others,
        &ctg::consolidate::Settings {
            isolation: None,
            ctg: None,
            priorite: None,
            basis: Basis::Totale,
            progress: &|| {},
            model: false,
        },
    );
    ctg::io::write_atomic(
        &dir.join("consolide-retours.xlsx"),
        // Example returns from communes drawn across France: not the sample CTG's, so its
        // title is not put on them.
        &ctg::consolidate::write::write(&cons2, None)?,
    )?;
    written.extend([
        dir.join("consolide-territoire.xlsx"),
        dir.join("consolide-territoire.json"),
        dir.join("consolide-retours.xlsx"),
    ]);
    written.push(dir.join("retours"));
    written.push(write("validation-retours.txt", &validation)?);
    written.push(dir.join("retours-annotes"));
    // The convention ready for signature, and its PDF when LibreOffice is installed.
    let docx = dir.join("convention.docx");
    let date = ctg
        .convention
        .signature
        .date
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "2026-01-01T00:00:00Z".into());
    ctg::io::write_atomic(
        &docx,
        &ctg::convention::build(
            &ctg,
            &ctg::convention::Options {
                text: ctg::convention::DEFAULT_TEXT,
                logos: vec![],
                date,
                toc_pages: Vec::new(),
            },
        )?,
    )?;
    written.push(docx.clone());
    let (reimport, _) =
        ctg::docx::import(&std::fs::read(&docx).map_err(|source| ctg::Error::Read {
            path: docx.clone(),
            source,
        })?)
        .map_err(|(_, m)| ctg::Error::Invalid(m))?;
    written.push(write(
        "convention-relue.json",
        &ctg::io::model_json(&reimport),
    )?);
    match ctg::convention::pdf::to_pdf(&docx) {
        Ok(pdf) => written.push(pdf),
        Err(e) => note!("PDF non produit : {e}"),
    }
    sayln!("Démonstration ctg sur « {} »", ctg.convention.titre);
    sayln!(
        "  formulaires : {} ; retours d'exemple : {} ({} trouvées, voir validation-retours.txt)",
        forms.len(),
        samples.len(),
        ctg::fr::plural(returns_errors, "erreur", "erreurs")
    );
    sayln!(
        "  consolidation : territoire {} fichiers, {} anomalies ; retours d'exemple {} fichiers, {} anomalies",
        cons.files.len(),
        cons.diagnostics.len(),
        cons2.files.len(),
        cons2.diagnostics.len()
    );
    sayln!(
        "  territoire : {} ({})",
        ctg::fr::plural(ctg.territoire.communes.len(), "commune", "communes"),
        terr.millesime
    );
    sayln!(
        "  vérification : {}",
        ctg::render::counts_line(
            report.summary.errors,
            report.summary.warnings,
            report.summary.infos
        )
    );
    sayln!("Fichiers écrits :");
    for p in written {
        sayln!("  {}", p.display());
    }
    Ok(super::findings_code(report.summary.errors))
}
