//! The consolidated workbook: «Synthèse» with totals and native charts, one sheet per
//! entity with the provenance of each row, «Anomalies», «Fichiers».

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Chart, ChartType, Color, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::consolidate::Consolidation;
use crate::error::{Error, Result};
use crate::referentials::{EtatSuivi, ModeAccueil, Referential};
use crate::workbook::cells::fmt_number;
use crate::workbook::layout::{Column, Kind};
use crate::workbook::write::{Cell, MAX_CELL_CHARS, formula_like, write_text};

fn xerr(e: XlsxError) -> Error {
    Error::Invalid(format!("écriture du classeur consolidé : {e}"))
}

struct F {
    title: Format,
    header: Format,
    wrap: Format,
    /// The wrap with Excel's quote prefix, for a formula-like text in a wrapped column.
    wrap_quoted: Format,
    date: Format,
}

/// A text cut to what a cell holds, marked «…» when cut; borrowed when it fits.
fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    // A cell holds 32 767 characters; a shorter text in bytes holds fewer.
    if s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS {
        (s.chars().take(MAX_CELL_CHARS - 1).collect::<String>() + "…").into()
    } else {
        s.into()
    }
}

/// A text of the rows, wrapped. In a column whose format is the wrap ([`wrapped`]) the cell
/// takes the column's format, so that no cell's format is looked up by value (hashing a
/// format for each of the millions of cells of a national run was nearly a fifth of the
/// writing); elsewhere it gets the wrap itself. A formula-like text gets the quote prefix
/// too ([`write_text`], whose prefix alone would lose the wrap).
fn wrapped_text(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    s: &str,
    in_wrapped_column: bool,
    f: &F,
) -> std::result::Result<(), XlsxError> {
    let s = clip(s);
    if formula_like(&s) {
        ws.write_string_with_format(r, c, s.as_ref(), &f.wrap_quoted)?;
    } else if in_wrapped_column {
        ws.write_string(r, c, s.as_ref())?;
    } else {
        ws.write_string_with_format(r, c, s.as_ref(), &f.wrap)?;
    }
    Ok(())
}

/// Gives the columns `cols` the wrap as their format, for [`wrapped_text`].
fn wrapped(
    ws: &mut Worksheet,
    cols: impl IntoIterator<Item = u16>,
    f: &F,
) -> std::result::Result<(), XlsxError> {
    for c in cols {
        ws.set_column_format(c, &f.wrap)?;
    }
    Ok(())
}

/// One value; `wrapped` when the column's format is the wrap (see [`wrapped`]).
fn put(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Cell,
    wrapped: bool,
    f: &F,
) -> std::result::Result<(), XlsxError> {
    match v {
        Cell::Empty => {}
        Cell::Number(n) => {
            ws.write_number(r, c, *n)?;
        }
        Cell::Date(d) => {
            ws.write_number_with_format(r, c, *d, &f.date)?;
        }
        Cell::Text(s) => wrapped_text(ws, r, c, s, wrapped, f)?,
        other => wrapped_text(ws, r, c, &other.display(), wrapped, f)?,
    }
    Ok(())
}

/// Whether a column of values holds text, wrapped: every column but those of numbers and
/// dates, whose cells keep their own format.
fn holds_text(c: &Column) -> bool {
    !matches!(
        c.kind,
        Kind::Whole | Kind::Decimal | Kind::Percent | Kind::Year | Kind::Date
    )
}

fn headers(
    ws: &mut Worksheet,
    row: u32,
    list: &[(&str, f64)],
    f: &F,
) -> std::result::Result<(), XlsxError> {
    for (i, (h, w)) in list.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(())
}

/// `ctg` (when given) names the axe of each fiche in «Synthèse».
/// A sheet written row by row: constant memory (rows go to a temporary file) on the
/// command line; in the browser, where there is no file system, an ordinary sheet.
fn streamed(wb: &mut Workbook) -> std::result::Result<Worksheet, XlsxError> {
    #[cfg(not(target_arch = "wasm32"))]
    return wb.new_worksheet_with_constant_memory();
    #[cfg(target_arch = "wasm32")]
    return {
        let _ = wb;
        Ok(Worksheet::new())
    };
}

