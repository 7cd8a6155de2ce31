//! Writes a workbook from a layout: the full CTG workbook, partner forms, annotated copies.
//!
//! Cell contents come as `Cell` values (the one cell type, `cells::Cell`) per sheet (built from the model by `cells_from_model`,
//! or from a partner's raw cells for an annotated copy); everything else — headers, widths,
//! dropdowns, validations, help, protection, print setup, the «Lisez-moi» — comes from the
//! layout.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Note, Url, Workbook, Worksheet, XlsxError,
};
use serde_json::Value;

pub use super::addr::{cell_name, col_name};
use super::cells::date_to_serial;
use super::flatten;
use super::layout::{Column, Kind, LISTS_SHEET, Layout, META_SHEET, README_SHEET, RefList, Sheet};
pub use super::meta::Meta;
use crate::error::{Error, Result};

/// Excel's limit of characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Rows of a table that get dropdowns and validations beyond the data.
pub const INPUT_ROWS: u32 = 500;

pub use super::cells::Cell;

/// A diagnostic to show on a cell of an annotated copy.
#[derive(Debug, Clone)]
pub struct Annotation {
    pub sheet: String,
    /// 0-based row and column in the written sheet.
    pub row: u32,
    pub col: u16,
    /// False when the problem has no cell of its own (a missing sheet, a header): it is
    /// then only listed in «Anomalies».
    pub placed: bool,
    /// Where the problem is in the partner's file.
    pub location: String,
    pub code: String,
    pub severity: crate::Severity,
    pub message: String,
    pub value: String,
}

pub struct Options<'a> {
    pub meta: Option<&'a Meta>,
    pub protect: bool,
    pub annotations: &'a [Annotation],
}

fn xerr(sheet: &str) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Invalid(format!("écriture du classeur, feuille « {sheet} » : {e}"))
}

/// The cells of every sheet of a layout, from the model as JSON.
pub fn cells_from_model(layout: &Layout, model: &Value) -> Vec<Vec<Vec<Cell>>> {
    layout
        .sheets
        .iter()
        .map(|s| {
            flatten::rows(s, model)
                .iter()
                .map(|row| {
                    s.columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| out_of(c.kind, v))
                        .collect()
                })
                .collect()
        })
        .collect()
}

pub fn out_of(kind: Kind, v: &Value) -> Cell {
    match (kind, v) {
        (_, Value::Null) => Cell::Empty,
        (Kind::YesNo, Value::Bool(b)) => Cell::Text(if *b { "oui" } else { "non" }.into()),
        (Kind::Ref(r), Value::String(code)) => Cell::Text(r.label_of(code).unwrap_or(code).into()),
        (Kind::Date, Value::String(s)) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Cell::Date(date_to_serial(d)),
            Err(_) => Cell::Text(s.clone()),
        },
        (_, Value::String(s)) if s.is_empty() => Cell::Empty,
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, Value::Number(n)) => Cell::Number(n.as_f64().unwrap_or(0.0)),
        (_, Value::Bool(b)) => Cell::Text(if *b { "oui" } else { "non" }.into()),
        (_, other) => Cell::Text(other.to_string()),
    }
}

struct Formats {
    header: Format,
    label: Format,
    input: Format,
    wrap: Format,
    date: Format,
    help: Format,
    title: Format,
    bad: Format,
    warn: Format,
    /// Cells the partner must not change (identity): locked, greyed.
    fixed: Format,
    /// Years a year cell accepts: the CTG period when the form knows it.
    years: (i32, i32),
}

impl Formats {
    fn new(protect: bool) -> Self {
        let base = |f: Format| if protect { f.set_unlocked() } else { f };
        let border = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xB7C4D6));
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDCE6F1))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top),
            label: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_align(FormatAlign::Top),
            input: base(border.clone().set_align(FormatAlign::Top)),
            wrap: base(border.clone().set_text_wrap().set_align(FormatAlign::Top)),
            date: base(
                border
                    .clone()
                    .set_num_format("dd/mm/yyyy")
                    .set_align(FormatAlign::Top),
            ),
            help: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(14),
            fixed: border
                .clone()
                .set_background_color(Color::RGB(0xEDEDED))
                .set_align(FormatAlign::Top),
            years: (1900, 2200),
            bad: base(
                border
                    .clone()
                    .set_background_color(Color::RGB(0xF8CBAD))
                    .set_text_wrap(),
            ),
            warn: base(
                border
                    .set_background_color(Color::RGB(0xFFE699))
                    .set_text_wrap(),
            ),
        }
    }
}

