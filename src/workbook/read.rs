//! The one workbook reader, for `importer` and `valider`: any .xlsx/.xlsm/.xlsb/.xls/.ods,
//! recognised by content, read through calamine after the container pre-flight, then
//! matched to a layout by header text (not position) and parsed cell by cell.
//!
//! Nothing is dropped silently: every data row is counted as kept or rejected, every
//! rejected row and every unreadable cell is a diagnostic with its cell and raw value.

use crate::codes::Code;

use serde_json::Value;

use super::addr::cell_name;
use super::cells::{self, Cell};
use super::flatten::{Assembler, Placed};
use super::grid::{Book, Grid};
use super::layout::{Column, Layout, META_SHEET, Shape, Sheet};
use super::layouts;
use super::meta::Meta;
use crate::container::{Format, Refusal};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Ctg, MODEL_VERSION};
use crate::referentials::normalize;

/// Rows of one sheet as read against its layout, for annotated copies and consolidation.
#[derive(Debug, Clone)]
pub struct RowRead {
    /// 0-based row in the partner's sheet.
    pub source_row: u32,
    /// Cell value per layout column.
    pub cells: Vec<Cell>,
    /// 0-based column in the partner's sheet per layout column (None: column absent).
    pub source_cols: Vec<Option<u32>>,
    pub rejected: bool,
    /// JSON pointer of the element the row became, when kept.
    pub pointer: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SheetRead {
    pub sheet: &'static Sheet,
    /// The partner's sheet name (found), if any.
    pub found: Option<String>,
    pub rows: Vec<RowRead>,
}

/// Rows of a file (the JSON report's `lignes`): read = kept + rejected + not read.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Counts {
    #[serde(rename = "lues")]
    pub read: usize,
    #[serde(rename = "retenues")]
    pub kept: usize,
    #[serde(rename = "rejetees")]
    pub rejected: usize,
    #[serde(rename = "non_lues")]
    pub not_read: usize,
}

/// The outcome of reading a workbook against a layout.
#[derive(Debug)]
pub struct Outcome {
    pub format: Format,
    pub layout: &'static Layout,
    pub meta: Meta,
    pub model: Ctg,
    pub diagnostics: Vec<Diagnostic>,
    pub sheets: Vec<SheetRead>,
    pub counts: Counts,
    /// When the partner last saved the file, from its document properties (read from the
    /// audited package; `None` when absent or when read without one).
    pub saved: Option<String>,
}

struct Ctx<'a> {
    file: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn at(&self, sheet: &str, row: u32, col: u32) -> Location {
        Location::cell(Some(self.file), sheet, cell_name(row, col as u16))
    }

    fn push(&mut self, code: Code, loc: Location, msg: impl Into<String>, value: Option<String>) {
        let mut d = Diagnostic::new(code, loc, msg);
        d.value = value.filter(|v| !v.is_empty());
        self.diags.push(d);
    }
}

fn header_key(s: &str) -> String {
    normalize(s.trim().trim_end_matches('*'))
}

/// Reads a spreadsheet against a layout. The layout is the one named by the file's meta
/// sheet; `expected` is used when there is none (with a warning), else the layout whose
/// sheets the file holds. `Err` means the file could not be read at all.
pub fn read(
    bytes: &[u8],
    file: &str,
    expected: Option<&'static Layout>,
) -> Result<Outcome, Diagnostic> {
    let (sniffed, package) = crate::container::sniff_package(bytes);
    read_in(sniffed, package.as_ref(), bytes, file, expected)
}

