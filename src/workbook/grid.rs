//! calamine → grid: any supported spreadsheet (picked by content) read into plain sheets of
//! raw cells and formulas, before any layout is applied. Refusals are typed (`Refusal`).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};

use super::cells::Cell;
use crate::codes::Code;
use crate::container::{self, Format, Refusal};
use crate::referentials::normalize;

/// A sheet as read: cells by (row, column), 0-based, with formulas where present.
#[derive(Debug, Default, Clone)]
pub struct Grid {
    pub name: String,
    pub cells: Vec<Vec<Cell>>,
    pub formulas: BTreeMap<(u32, u32), String>,
}

impl Grid {
    pub fn get(&self, r: usize, c: usize) -> &Cell {
        self.cells
            .get(r)
            .and_then(|row| row.get(c))
            .unwrap_or(&Cell::Empty)
    }
}

/// A workbook as read, before any layout is applied.
#[derive(Debug)]
pub struct Book {
    pub format: Format,
    pub sheets: Vec<Grid>,
}

fn raw_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Date(dt.as_f64()),
        Data::DateTimeIso(s) => Cell::IsoDate(s.clone()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Hard bound on the cells of one sheet kept in memory (a return holds a few thousand).
const MAX_CELLS: usize = 5_000_000;

fn grid_of(name: &str, range: &calamine::Range<Data>) -> Result<Grid, Refusal> {
    let (h, w) = range.get_size();
    if h.saturating_mul(w) > MAX_CELLS {
        return Err(Refusal {
            code: Code::E102,
            message: format!(
                "feuille « {name} » de {h} lignes sur {w} colonnes : trop grande pour un formulaire"
            ),
        });
    }
    let (r0, c0) = range
        .start()
        .map(|(r, c)| (r as usize, c as usize))
        .unwrap_or((0, 0));
    let mut cells = vec![Vec::new(); r0 + h];
    for (r, row) in range.rows().enumerate() {
        let mut out = vec![Cell::Empty; c0];
        out.extend(row.iter().map(raw_of));
        while out.last().is_some_and(|c| c.is_empty()) {
            out.pop();
        }
        cells[r0 + r] = out;
    }
    while cells.last().is_some_and(|r| r.is_empty()) {
        cells.pop();
    }
    Ok(Grid {
        name: name.to_string(),
        cells,
        formulas: BTreeMap::new(),
    })
}

fn ref_of(d: calamine::DataRef) -> Cell {
    use calamine::DataRef;
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => Cell::Date(dt.as_f64()),
        DataRef::DateTimeIso(s) => Cell::IsoDate(s),
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// One pass over an .xlsx sheet: cached values and formulas together (the sheet is inflated
/// and parsed once, not once per kind).
fn xlsx_grid(
    x: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<Result<Grid, Refusal>, Refusal> {
    let mut reader = x.worksheet_cells_reader(name).map_err(calamine_message)?;
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    let mut formulas = BTreeMap::new();
    let mut count = 0usize;
    while let Some(c) = reader.next_cell_with_formula().map_err(calamine_message)? {
        let (r, col) = (c.pos.0 as usize, c.pos.1 as usize);
        if let Some(f) = c.formula.filter(|f| !f.is_empty()) {
            formulas.insert(c.pos, f);
        }
        let value = ref_of(c.value);
        if value.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_CELLS || r.saturating_mul(col) > MAX_CELLS.saturating_mul(64) {
            return Ok(Err(Refusal {
                code: Code::E102,
                message: format!(
                    "feuille « {name} » : plus de {} cellules, trop grande pour un formulaire",
                    crate::fr::int(MAX_CELLS as u64)
                ),
            }));
        }
        if cells.len() <= r {
            cells.resize_with(r + 1, Vec::new);
        }
        let row = &mut cells[r];
        if row.len() <= col {
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
    }
    Ok(Ok(Grid {
        name: name.to_string(),
        cells,
        formulas,
    }))
}

fn calamine_message(e: impl std::fmt::Display) -> Refusal {
    let m = e.to_string();
    let lower = m.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        return Refusal {
            code: Code::E101,
            message: container::PASSWORD.into(),
        };
    }
    Refusal {
        code: Code::E100,
        message: format!("classeur illisible : {}", calamine_reason(&lower)),
    }
}

/// calamine's (English) error text, as a French cause.
fn calamine_reason(lower: &str) -> &'static str {
    const CAUSES: &[(&[&str], &str)] = &[
        (&["doctype", "entity"], "déclaration d'entité XML refusée"),
        (&["dimension"], "dimension de feuille invalide"),
        (
            &["shared string", "sst"],
            "référence à un texte partagé invalide",
        ),
        (&["compression"], "méthode de compression inconnue"),
        (&["checksum", "crc"], "somme de contrôle (CRC) incorrecte"),
        (&["cfb", "fat", "sector"], "structure Office 97-2003 abîmée"),
        (&["eof", "end of", "truncat"], "fichier tronqué"),
        (&["xml"], "XML mal formé"),
        (&["zip", "archive"], "archive ZIP abîmée"),
        (
            &["cell", "range", "row", "column"],
            "référence de cellule invalide",
        ),
    ];
    CAUSES
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| lower.contains(k)))
        .map_or("structure interne invalide", |(_, c)| c)
}