/// Writes the workbook to bytes.
pub fn write(layout: &Layout, data: &[Vec<Vec<Cell>>], opts: &Options) -> Result<Vec<u8>> {
    write_as(layout, layout, data, opts)
}

/// Writes with `layout` but identifies the file as `identity` in its meta sheet (used to
/// simulate a partner who moved columns of a genuine form).
pub fn write_as(
    layout: &Layout,
    identity: &Layout,
    data: &[Vec<Vec<Cell>>],
    opts: &Options,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let mut f = Formats::new(opts.protect);
    if let Some(m) = opts.meta {
        let year = |s: &str| s.get(..4).and_then(|y| y.parse::<i32>().ok());
        if let (Some(a), Some(b)) = (year(&m.debut), year(&m.fin))
            && a <= b
        {
            f.years = (a, b);
        }
    }
    let lists = layout.lists();
    let notes: BTreeMap<(&str, u32, u16), Vec<&Annotation>> = opts
        .annotations
        .iter()
        .filter(|a| a.placed)
        .fold(BTreeMap::new(), |mut m, a| {
            m.entry((a.sheet.as_str(), a.row, a.col))
                .or_default()
                .push(a);
            m
        });
    readme(wb.add_worksheet(), layout, opts, &f).map_err(xerr(README_SHEET))?;
    for (sheet, rows) in layout.sheets.iter().zip(data) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name).map_err(xerr(sheet.name))?;
        if sheet.is_record() {
            write_record(
                ws,
                sheet,
                rows.first().map(|r| r.as_slice()).unwrap_or(&[]),
                &f,
                &lists,
                &notes,
            )?;
        } else {
            write_table(ws, sheet, rows, &f, &lists, &notes)?;
        }
        // A4 (LibreOffice otherwise prints on US Letter), landscape, as wide as the page.
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        if !sheet.is_record() {
            ws.set_repeat_rows(0, 0).map_err(xerr(sheet.name))?;
        }
        if opts.protect {
            ws.protect();
        }
    }
    if !opts.annotations.is_empty() {
        anomalies(wb.add_worksheet(), layout, opts.annotations, &f).map_err(xerr("Anomalies"))?;
    }
    write_lists(wb.add_worksheet(), &lists).map_err(xerr(LISTS_SHEET))?;
    write_meta(&mut wb, identity, opts.meta)?;
    wb.save_to_buffer().map_err(xerr("(classeur)"))
}

fn list_formula(lists: &[RefList], r: RefList) -> Formula {
    let i = lists.iter().position(|x| *x == r).unwrap_or(0);
    let col = col_name(i as u16);
    let n = r.values().len() + 1;
    Formula::new(format!("='{LISTS_SHEET}'!${col}$2:${col}${n}"))
}

/// True for a text a spreadsheet could take for a formula when someone edits the cell
/// (`=`, `+`, `-`, `@`, a tab or a carriage return first).
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])
}

/// Writes a partner's text as text, byte for byte: a formula-like text gets the quote prefix
/// (Excel's «'»), so that editing the cell never evaluates it.
pub fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    fmt: Option<&Format>,
) -> std::result::Result<(), XlsxError> {
    if formula_like(s) {
        let f = fmt.cloned().unwrap_or_default().set_quote_prefix();
        ws.write_string_with_format(row, col, s, &f)?;
    } else if let Some(f) = fmt {
        ws.write_string_with_format(row, col, s, f)?;
    } else {
        ws.write_string(row, col, s)?;
    }
    Ok(())
}