pub fn write(c: &Consolidation, ctg: Option<&crate::model::Ctg>) -> Result<Vec<u8>> {
    workbook(c, ctg)?.save_to_buffer().map_err(xerr)
}

/// The date format of dates in the entity sheets.
fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

/// One sheet of rows after «Synthèse».
enum Table<'a> {
    Entity(&'a crate::consolidate::Entity),
    Anomalies,
    Files,
}

/// The consolidated workbook, to save into a buffer ([`write`]) or straight into a file
/// (a national run: no 50 MB copy in memory). The sheets of rows are filled at the same
/// time, one per thread, off the browser.
pub fn workbook(c: &Consolidation, ctg: Option<&crate::model::Ctg>) -> Result<Workbook> {
    let f = F {
        title: Format::new().set_bold().set_font_size(14),
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xDCE6F1))
            .set_border(FormatBorder::Thin),
        wrap: Format::new().set_text_wrap(),
        wrap_quoted: Format::new().set_text_wrap().set_quote_prefix(),
        date: date_format(),
    };
    let mut wb = Workbook::new();
    // The consolidated workbook of a national run holds millions of cells: a light deflate
    // (level 1) writes it in a fraction of the time for a slightly larger file.
    wb.set_zip_compression_level(1);
    // Every format of the sheets of rows gets its number now, in this order: sheets filled
    // at the same time then only look numbers up, and the file is the same from run to run.
    for format in [
        f.header.clone(),
        f.wrap.clone(),
        date_format(),
        Format::new().set_quote_prefix(),
        f.wrap.clone().set_quote_prefix(),
    ] {
        wb.register_format(&format);
    }
    synthese(&mut wb, c, ctg, &f).map_err(xerr)?;
    let tables: Vec<Table> = c
        .entities
        .iter()
        .map(Table::Entity)
        .chain([Table::Anomalies, Table::Files])
        .collect();
    let mut sheets = Vec::with_capacity(tables.len());
    for table in tables {
        sheets.push((streamed(&mut wb).map_err(xerr)?, table));
    }
    let fill = |(ws, table): &mut (Worksheet, Table)| match table {
        Table::Entity(ent) => entity(ws, ent, &f),
        Table::Anomalies => anomalies(ws, c, &f),
        Table::Files => files(ws, c, &f),
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        sheets.par_iter_mut().try_for_each(fill).map_err(xerr)?;
    }
    #[cfg(target_arch = "wasm32")]
    sheets.iter_mut().try_for_each(fill).map_err(xerr)?;
    for (ws, _) in sheets {
        wb.push_worksheet(ws);
    }
    // Marks the workbook as ctg's own, so that it is never read back as a return.
    let ws = wb
        .add_worksheet()
        .set_name(crate::workbook::layout::META_SHEET)
        .map_err(xerr)?;
    ws.write_string(0, 0, crate::workbook::meta::KEYS[0])
        .map_err(xerr)?;
    ws.write_string(0, 1, crate::workbook::meta::CONSOLIDE)
        .map_err(xerr)?;
    ws.set_hidden(true);
    Ok(wb)
}