/// Reads every sheet (or only `wanted`, by name) of a spreadsheet.
pub fn open(bytes: &[u8], wanted: Option<&[&str]>) -> Result<Book, Refusal> {
    let (sniffed, package) = container::sniff_package(bytes);
    open_in(sniffed, package.as_ref(), bytes, wanted)
}

/// Reads a spreadsheet the caller already recognised (and checked) with `sniff_package`,
/// from the package the audit kept when there is one (a zip workbook), not from `bytes`.
pub fn open_in(
    sniffed: Result<Format, Refusal>,
    package: Option<&container::Package>,
    bytes: &[u8],
    wanted: Option<&[&str]>,
) -> Result<Book, Refusal> {
    let format = sniffed?;
    match format {
        Format::Docx => {
            return Err(Refusal {
                code: Code::E100,
                message: "document Word et non classeur : utilisez « ctg importer » pour un .docx"
                    .into(),
            });
        }
        Format::Doc => {
            return Err(Refusal {
                code: Code::E100,
                message: "document Word 97-2003 (.doc) et non classeur".into(),
            });
        }
        _ => {}
    }
    let result = crate::guard::quietly(|| read_all(format, package, bytes, wanted));
    match result {
        Ok(r) => r.map(|sheets| Book { format, sheets }),
        Err(_) => Err(Refusal {
            code: Code::E100,
            message: format!("{} corrompu : la lecture a échoué", format.label()),
        }),
    }
}

fn read_all(
    format: Format,
    package: Option<&container::Package>,
    bytes: &[u8],
    wanted: Option<&[&str]>,
) -> Result<Vec<Grid>, Refusal> {
    let bytes = package.map_or(bytes, |p| p.bytes());
    let cur = Cursor::new(bytes);
    let mut wb: calamine::Sheets<Cursor<&[u8]>> = match format {
        Format::Xlsx => {
            calamine::Sheets::Xlsx(calamine::open_workbook_from_rs(cur).map_err(calamine_message)?)
        }
        Format::Xlsb => {
            calamine::Sheets::Xlsb(calamine::open_workbook_from_rs(cur).map_err(calamine_message)?)
        }
        Format::Xls => {
            calamine::Sheets::Xls(calamine::open_workbook_from_rs(cur).map_err(calamine_message)?)
        }
        Format::Ods => {
            calamine::Sheets::Ods(calamine::open_workbook_from_rs(cur).map_err(calamine_message)?)
        }
        _ => unreachable!("spreadsheets only"),
    };
    let names = wb.sheet_names();
    // ctg's own help and lists sheets hold no partner data: not parsed (a tenth of the
    // reading time of a return).
    let own = |name: &str| {
        wanted.is_none()
            && [super::layout::README_SHEET, super::layout::LISTS_SHEET]
                .iter()
                .any(|s| normalize(s) == normalize(name))
    };
    let read = |name: &str| {
        wanted.is_none_or(|w| w.iter().any(|x| normalize(x) == normalize(name))) && !own(name)
    };
    let percents = match format {
        Format::Xlsx => match package {
            Some(p) => super::percent::xlsx_percent_cells_in(p, &read),
            None => super::percent::xlsx_percent_cells(bytes, &read),
        },
        Format::Ods => super::percent::ods_percent_cells(bytes),
        _ => Default::default(),
    };
    let mut out = Vec::new();
    let mut skipped: Vec<(String, Refusal)> = Vec::new();
    for name in names {
        if own(&name) {
            out.push(Grid {
                name: name.clone(),
                ..Default::default()
            });
            continue;
        }
        if !read(&name) {
            continue;
        }
        // An .xlsx sheet is read once for values and formulas together; the other formats
        // through calamine's ranges.
        let read = match &mut wb {
            calamine::Sheets::Xlsx(x) => xlsx_grid(x, &name),
            other => other
                .worksheet_range(&name)
                .map_err(calamine_message)
                .map(|range| grid_of(&name, &range)),
        };
        let mut grid = match read {
            Ok(g) => g?,
            // A chart or macro sheet, or one damaged sheet, must not hide the others.
            Err(r) => {
                skipped.push((name.clone(), r));
                continue;
            }
        };
        // «50 %» is stored as 0.5: read as the partner saw it.
        for &(r, c) in percents.get(&name).into_iter().flatten() {
            if let Some(cell) = grid
                .cells
                .get_mut(r as usize)
                .and_then(|row| row.get_mut(c as usize))
                && let Cell::Number(n) = *cell
            {
                *cell = Cell::Text(format!(
                    "{} %",
                    crate::fr::plain((n * 100.0 * 1e9).round() / 1e9)
                ));
            }
        }
        if !matches!(wb, calamine::Sheets::Xlsx(_))
            && let Ok(f) = wb.worksheet_formula(&name)
            && let Some((r0, c0)) = f.start()
        {
            for (r, row) in f.rows().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    if !text.is_empty() {
                        grid.formulas
                            .insert((r0 + r as u32, c0 + c as u32), text.clone());
                    }
                }
            }
        }
        out.push(grid);
    }
    if out.is_empty()
        && let Some((name, r)) = skipped.into_iter().next()
    {
        return Err(Refusal {
            code: r.code,
            message: format!("feuille « {name} » : {}", r.message),
        });
    }
    Ok(out)
}