/// [`read`] when the caller already recognised (and checked) the file with `sniff_package`:
/// the package the audit kept is read instead of `bytes` (`None` for other files).
pub fn read_in(
    sniffed: Result<Format, Refusal>,
    package: Option<&crate::container::Package>,
    bytes: &[u8],
    file: &str,
    expected: Option<&'static Layout>,
) -> Result<Outcome, Diagnostic> {
    let fatal = |r: Refusal| Diagnostic::new(r.code, Location::file(file), r.message);
    let book = super::grid::open_in(sniffed, package, bytes, None).map_err(fatal)?;
    let mut ctx = Ctx {
        file,
        diags: Vec::new(),
    };
    let meta = read_meta(&book);
    // Workbooks ctg wrote itself are not returns.
    if meta.formulaire == super::meta::CONSOLIDE {
        return Err(Diagnostic::new(
            Code::I134,
            Location::file(file),
            "classeur consolidé écrit par ctg : ce n'est pas un retour, il est ignoré",
        ));
    }
    let layout = pick_layout(&book, &meta, expected, &mut ctx).ok_or_else(|| {
        Diagnostic::new(
            Code::E117,
            Location::file(file),
            "formulaire non reconnu : ni feuille « _meta », ni feuilles d'un formulaire ctg",
        )
    })?;
    let mut asm = Assembler::default();
    let mut sheets = Vec::new();
    let mut counts = Counts::default();
    // Sheets are found like columns: by name, else by their content (a partner renamed
    // «Suivi» into «Suivi T2»); what matches nothing is reported with its rows, never skipped.
    let mut used = vec![false; book.sheets.len()];
    let by_name: Vec<Option<usize>> = layout
        .sheets
        .iter()
        .map(|s| {
            let i = book
                .sheets
                .iter()
                .position(|g| normalize(&g.name) == normalize(s.name));
            if let Some(i) = i {
                used[i] = true;
            }
            i
        })
        .collect();
    for g in book
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, g)| is_ours(&g.name))
    {
        used[g.0] = true;
    }
    for (si, sheet) in layout.sheets.iter().enumerate() {
        let index = by_name[si].or_else(|| {
            let i = (0..book.sheets.len())
                .filter(|i| !used[*i])
                .filter_map(|i| Some((i, content_match(sheet, &book.sheets[i])?)))
                .max_by_key(|(i, score)| (*score, std::cmp::Reverse(*i)))
                .map(|(i, _)| i)?;
            used[i] = true;
            ctx.push(
                Code::I135,
                Location::file(file),
                format!(
                    "la feuille « {} » a été retrouvée sous le nom « {} » d'après son contenu",
                    sheet.name, book.sheets[i].name
                ),
                Some(book.sheets[i].name.clone()),
            );
            Some(i)
        });
        let grid = index.map(|i| &book.sheets[i]);
        let Some(grid) = grid else {
            ctx.push(
                Code::E103,
                Location::file(file),
                format!("la feuille « {} » manque", sheet.name),
                None,
            );
            sheets.push(SheetRead {
                sheet,
                found: None,
                rows: vec![],
            });
            continue;
        };
        let rows = if sheet.is_record() {
            read_record(sheet, grid, &mut asm, &mut ctx)
        } else {
            read_table(layout, sheet, grid, &mut asm, &mut ctx, &mut counts)
        };
        sheets.push(SheetRead {
            sheet,
            found: Some(grid.name.clone()),
            rows,
        });
    }
    for (i, g) in book.sheets.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let rows = g
            .cells
            .iter()
            .enumerate()
            .filter(|(r, row)| {
                row.iter().any(|c| !c.is_empty())
                    || g.formulas
                        .range((*r as u32, 0)..(*r as u32 + 1, 0))
                        .next()
                        .is_some()
            })
            .count();
        if rows > 0 {
            counts.read += rows;
            counts.not_read += rows;
            ctx.push(
                Code::W136,
                Location::file(file),
                format!(
                    "la feuille « {} » ne correspond à aucune feuille du formulaire : ses {} ne sont pas lues",
                    g.name,
                    crate::fr::plural(rows, "ligne", "lignes")
                ),
                Some(book.sheets[i].name.clone()),
            );
        }
    }
    let model = finish(asm, file)?;
    Ok(Outcome {
        format: book.format,
        layout,
        meta,
        model,
        diagnostics: ctx.diags,
        sheets,
        counts,
        saved: package.and_then(|p| p.saved_date()),
    })
}