/// One entity's rows, in order, with their provenance.
fn entity(
    ws: &mut Worksheet,
    ent: &crate::consolidate::Entity,
    f: &F,
) -> std::result::Result<(), XlsxError> {
    ws.set_name(ent.name)?;
    print_setup(ws, true)?;
    let mut cols: Vec<(&str, f64)> = vec![
        ("Collectivité", 12.0),
        ("Fichier", 30.0),
        ("Feuille", 16.0),
        ("Ligne", 7.0),
    ];
    cols.extend(ent.columns.iter().map(|c| (c.header, c.width.min(40.0))));
    headers(ws, 0, &cols, f)?;
    let text: Vec<bool> = ent.columns.iter().map(holds_text).collect();
    wrapped(
        ws,
        (0..text.len()).filter(|j| text[*j]).map(|j| 4 + j as u16),
        f,
    )?;
    for (i, r) in ent.rows.iter().enumerate() {
        let row = i as u32 + 1;
        write_text(ws, row, 0, &r.commune, None)?;
        write_text(ws, row, 1, &r.file, None)?;
        write_text(ws, row, 2, &r.sheet, None)?;
        if r.row > 0 {
            ws.write_number(row, 3, r.row as f64)?;
        }
        for (j, v) in r.values.iter().enumerate() {
            put(ws, row, 4 + j as u16, v, text.get(j) == Some(&true), f)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, ent.rows.len() as u32, cols.len() as u16 - 1)?;
    Ok(())
}

fn anomalies(ws: &mut Worksheet, c: &Consolidation, f: &F) -> std::result::Result<(), XlsxError> {
    ws.set_name("Anomalies")?;
    print_setup(ws, true)?;
    headers(
        ws,
        0,
        &[
            ("Fichier", 30.0),
            ("Feuille", 18.0),
            ("Cellule", 9.0),
            ("Code", 10.0),
            ("Gravité", 13.0),
            ("Message", 70.0),
            ("Valeur brute", 50.0),
        ],
        f,
    )?;
    wrapped(ws, [5, 6], f)?;
    for (i, d) in c.diagnostics.iter().enumerate() {
        let r = i as u32 + 1;
        let l = &d.location;
        write_text(ws, r, 0, l.file.as_deref().unwrap_or(""), None)?;
        write_text(ws, r, 1, l.sheet.as_deref().unwrap_or(""), None)?;
        ws.write_string(
            r,
            2,
            l.cell.as_deref().or(l.pointer.as_deref()).unwrap_or(""),
        )?;
        ws.write_string(r, 3, d.code.as_str())?;
        ws.write_string(r, 4, d.severity.label())?;
        wrapped_text(ws, r, 5, &d.message, true, f)?;
        wrapped_text(ws, r, 6, d.value.as_deref().unwrap_or(""), true, f)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, c.diagnostics.len() as u32, 6)?;
    Ok(())
}

fn files(ws: &mut Worksheet, c: &Consolidation, f: &F) -> std::result::Result<(), XlsxError> {
    ws.set_name("Fichiers")?;
    print_setup(ws, true)?;
    headers(
        ws,
        0,
        &[
            ("Fichier", 34.0),
            ("SHA-256", 66.0),
            ("Taille (octets)", 12.0),
            ("Formulaire", 16.0),
            ("Version", 8.0),
            ("Collectivité", 12.0),
            ("Nom", 24.0),
            ("Date du formulaire", 12.0),
            ("Statut", 24.0),
            ("Motif", 40.0),
            ("Lignes lues", 9.0),
            ("Retenues", 9.0),
            ("Rejetées", 9.0),
            ("Erreurs", 8.0),
            ("Avertissements", 8.0),
        ],
        f,
    )?;
    wrapped(ws, [9], f)?;
    for (i, x) in c.files.iter().enumerate() {
        let r = i as u32 + 1;
        for (j, s) in [&x.fichier, &x.sha256].iter().enumerate() {
            write_text(ws, r, j as u16, s, None)?;
        }
        ws.write_number(r, 2, x.taille as f64)?;
        for (j, s) in [
            &x.formulaire,
            &x.version,
            &x.collectivite,
            &x.nom,
            &x.date_formulaire,
        ]
        .iter()
        .enumerate()
        {
            write_text(ws, r, 3 + j as u16, s, None)?;
        }
        ws.write_string(r, 8, x.statut.label())?;
        wrapped_text(ws, r, 9, &x.motif, true, f)?;
        for (j, n) in [
            x.lignes.read,
            x.lignes.kept,
            x.lignes.rejected,
            x.compteurs.errors,
            x.compteurs.warnings,
        ]
        .iter()
        .enumerate()
        {
            ws.write_number(r, 10 + j as u16, *n as f64)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Every sheet prints on A4 landscape, as wide as the page; tables repeat their header row.
fn print_setup(ws: &mut Worksheet, table: bool) -> std::result::Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    if table {
        ws.set_repeat_rows(0, 0)?;
    }
    Ok(())
}

fn text(o: &Cell) -> String {
    match o {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(n) | Cell::Date(n) => fmt_number(*n),
        other => other.display(),
    }
}

fn synthese(
    wb: &mut Workbook,
    c: &Consolidation,
    ctg: Option<&crate::model::Ctg>,
    f: &F,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Synthèse")?;
    print_setup(ws, false)?;
    // Titled with the CTG (no date of the run: the same returns give the same workbook).
    let title = match ctg
        .map(|c| c.convention.titre.trim())
        .filter(|t| !t.is_empty())
    {
        Some(t) => format!("Consolidation des retours — {t}"),
        None => "Consolidation des retours".to_string(),
    };
    write_text(ws, 0, 0, &title, Some(&f.title))?;
    ws.set_column_width(0, 34)?;
    // 1. Per collectivité.
    let mut r = 2u32;
    headers(
        ws,
        r,
        &[
            ("Collectivité", 34.0),
            ("Code", 12.0),
            ("Statut", 22.0),
            ("Fichier", 30.0),
            ("Erreurs", 9.0),
            ("Avertissements", 9.0),
        ],
        f,
    )?;
    let mut who: BTreeMap<String, String> = c.expected.iter().cloned().collect();
    for x in &c.files {
        if !x.collectivite.is_empty() {
            who.entry(x.collectivite.clone()).or_insert(x.nom.clone());
        }
    }
    let mut by_code: BTreeMap<&str, Vec<&crate::consolidate::FileInfo>> = BTreeMap::new();
    for x in &c.files {
        by_code.entry(x.collectivite.as_str()).or_default().push(x);
    }
    for (code, nom) in &who {
        r += 1;
        let files: Vec<&crate::consolidate::FileInfo> =
            by_code.get(code.as_str()).cloned().unwrap_or_default();
        let accepted = files.iter().find(|x| x.statut.accepted());
        let (status, file, e, w) = match (accepted, files.first()) {
            (Some(a), _) => (
                if a.compteurs.errors > 0 {
                    "reçu avec anomalies"
                } else {
                    "reçu"
                },
                a.fichier.clone(),
                a.compteurs.errors,
                a.compteurs.warnings,
            ),
            (None, Some(x)) => (
                "rejeté",
                x.fichier.clone(),
                x.compteurs.errors,
                x.compteurs.warnings,
            ),
            (None, None) => ("manquant", String::new(), 0, 0),
        };
        write_text(ws, r, 0, nom, None)?;
        write_text(ws, r, 1, code, None)?;
        ws.write_string(r, 2, status)?;
        ws.write_string(r, 3, &file)?;
        ws.write_number(r, 4, e as f64)?;
        ws.write_number(r, 5, w as f64)?;
    }
    // Lock files and ctg's own workbooks are ignored, not unreadable: not counted here.
    let unidentified = c
        .files
        .iter()
        .filter(|x| x.collectivite.is_empty() && x.statut != crate::report::Statut::Ignore)
        .count();
    if unidentified > 0 {
        r += 1;
        ws.write_string(
            r,
            0,
            if unidentified > 1 {
                format!("{unidentified} fichiers illisibles ou non identifiés : voir « Fichiers »")
            } else {
                format!("{unidentified} fichier illisible ou non identifié : voir « Fichiers »")
            },
        )?;
    }
    // 2. Places per mode d'accueil and year.
    r += 2;
    let years_ent = &c.entities[4];
    let (cm, cy, cv) = (2usize, 3usize, 4usize);
    let mut places: BTreeMap<(usize, i64), f64> = BTreeMap::new();
    let mut years: Vec<i64> = Vec::new();
    for row in &years_ent.rows {
        let mode = ModeAccueil::all()
            .iter()
            .position(|m| m.label() == text(&row.values[cm]));
        let (Some(m), Cell::Number(y), Cell::Number(v)) = (mode, &row.values[cy], &row.values[cv])
        else {
            continue;
        };
        *places.entry((m, *y as i64)).or_default() += v;
        if !years.contains(&(*y as i64)) {
            years.push(*y as i64);
        }
    }
    years.sort();
    ws.write_string_with_format(
        r,
        0,
        "Places (ETP pour le RPE) projetées par mode d'accueil",
        &f.title,
    )?;
    r += 1;
    let top = r;
    ws.write_string_with_format(r, 0, "Mode d'accueil", &f.header)?;
    for (j, y) in years.iter().enumerate() {
        ws.write_number_with_format(r, 1 + j as u16, *y as f64, &f.header)?;
    }
    for (i, m) in ModeAccueil::all().iter().enumerate() {
        r += 1;
        ws.write_string(r, 0, m.label())?;
        for (j, y) in years.iter().enumerate() {
            ws.write_number(
                r,
                1 + j as u16,
                places.get(&(i, *y)).copied().unwrap_or(0.0),
            )?;
        }
    }
    if !years.is_empty() {
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name("Places projetées par mode d'accueil");
        for i in 0..ModeAccueil::all().len() as u32 {
            chart
                .add_series()
                .set_name(("Synthèse", top + 1 + i, 0))
                .set_categories(("Synthèse", top, 1, top, years.len() as u16))
                .set_values(("Synthèse", top + 1 + i, 1, top + 1 + i, years.len() as u16));
        }
        ws.insert_chart(2, 8, &chart)?;
    }
    // 3. Équipements by type.
    r += 2;
    ws.write_string_with_format(r, 0, "Équipements par type de structure", &f.title)?;
    r += 1;
    headers(ws, r, &[("Type de structure", 34.0), ("Nombre", 12.0)], f)?;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for row in &c.entities[2].rows {
        *by_type.entry(text(&row.values[1])).or_default() += 1;
    }
    for (t, n) in &by_type {
        r += 1;
        ws.write_string(r, 0, t)?;
        ws.write_number(r, 1, *n as f64)?;
    }
    // 4. Who exercises what.
    r += 2;
    ws.write_string_with_format(
        r,
        0,
        "Compétences d'autorité organisatrice (déclarées par les communes)",
        &f.title,
    )?;
    r += 1;
    headers(
        ws,
        r,
        &[
            ("Commune", 34.0),
            ("Code", 12.0),
            ("Recensement", 22.0),
            ("Information", 22.0),
            ("Planification", 22.0),
            ("Qualité", 22.0),
        ],
        f,
    )?;
    for row in &c.entities[0].rows {
        r += 1;
        ws.write_string(r, 0, text(&row.values[1]))?;
        ws.write_string(r, 1, text(&row.values[0]))?;
        for k in 0..4 {
            ws.write_string(r, 2 + k as u16, text(&row.values[4 + k]))?;
        }
    }
    // 5. Actions by axe and état.
    r += 2;
    ws.write_string_with_format(r, 0, "Actions par axe et état d'avancement", &f.title)?;
    r += 1;
    let top = r;
    ws.write_string_with_format(r, 0, "Axe", &f.header)?;
    for (j, e) in EtatSuivi::all().iter().enumerate() {
        ws.write_string_with_format(r, 1 + j as u16, e.label(), &f.header)?;
    }
    // Actions, not follow-up lines: each fiche once, in its état at its latest quarter (the
    // least advanced when collectivités disagree on that quarter).
    let mut latest: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for row in &c.entities[5].rows {
        let fiche = text(&row.values[0]);
        let quarter = text(&row.values[1]);
        let Some(k) = EtatSuivi::all()
            .iter()
            .position(|e| e.label() == text(&row.values[3]))
        else {
            continue;
        };
        let e = latest.entry(fiche).or_insert((quarter.clone(), k));
        if quarter > e.0 {
            *e = (quarter, k);
        } else if quarter == e.0 {
            e.1 = e.1.min(k);
        }
    }
    let mut by_axe: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for (fiche, (_, k)) in &latest {
        let axe = crate::model::Ctg::axe_label(ctg, fiche);
        by_axe.entry(axe).or_default()[*k] += 1;
    }
    for (axe, counts) in &by_axe {
        r += 1;
        ws.write_string(r, 0, axe)?;
        for (j, n) in counts.iter().enumerate() {
            ws.write_number(r, 1 + j as u16, *n as f64)?;
        }
    }
    if !by_axe.is_empty() {
        let mut chart = Chart::new(ChartType::BarStacked);
        chart
            .title()
            .set_name("Actions par état d'avancement et par axe");
        for j in 0..EtatSuivi::all().len() as u16 {
            chart
                .add_series()
                .set_name(("Synthèse", top, 1 + j))
                .set_categories(("Synthèse", top + 1, 0, top + by_axe.len() as u32, 0))
                .set_values(("Synthèse", top + 1, 1 + j, top + by_axe.len() as u32, 1 + j));
        }
        ws.insert_chart(20, 8, &chart)?;
    }
    Ok(())
}