fn validation(c: &Column, lists: &[RefList], years: (i32, i32)) -> Result<Option<DataValidation>> {
    let dv =
        match c.kind {
            Kind::Ref(r) => DataValidation::new().allow_list_formula(list_formula(lists, r)),
            Kind::Whole => DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            Kind::Decimal => DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            Kind::Percent => {
                DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            }
            Kind::Year => DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(years.0, years.1)),
            Kind::Date => {
                let a = ExcelDateTime::from_ymd(1990, 1, 1)
                    .map_err(|e| Error::Invalid(e.to_string()))?;
                let b = ExcelDateTime::from_ymd(2100, 12, 31)
                    .map_err(|e| Error::Invalid(e.to_string()))?;
                DataValidation::new().allow_date(DataValidationRule::Between(a, b))
            }
            _ => return Ok(None),
        };
    let title: String = c.header.chars().take(32).collect();
    let mut msg = if c.help.is_empty() {
        String::new()
    } else {
        format!("{}. ", c.help)
    };
    msg.push_str(&format!("Saisir : {}.", c.kind.hint()));
    if c.required {
        msg.push_str(" Obligatoire.");
    }
    let msg: String = msg.chars().take(250).collect();
    let dv = dv
        .set_input_title(title.clone())
        .and_then(|d| d.set_input_message(msg))
        .and_then(|d| d.set_error_title(title))
        .and_then(|d| {
            d.set_error_message(
                format!("Valeur attendue : {}.", c.kind.hint())
                    .chars()
                    .take(250)
                    .collect::<String>(),
            )
        })
        .map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(Some(dv))
}

#[allow(clippy::too_many_arguments)] // one cell: where, what, how it looks
fn put(
    ws: &mut Worksheet,
    sheet: &str,
    row: u32,
    col: u16,
    v: &Cell,
    kind: Kind,
    f: &Formats,
    mark: Option<&Format>,
) -> Result<()> {
    let fmt = mark.unwrap_or(match (kind, v) {
        (_, Cell::Date(_)) => &f.date,
        (Kind::LongText, _) => &f.wrap,
        _ => &f.input,
    });
    let r = match v {
        Cell::Empty => ws.write_blank(row, col, fmt).map(|_| ()),
        Cell::Text(s) => {
            let n = s.chars().count();
            if n > MAX_CELL_CHARS {
                let d = crate::diagnostic::Diagnostic::new(
                    crate::codes::Code::E120,
                    crate::diagnostic::Location::cell(None, sheet, cell_name(row, col)),
                    format!(
                        "{} caractères, au-delà de la limite d'Excel de {} par cellule : raccourcissez ce texte",
                        crate::fr::int(n as u64),
                        crate::fr::int(MAX_CELL_CHARS as u64)
                    ),
                )
                .value(n);
                return Err(Error::Refused(Box::new(d)));
            }
            write_text(ws, row, col, s, Some(fmt))
        }
        Cell::Number(n) => ws.write_number_with_format(row, col, *n, fmt).map(|_| ()),
        Cell::Date(d) => ws
            .write_number_with_format(
                row,
                col,
                *d,
                mark.map(|m| m.clone().set_num_format("dd/mm/yyyy"))
                    .as_ref()
                    .unwrap_or(&f.date),
            )
            .map(|_| ()),
        other => write_text(ws, row, col, &other.display(), Some(fmt)),
    };
    r.map_err(xerr(sheet))
}

type Notes<'a> = BTreeMap<(&'a str, u32, u16), Vec<&'a Annotation>>;

fn mark_for<'f>(
    notes: &Notes,
    sheet: &str,
    row: u32,
    col: u16,
    f: &'f Formats,
) -> Option<&'f Format> {
    notes.get(&(sheet, row, col)).map(|list| {
        if list.iter().any(|a| a.severity == crate::Severity::Error) {
            &f.bad
        } else {
            &f.warn
        }
    })
}

fn attach_notes(ws: &mut Worksheet, notes: &Notes, sheet: &str) -> Result<()> {
    for ((s, row, col), list) in notes.range((sheet, 0, 0)..=(sheet, u32::MAX, u16::MAX)) {
        if *s != sheet {
            continue;
        }
        let text: Vec<String> = list
            .iter()
            .map(|a| format!("{} : {}", a.code, a.message))
            .collect();
        let note = Note::new(text.join("\n"))
            .set_author("ctg")
            .set_width(320)
            .set_height(120);
        ws.insert_note(*row, *col, &note).map_err(xerr(sheet))?;
    }
    Ok(())
}