fn read_meta(book: &Book) -> Meta {
    let Some(g) = book.sheets.iter().find(|g| g.name == META_SHEET) else {
        return Meta::default();
    };
    Meta::from_pairs(
        (0..g.cells.len()).filter_map(|r| match (g.get(r, 0), g.get(r, 1)) {
            (Cell::Text(k), v) => Some((k.as_str(), v.display().trim().to_string())),
            _ => None,
        }),
    )
}

fn pick_layout(
    book: &Book,
    meta: &Meta,
    expected: Option<&'static Layout>,
    ctx: &mut Ctx,
) -> Option<&'static Layout> {
    let file = ctx.file.to_string();
    if !meta.formulaire.is_empty() {
        let kind = &meta.formulaire;
        let Some(layout) = layouts::by_kind(kind) else {
            ctx.push(
                Code::E117,
                Location::file(&file),
                format!("type de formulaire « {kind} » inconnu de cette version de ctg"),
                Some(kind.clone()),
            );
            return None;
        };
        let version = meta.version.clone();
        if version != layout.version.to_string() {
            ctx.push(
                Code::W118,
                Location::file(&file),
                format!(
                    "formulaire de version {version}, cette version de ctg lit la version {}",
                    layout.version
                ),
                Some(version),
            );
        } else if !meta.empreinte.is_empty() && meta.empreinte != layout.fingerprint() {
            ctx.push(Code::W118, Location::file(&file), "formulaire produit avec une disposition différente : régénérez-le avec « ctg formulaires »", Some(meta.empreinte.clone()));
        }
        return Some(layout);
    }
    let score = |l: &Layout| {
        l.sheets
            .iter()
            .filter(|s| {
                book.sheets
                    .iter()
                    .any(|g| normalize(&g.name) == normalize(s.name))
            })
            .count()
    };
    let chosen = match expected {
        Some(l) if score(l) > 0 => Some(l),
        _ => [
            &layouts::CTG_COMPLET,
            &layouts::RETOUR_EPCI,
            &layouts::RETOUR_COMMUNE,
        ]
        .into_iter()
        .filter(|l| score(l) >= 2)
        .max_by_key(|l| score(l)),
    };
    if let Some(l) = chosen {
        ctx.push(
            Code::W118,
            Location::file(&file),
            format!(
                "feuille « _meta » absente : fichier lu comme « {} »",
                l.title
            ),
            None,
        );
    }
    chosen
}

fn read_record(
    sheet: &'static Sheet,
    grid: &Grid,
    asm: &mut Assembler,
    ctx: &mut Ctx,
) -> Vec<RowRead> {
    let labels: Vec<(usize, String)> = (0..grid.cells.len())
        .map(|r| (r, header_key(&grid.get(r, 0).display())))
        .collect();
    let mut values = Vec::with_capacity(sheet.columns.len());
    let mut cells = Vec::new();
    let mut cols = Vec::new();
    for c in sheet.columns {
        let key = header_key(c.header);
        let Some(&(r, _)) = labels.iter().find(|(_, l)| *l == key) else {
            if c.required {
                ctx.push(
                    Code::E104,
                    Location::cell(Some(ctx.file), sheet.name, "A"),
                    format!(
                        "la rubrique « {} » est introuvable dans la colonne A",
                        c.header
                    ),
                    None,
                );
            }
            values.push(None);
            cells.push(Cell::Empty);
            cols.push(None);
            continue;
        };
        let raw = grid.get(r, 1).clone();
        let loc = ctx.at(&grid.name, r as u32, 1);
        values.push(parse_cell(c, &raw, grid, r as u32, 1, loc, ctx).ok());
        cells.push(raw);
        cols.push(Some(r as u32));
    }
    asm.put(sheet, &values);
    // A record keeps one pseudo-row per field so that annotations find their cell.
    cells
        .into_iter()
        .zip(cols)
        .zip(sheet.columns)
        .map(|((raw, row), c)| RowRead {
            source_row: row.unwrap_or(0),
            cells: vec![raw],
            source_cols: vec![row.map(|_| 1)],
            rejected: false,
            pointer: Some(format!("/{}", c.field)),
        })
        .collect()
}

