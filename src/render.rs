//! Human renderings of reports for the terminal. The library builds strings; the binary
//! prints them.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Report;

/// French section name of a diagnostic, from its pointer or sheet.
fn section(d: &Diagnostic) -> String {
    if let Some(s) = &d.location.sheet {
        return format!("Feuille « {s} »");
    }
    let first = d
        .location
        .pointer
        .as_deref()
        .unwrap_or("")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    match first {
        "convention" => "Convention",
        "territoire" => "Territoire et compétences d'AO",
        "diagnostic" => "Annexe 1 – Diagnostic",
        "equipements" => "Annexe 2 – Équipements",
        "axes" | "fiches" => "Annexe 3 – Plan d'actions",
        "projections" => "Annexe 3 – Projections petite enfance",
        "pilotage" => "Annexe 4 – Pilotage",
        "suivi" => "Suivi",
        _ => "Fichier",
    }
    .to_string()
}

use crate::fr::plural;

/// Diagnostics grouped by section, then the counts line.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current = String::new();
    for d in diags {
        let s = section(d);
        if s != current {
            out.push_str(&format!("\n{s}\n"));
            current = s;
        }
        let mark = match d.severity {
            Severity::Error => "✗",
            Severity::Warning => "!",
            Severity::Info => "i",
        };
        out.push_str(&format!(
            "  {mark} {} [{}] {}\n",
            d.code,
            d.severity.label(),
            d.location.human()
        ));
        out.push_str(&format!("      {}", d.message));
        if let Some(v) = &d.value {
            out.push_str(&format!(" (valeur : « {v} »)"));
        }
        out.push('\n');
    }
    out
}

pub fn counts_line(errors: usize, warnings: usize, infos: usize) -> String {
    format!(
        "{}, {}, {}",
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements"),
        plural(infos, "info", "infos")
    )
}

/// The whole `verifier` report.
pub fn report_text(name: &str, r: &Report) -> String {
    let s = &r.summary;
    let mut out = format!("Vérification de {name}\n");
    out.push_str(&format!(
        "Base de population : {} ; référentiel : {}\n",
        s.population, s.millesime
    ));
    if r.diagnostics.is_empty() {
        out.push_str("\nAucune anomalie.\n");
    } else {
        out.push_str(&diagnostics_text(&r.diagnostics));
    }
    out.push_str(&format!(
        "\nBilan : {} ({}, {})\n",
        counts_line(s.errors, s.warnings, s.infos),
        crate::fr::plural(s.communes, "commune", "communes"),
        crate::fr::plural(s.fiches, "fiche-action", "fiches-action")
    ));
    out
}

/// «27 lignes lues = 25 retenues + 1 rejetée + 1 non lue».
pub fn rows_line(r: &crate::workbook::read::Counts) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!(
        "{} lue{} = {} retenue{} + {} rejetée{} + {} non lue{}",
        plural(r.read, "ligne", "lignes"),
        s(r.read),
        r.kept,
        s(r.kept),
        r.rejected,
        s(r.rejected),
        r.not_read,
        s(r.not_read)
    )
}