fn write_table(
    ws: &mut Worksheet,
    sheet: &Sheet,
    rows: &[Vec<Cell>],
    f: &Formats,
    lists: &[RefList],
    notes: &Notes,
) -> Result<()> {
    let e = xerr(sheet.name);
    for (i, c) in sheet.columns.iter().enumerate() {
        let col = i as u16;
        let header = if c.required {
            format!("{} *", c.header)
        } else {
            c.header.to_string()
        };
        ws.write_string_with_format(0, col, &header, &f.header)
            .map_err(&e)?;
        ws.set_column_width(col, c.width).map_err(&e)?;
        let fmt = if c.kind == Kind::LongText {
            &f.wrap
        } else if c.kind == Kind::Date {
            &f.date
        } else {
            &f.input
        };
        ws.set_column_format(col, fmt).map_err(&e)?;
        if let Some(dv) = validation(c, lists, f.years)? {
            ws.add_data_validation(1, col, rows.len() as u32 + INPUT_ROWS, col, &dv)
                .map_err(&e)?;
        }
    }
    ws.set_row_format(0, &f.header).map_err(&e)?;
    ws.set_row_height(0, 32).map_err(&e)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (i, (v, c)) in row.iter().zip(sheet.columns).enumerate() {
            let mark = mark_for(notes, sheet.name, r, i as u16, f);
            if *v == Cell::Empty && mark.is_none() {
                continue;
            }
            put(ws, sheet.name, r, i as u16, v, c.kind, f, mark)?;
        }
    }
    attach_notes(ws, notes, sheet.name)?;
    ws.set_freeze_panes(1, 0).map_err(&e)?;
    Ok(())
}

fn write_record(
    ws: &mut Worksheet,
    sheet: &Sheet,
    values: &[Cell],
    f: &Formats,
    lists: &[RefList],
    notes: &Notes,
) -> Result<()> {
    let e = xerr(sheet.name);
    ws.write_string_with_format(0, 0, "Rubrique", &f.header)
        .map_err(&e)?;
    ws.write_string_with_format(0, 1, "Valeur", &f.header)
        .map_err(&e)?;
    ws.write_string_with_format(0, 2, "Aide", &f.header)
        .map_err(&e)?;
    ws.set_column_width(0, 40).map_err(&e)?;
    ws.set_column_width(1, 50).map_err(&e)?;
    ws.set_column_width(2, 60).map_err(&e)?;
    for (i, c) in sheet.columns.iter().enumerate() {
        let r = i as u32 + 1;
        let label = if c.required {
            format!("{} *", c.header)
        } else {
            c.header.to_string()
        };
        ws.write_string_with_format(r, 0, &label, &f.label)
            .map_err(&e)?;
        let v = values.get(i).cloned().unwrap_or(Cell::Empty);
        let mark = mark_for(notes, sheet.name, r, 1, f).or(c.fixed().then_some(&f.fixed));
        put(ws, sheet.name, r, 1, &v, c.kind, f, mark)?;
        let help = if c.help.is_empty() {
            c.kind.hint()
        } else {
            format!("{} ({})", c.help, c.kind.hint())
        };
        ws.write_string_with_format(r, 2, &help, &f.help)
            .map_err(&e)?;
        if let Some(dv) = validation(c, lists, f.years)? {
            ws.add_data_validation(r, 1, r, 1, &dv).map_err(&e)?;
        }
    }
    attach_notes(ws, notes, sheet.name)?;
    ws.set_freeze_panes(1, 1).map_err(&e)?;
    Ok(())
}