/// Parses one cell, pushing its diagnostics; `Err` when the value is unusable.
fn parse_cell(
    c: &Column,
    raw: &Cell,
    grid: &Grid,
    row: u32,
    col: u32,
    loc: Location,
    ctx: &mut Ctx,
) -> Result<Value, ()> {
    if raw.is_empty() {
        if let Some(f) = grid.formulas.get(&(row, col)) {
            ctx.push(Code::W115, loc.clone(), format!("« {} » : formule sans valeur calculée ; ouvrez et enregistrez le fichier dans Excel ou Calc", c.header), Some(format!("={f}")));
        }
        if c.required {
            ctx.push(
                Code::E107,
                loc,
                format!("« {} » est obligatoire", c.header),
                None,
            );
            return Err(());
        }
    }
    match cells::parse(c.kind, raw) {
        Ok(p) => {
            if let Some(n) = p.notice {
                ctx.push(n.code, loc, n.message, Some(raw.display()));
            }
            Ok(p.value)
        }
        Err(p) => {
            ctx.push(
                p.code,
                loc,
                format!("« {} » : {}", c.header, p.message),
                Some(raw.display()),
            );
            Err(())
        }
    }
}

/// Finds the header row: the one among the first rows naming the most layout columns.
/// Sheets ctg writes for itself, never partners' data.
/// Sheets ctg adds to a form or to an annotated copy («Anomalies», «Anomalies 2»…).
fn is_ours(name: &str) -> bool {
    use super::layout::{LISTS_SHEET, README_SHEET};
    let n = normalize(name);
    [META_SHEET, LISTS_SHEET, README_SHEET]
        .iter()
        .any(|s| normalize(s) == n)
        || n.strip_prefix(&normalize(crate::returns::annotate::SHEET))
            .is_some_and(|rest| rest.trim().chars().all(|c| c.is_ascii_digit()))
}

/// How well a sheet's content matches a layout sheet: the number of its headers (or record
/// labels) found, when every required one is; `None` when it is not that sheet.
fn content_match(sheet: &Sheet, grid: &Grid) -> Option<usize> {
    let found: Vec<bool> = if sheet.is_record() {
        let labels: Vec<String> = (0..grid.cells.len().min(200))
            .map(|r| header_key(&grid.get(r, 0).display()))
            .collect();
        sheet
            .columns
            .iter()
            .map(|c| labels.contains(&header_key(c.header)))
            .collect()
    } else {
        let (_, map) = find_header(sheet, grid)?;
        map.iter().map(Option::is_some).collect()
    };
    let all_required = sheet
        .columns
        .iter()
        .zip(&found)
        .all(|(c, f)| !c.required || *f);
    let score = found.iter().filter(|f| **f).count();
    (all_required && score >= 2).then_some(score)
}

fn find_header(sheet: &Sheet, grid: &Grid) -> Option<(usize, Vec<Option<u32>>)> {
    let keys: Vec<String> = sheet.columns.iter().map(|c| header_key(c.header)).collect();
    let mut best: Option<(usize, Vec<Option<u32>>, usize)> = None;
    for r in 0..grid.cells.len().min(20) {
        let row = &grid.cells[r];
        let mut map = vec![None; keys.len()];
        for (ci, cell) in row.iter().enumerate() {
            let h = header_key(&cell.display());
            if h.is_empty() {
                continue;
            }
            // Keys repeat across layouts (Fiche…) but are unique within a sheet.
            if let Some(k) = keys.iter().position(|k| *k == h)
                && map[k].is_none()
            {
                map[k] = Some(ci as u32);
            }
        }
        let score = map.iter().filter(|m| m.is_some()).count();
        if score > 0 && best.as_ref().is_none_or(|b| score > b.2) {
            best = Some((r, map, score));
            // Every column found: no later row can score higher (and the data rows below
            // need no normalising).
            if score == keys.len() {
                break;
            }
        }
    }
    best.map(|(r, m, _)| (r, m))
}

/// The sheet whose rows the rows of `sheet` hang from (`Suivi` for `Suivi des indicateurs`).
fn parent_sheet(layout: &Layout, sheet: &Sheet) -> Option<&'static Sheet> {
    let Shape::Table { levels } = sheet.shape else {
        return None;
    };
    let up = levels.split_last()?.1;
    if up.is_empty() {
        return None;
    }
    layout
        .sheets
        .iter()
        .find(|s| matches!(s.shape, Shape::Table { levels } if levels == up))
}

fn read_table(
    layout: &Layout,
    sheet: &'static Sheet,
    grid: &Grid,
    asm: &mut Assembler,
    ctx: &mut Ctx,
    counts: &mut Counts,
) -> Vec<RowRead> {
    let Some((hr, map)) = find_header(sheet, grid) else {
        let any = grid.cells.iter().any(|r| r.iter().any(|c| !c.is_empty()));
        if any {
            ctx.push(Code::E104, Location::cell(Some(ctx.file), &grid.name, "1"), format!("aucun en-tête de la feuille « {} » n'a été trouvé : ses données ne sont pas lues", sheet.name), None);
        }
        return vec![];
    };
    header_checks(sheet, grid, hr, &map, ctx);
    for r in 0..hr {
        for (c, cell) in grid.cells[r]
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
        {
            ctx.push(
                Code::I116,
                ctx.at(&grid.name, r as u32, c as u32),
                "texte au-dessus du tableau : non lu",
                Some(cell.display()),
            );
        }
    }
    let leaf = sheet.levels().len() - 1;
    let owner = (sheet.levels().len() > 1)
        .then(|| {
            layout
                .sheets
                .iter()
                .find(|s| s.levels() == &sheet.levels()[..leaf])
        })
        .flatten();
    let owned_parent = owner.is_some();
    // A parent created from a child row holds only the child's keys, unless its own sheet
    // requires more (a follow-up line's «État»): then it would hold values nobody typed.
    let parent_needs_more = owner.is_some_and(|o| {
        o.columns.iter().any(|c| {
            c.required
                && c.level as usize == leaf - 1
                && !sheet
                    .columns
                    .iter()
                    .any(|k| k.level == c.level && k.field == c.field)
        })
    });
    let mapped: Vec<u32> = map.iter().flatten().copied().collect();
    let mut out = Vec::new();
    let mut seen_blank = false;
    let last = grid
        .formulas
        .keys()
        .map(|(r, _)| *r as usize + 1)
        .max()
        .unwrap_or(0)
        .max(grid.cells.len());
    for r in hr + 1..last {
        let row: &[Cell] = grid.cells.get(r).map_or(&[], |v| v.as_slice());
        // A cell holding a formula without its computed value is not an empty cell: the row
        // is read (and reported), never dropped in silence.
        let width = row.len().max(
            grid.formulas
                .range((r as u32, 0)..(r as u32 + 1, 0))
                .map(|((_, c), _)| *c as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let filled: Vec<usize> = (0..width)
            .filter(|i| {
                !grid.get(r, *i).is_empty() || grid.formulas.contains_key(&(r as u32, *i as u32))
            })
            .collect();
        if filled.is_empty() {
            seen_blank = true;
            continue;
        }
        let only_unmapped = filled.iter().all(|i| !mapped.contains(&(*i as u32)));
        if (seen_blank && filled.len() == 1) || only_unmapped {
            let text = grid.get(r, filled[0]).display();
            ctx.push(
                Code::I116,
                ctx.at(&grid.name, r as u32, filled[0] as u32),
                "texte hors du tableau (note ?) : non lu",
                Some(text),
            );
            continue;
        }
        counts.read += 1;
        let cells: Vec<Cell> = map
            .iter()
            .map(|m| {
                m.map(|c| grid.get(r, c as usize).clone())
                    .unwrap_or(Cell::Empty)
            })
            .collect();
        let mut values = Vec::with_capacity(cells.len());
        let mut reject = false;
        for (i, c) in sheet.columns.iter().enumerate() {
            let loc = ctx.at(&grid.name, r as u32, map[i].unwrap_or(0));
            let v = match map[i] {
                Some(col) => parse_cell(c, &cells[i], grid, r as u32, col, loc, ctx).ok(),
                None => None,
            };
            if v.is_none() && (c.required || (c.level as usize) < leaf) && map[i].is_some() {
                reject = true;
            }
            values.push(v);
        }
        let mut rr = RowRead {
            source_row: r as u32,
            cells,
            source_cols: map.clone(),
            rejected: reject,
            pointer: None,
        };
        if reject {
            counts.rejected += 1;
            // The raw values as the partner typed them, a formula without its value as «=…».
            let raw: Vec<String> = rr
                .cells
                .iter()
                .zip(&rr.source_cols)
                .map(|(c, col)| match (c.is_empty(), col) {
                    (true, Some(col)) => grid
                        .formulas
                        .get(&(r as u32, *col))
                        .map(|f| format!("={f}"))
                        .unwrap_or_default(),
                    _ => c.display(),
                })
                .collect();
            ctx.push(
                Code::E126,
                Location::cell(Some(ctx.file), &grid.name, format!("{}", r + 1)),
                format!(
                    "ligne {} de « {} » rejetée (voir les anomalies de ses cellules)",
                    r + 1,
                    grid.name
                ),
                Some(raw.join(" | ")),
            );
        } else {
            counts.kept += 1;
            let (placed, pointer) = asm.put(sheet, &values);
            if placed == Placed::CreatedParent && owned_parent {
                let keys: Vec<String> = sheet
                    .key_columns(0)
                    .map(|(i, _)| rr.cells[i].display())
                    .collect();
                let headers: Vec<&str> = sheet.key_columns(0).map(|(_, c)| c.header).collect();
                let parent = parent_sheet(layout, sheet)
                    .map(|p| format!("la feuille « {} »", p.name))
                    .unwrap_or_else(|| "la feuille dont elle dépend".into());
                ctx.push(
                    Code::W119,
                    ctx.at(&grid.name, r as u32, map[0].unwrap_or(0)),
                    format!(
                        "{} se rapporte à « {} » ({}), qui n'est sur aucune ligne de {parent}{}",
                        if parent_needs_more {
                            "ligne non retenue : elle"
                        } else {
                            "cette ligne"
                        },
                        keys.join(" / "),
                        headers.join(" / "),
                        if parent_needs_more {
                            " (vérifiez ces valeurs, ou la ligne correspondante de cette feuille)"
                        } else {
                            " : l'élément est créé d'après cette ligne"
                        }
                    ),
                    Some(keys.join(" / ")),
                );
            }
            if placed == Placed::CreatedParent && owned_parent && parent_needs_more {
                // The parent would hold values nobody typed (a follow-up line «non
                // démarrée» made up for an indicator): the row is not kept.
                drop_created_parent(&mut asm.root, &pointer);
                counts.kept -= 1;
                counts.rejected += 1;
                rr.rejected = true;
                out.push(rr);
                continue;
            }
            rr.pointer = Some(pointer);
        }
        out.push(rr);
    }
    out
}

/// Removes the parent element a row has just created (`/suivi/3` for the row that became
/// `/suivi/3/indicateurs/0`): it is the last of its array.
fn drop_created_parent(root: &mut Value, leaf: &str) {
    let parts: Vec<&str> = leaf.split('/').collect();
    if parts.len() < 5 {
        return;
    }
    let parent = parts[..parts.len() - 2].join("/");
    let Some((array, idx)) = parent.rsplit_once('/') else {
        return;
    };
    let Ok(i) = idx.parse::<usize>() else { return };
    if let Some(Value::Array(a)) = root.pointer_mut(array)
        && a.len() == i + 1
    {
        a.pop();
    }
}

fn header_checks(sheet: &Sheet, grid: &Grid, hr: usize, map: &[Option<u32>], ctx: &mut Ctx) {
    for (i, c) in sheet.columns.iter().enumerate() {
        if map[i].is_none() {
            let code = if c.required { Code::E104 } else { Code::W105 };
            ctx.push(
                code,
                Location::cell(Some(ctx.file), &grid.name, format!("{}", hr + 1)),
                format!("la colonne « {} » est absente", c.header),
                None,
            );
        }
    }
    let known: Vec<u32> = map.iter().flatten().copied().collect();
    for (ci, cell) in grid.cells[hr].iter().enumerate() {
        if !cell.is_empty() && !known.contains(&(ci as u32)) {
            ctx.push(
                Code::W105,
                ctx.at(&grid.name, hr as u32, ci as u32),
                "colonne inattendue : son contenu n'est pas lu",
                Some(cell.display()),
            );
        }
    }
    let moved = map
        .iter()
        .enumerate()
        .any(|(i, m)| m.is_some_and(|c| c != i as u32));
    if moved {
        ctx.push(Code::W106, Location::cell(Some(ctx.file), &grid.name, format!("{}", hr + 1)), "colonnes déplacées ou ajoutées par rapport au formulaire : elles ont été retrouvées par leur en-tête", None);
    }
}

fn finish(asm: Assembler, file: &str) -> Result<Ctg, Diagnostic> {
    let mut root = asm.root;
    root["version"] = Value::from(MODEL_VERSION);
    if let Some(epci) = root.pointer("/territoire/epci")
        && epci
            .as_object()
            .is_some_and(|m| m.values().all(|v| v.is_null() || v.as_str() == Some("")))
    {
        root["territoire"]["epci"] = Value::Null;
    }
    serde_json::from_value(root).map_err(|e| {
        Diagnostic::new(
            Code::E125,
            Location::file(file),
            format!(
                "données incohérentes après lecture : {}",
                crate::io::translate(&e.to_string())
            ),
        )
    })
}

impl Outcome {
    /// Translates a JSON pointer of the model into the partner's cell, when a row or a
    /// record field produced it.
    pub fn locate(&self, file: &str, pointer: &str) -> Option<Location> {
        let mut best: Option<(usize, Location)> = None;
        for s in &self.sheets {
            let Some(name) = &s.found else { continue };
            for row in &s.rows {
                let Some(p) = &row.pointer else { continue };
                if !(pointer == p || pointer.starts_with(&format!("{p}/")))
                    || best.as_ref().is_some_and(|b| b.0 >= p.len())
                {
                    continue;
                }
                let rest = pointer[p.len()..].trim_start_matches('/');
                let col_idx = if s.sheet.is_record() {
                    Some(0)
                } else {
                    let leaf = s.sheet.levels().len() - 1;
                    s.sheet.columns.iter().position(|c| {
                        c.level as usize == leaf
                            && !rest.is_empty()
                            && (rest == c.field || rest.starts_with(&format!("{}/", c.field)))
                    })
                };
                let src_col = col_idx
                    .and_then(|i| row.source_cols.get(i).copied().flatten())
                    .unwrap_or(0);
                best = Some((
                    p.len(),
                    Location::cell(Some(file), name, cell_name(row.source_row, src_col as u16)),
                ));
            }
        }
        best.map(|b| b.1)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_do_not_form_a_model_are_one_clear_diagnostic() {
        let asm = Assembler {
            root: serde_json::json!({ "convention": 5 }),
        };
        let d = finish(asm, "x.xlsx").unwrap_err();
        assert_eq!(d.code, Code::E125);
        assert!(d.message.contains("type invalide"), "{}", d.message);
    }
}