fn readme(
    ws: &mut Worksheet,
    layout: &Layout,
    opts: &Options,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name(README_SHEET)?;
    ws.set_paper_size(9);
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(0, 0, layout.title, &f.title)?;
    let mut r = 2;
    let mut line = |ws: &mut Worksheet, a: &str, b: &str| -> std::result::Result<(), XlsxError> {
        ws.write_string_with_format(r, 0, a, &f.label)?;
        ws.write_string_with_format(r, 1, b, &f.help)?;
        r += 1;
        Ok(())
    };
    if let Some(m) = opts.meta {
        line(ws, "Pour", &format!("{} ({})", m.nom, m.code))?;
        line(
            ws,
            "Convention",
            if m.titre.is_empty() {
                &m.ctg_id
            } else {
                &m.titre
            },
        )?;
        line(
            ws,
            "À renvoyer avant le",
            if m.deadline.is_empty() {
                "la date indiquée par votre chargé(e) de coopération"
            } else {
                &m.deadline
            },
        )?;
        line(
            ws,
            "Contact",
            if m.contact.is_empty() {
                "votre chargé(e) de coopération Caf"
            } else {
                &m.contact
            },
        )?;
    }
    line(
        ws,
        "Comment remplir",
        "Complétez les cellules blanches de chaque feuille ; les colonnes marquées * sont obligatoires. Choisissez les valeurs dans les listes déroulantes. Les nombres s'écrivent avec une virgule (1,5), les dates jj/mm/aaaa, les trimestres 2026-T1 ; un avancement se saisit de 0 à 100 (« 50 » ou « 50 % » valent tous deux 50 %).",
    )?;
    line(
        ws,
        "Ce qu'il ne faut pas faire",
        "Ne renommez pas les feuilles ni les en-têtes de colonnes, ne supprimez pas les feuilles masquées. Vous pouvez ajouter des lignes. Enregistrez au format .xlsx ou .ods, sans mot de passe.",
    )?;
    line(
        ws,
        "Vérification",
        "Le fichier renvoyé est vérifié automatiquement (ctg valider) ; chaque anomalie est signalée avec sa feuille et sa cellule.",
    )?;
    r += 1;
    for s in layout.sheets {
        ws.write_string_with_format(r, 0, s.name, &f.header)?;
        ws.write_string_with_format(r, 1, s.purpose, &f.header)?;
        r += 1;
        for c in s.columns {
            let req = if c.required { " — obligatoire" } else { "" };
            let help = if c.help.is_empty() {
                String::new()
            } else {
                format!(" — {}", c.help)
            };
            ws.write_string(r, 0, c.header)?;
            ws.write_string_with_format(r, 1, format!("{}{req}{help}", c.kind.hint()), &f.help)?;
            r += 1;
        }
        r += 1;
    }
    Ok(())
}

fn anomalies(
    ws: &mut Worksheet,
    layout: &Layout,
    list: &[Annotation],
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("Anomalies")?;
    for (i, (h, w)) in [
        ("Dans cette copie", 22.0),
        ("Dans le fichier reçu", 34.0),
        ("Code", 11.0),
        ("Gravité", 14.0),
        ("Message", 80.0),
        ("Valeur saisie", 30.0),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, a) in list.iter().enumerate() {
        let r = i as u32 + 1;
        let target = format!("{}!{}", a.sheet, cell_name(a.row, a.col));
        if a.placed && layout.sheet(&a.sheet).is_some() {
            ws.write_url_with_text(
                r,
                0,
                Url::new(format!(
                    "internal:'{}'!{}",
                    a.sheet,
                    cell_name(a.row, a.col)
                )),
                &target,
            )?;
        }
        write_text(ws, r, 1, &a.location, None)?;
        ws.write_string(r, 2, &a.code)?;
        ws.write_string(r, 3, a.severity.label())?;
        write_text(ws, r, 4, &a.message, Some(&f.help))?;
        write_text(ws, r, 5, &a.value, None)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_lists(ws: &mut Worksheet, lists: &[RefList]) -> std::result::Result<(), XlsxError> {
    ws.set_name(LISTS_SHEET)?;
    for (i, r) in lists.iter().enumerate() {
        ws.write_string(0, i as u16, r.title())?;
        for (j, (_, label)) in r.values().iter().enumerate() {
            ws.write_string(j as u32 + 1, i as u16, *label)?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

fn write_meta(wb: &mut Workbook, layout: &Layout, meta: Option<&Meta>) -> Result<()> {
    let pairs = meta.cloned().unwrap_or_default().pairs(layout);
    let ws = wb.add_worksheet();
    let e = xerr(META_SHEET);
    ws.set_name(META_SHEET).map_err(&e)?;
    for (i, (k, v)) in pairs.iter().enumerate() {
        ws.write_string(i as u32, 0, *k).map_err(&e)?;
        ws.write_string(i as u32, 1, v).map_err(&e)?;
    }
    ws.set_hidden(true);
    let mut props = DocProperties::new()
        .set_title(layout.title)
        .set_author("ctg")
        .set_company("Caf");
    // The form's date, not the clock: the same CTG and settings give the same bytes, and a
    // partner's save (which updates it) is what tells two returns apart.
    if let Some(d) = meta
        .map(|m| m.generated.as_str())
        .and_then(|g| chrono::NaiveDate::parse_from_str(g.get(..10)?, "%Y-%m-%d").ok())
        .and_then(|d| ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok())
    {
        props = props.set_creation_datetime(&d);
    }
    for (k, v) in &pairs {
        props = props.set_custom_property(*k, v.as_str());
    }
    wb.set_properties(&props);
    Ok(())
}
