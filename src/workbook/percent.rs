//! Cells holding percentages: Excel and Calc store «50 %» as 0.5 — with a percent number
//! format in an .xlsx, as `office:value-type="percentage"` in an .ods — which calamine does
//! not report. The cells are found from the package so that the value reads as the partner
//! saw it: 50 %, not 0,5.

use crate::container::{xml_attr as attr, xml_local as local};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use quick_xml::Reader;
use quick_xml::events::Event;

fn part(z: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    crate::container::zip_text(z, name, 64 << 20)
}

/// Indexes of the cell styles (`cellXfs`) whose number format shows a percentage.
fn percent_styles(styles: &str) -> BTreeSet<usize> {
    let mut custom: BTreeMap<String, bool> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut r = Reader::from_str(styles);
    let (mut in_xfs, mut i) = (false, 0usize);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match local(e.name().as_ref()) {
                b"numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, b"numFmtId"), attr(&e, b"formatCode"))
                    {
                        // A % outside quoted text.
                        let outside: String = code.split('"').step_by(2).collect();
                        custom.insert(id, outside.contains('%'));
                    }
                }
                b"cellXfs" => in_xfs = true,
                b"xf" if in_xfs => {
                    let id = attr(&e, b"numFmtId").unwrap_or_default();
                    if id == "9" || id == "10" || custom.get(&id).copied().unwrap_or(false) {
                        out.insert(i);
                    }
                    i += 1;
                }
                _ => {}
            },
            Ok(Event::End(e)) if local(e.name().as_ref()) == b"cellXfs" => in_xfs = false,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Sheet name → 0-based (row, column) of its numeric cells shown as percentages, for the
/// sheets `read` says will be read.
pub fn xlsx_percent_cells(
    bytes: &[u8],
    read: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, BTreeSet<(u32, u32)>> {
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return BTreeMap::new();
    };
    let mut text = |name: &str| part(&mut z, name);
    percent_cells(&mut text, read, &|_| None)
}

/// [`xlsx_percent_cells`] of an audited package: the worksheets' numeric styled cells were
/// noted by the audit's scan, so no sheet is parsed again.
pub fn xlsx_percent_cells_in(
    p: &crate::container::Package,
    read: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, BTreeSet<(u32, u32)>> {
    let mut text = |name: &str| p.text(name).map(str::to_string);
    percent_cells(&mut text, read, &|target| p.styled_numbers(target))
}

fn percent_cells<'a>(
    text: &mut dyn FnMut(&str) -> Option<String>,
    read: &dyn Fn(&str) -> bool,
    noted: &dyn Fn(&str) -> Option<&'a crate::container::package::StyledNumbers>,
) -> BTreeMap<String, BTreeSet<(u32, u32)>> {
    let mut out = BTreeMap::new();
    let styles = percent_styles(&text("xl/styles.xml").unwrap_or_default());
    if styles.is_empty() {
        return out;
    }
    let rels = text("xl/_rels/workbook.xml.rels").unwrap_or_default();
    let targets: BTreeMap<String, String> = rels
        .split("<Relationship")
        .skip(1)
        .filter_map(|r| {
            let get = |k: &str| {
                r.split(&format!("{k}=\""))
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(str::to_string)
            };
            let t = get("Target")?;
            let t = t
                .trim_start_matches('/')
                .trim_start_matches("xl/")
                .to_string();
            Some((get("Id")?, format!("xl/{t}")))
        })
        .collect();
    let workbook = text("xl/workbook.xml").unwrap_or_default();
    let mut r = Reader::from_str(&workbook);
    let mut sheets = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(e.name().as_ref()) == b"sheet" => {
                if let (Some(name), Some(id)) = (attr(&e, b"name"), attr(&e, b"id")) {
                    sheets.push((name, id));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    for (name, id) in sheets.into_iter().filter(|(name, _)| read(name)) {
        let Some(target) = targets.get(&id) else {
            continue;
        };
        let cells: BTreeSet<(u32, u32)> = match noted(target) {
            Some(styled) => styled
                .iter()
                .filter(|(_, _, s)| styles.contains(&(*s as usize)))
                .map(|&(r, c, _)| (r, c))
                .collect(),
            None => match text(target) {
                Some(xml) => scan_sheet(&xml, &styles),
                None => continue,
            },
        };
        if !cells.is_empty() {
            out.insert(name, cells);
        }
    }
    out
}

/// The numeric cells of a worksheet's XML whose style is one of `styles`.
fn scan_sheet(xml: &str, styles: &BTreeSet<usize>) -> BTreeSet<(u32, u32)> {
    let mut cells = BTreeSet::new();
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(e.name().as_ref()) == b"c" => {
                let numeric = attr(&e, b"t").is_none_or(|t| t == "n");
                let styled = attr(&e, b"s")
                    .and_then(|s| s.parse::<usize>().ok())
                    .is_some_and(|s| styles.contains(&s));
                if numeric
                    && styled
                    && let Some((row, col)) =
                        attr(&e, b"r").and_then(|a| super::addr::parse_cell(&a))
                {
                    cells.insert((row, u32::from(col)));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    cells
}

/// Most percentage cells recorded for one file (a form holds a few hundred cells).
const MAX_ODS_CELLS: usize = 200_000;

/// Cells of an .ods whose value type is `percentage`, by sheet, 0-based (row, column).
pub fn ods_percent_cells(bytes: &[u8]) -> BTreeMap<String, BTreeSet<(u32, u32)>> {
    let mut out: BTreeMap<String, BTreeSet<(u32, u32)>> = BTreeMap::new();
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let Some(xml) = part(&mut z, "content.xml") else {
        return out;
    };
    if !xml.contains("\"percentage\"") {
        return out;
    }
    let repeat = |e: &quick_xml::events::BytesStart, k: &[u8]| {
        attr(e, k)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let mut r = Reader::from_str(&xml);
    let mut depth = 0usize;
    // Depth of the current top-level table, and of a cell whose content is skipped.
    let (mut table_depth, mut cell_depth) = (None::<usize>, None::<usize>);
    let (mut table, mut row, mut col, mut row_rep) = (String::new(), 0u32, 0u32, 1u32);
    let mut total = 0usize;
    while let Ok(ev) = r.read_event() {
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                if cell_depth.is_none() {
                    match local(e.name().as_ref()) {
                        b"table" if table_depth.is_none() => {
                            table_depth = Some(depth);
                            table = attr(e, b"name").unwrap_or_default();
                            row = 0;
                        }
                        b"table-row" if table_depth.is_some() => {
                            row_rep = repeat(e, b"number-rows-repeated");
                            col = 0;
                            if empty {
                                row = row.saturating_add(row_rep);
                            }
                        }
                        b"table-cell" | b"covered-table-cell" if table_depth.is_some() => {
                            let n = repeat(e, b"number-columns-repeated");
                            if attr(e, b"value-type").as_deref() == Some("percentage") {
                                let set = out.entry(table.clone()).or_default();
                                'cells: for dr in 0..row_rep {
                                    for dc in 0..n {
                                        if total >= MAX_ODS_CELLS {
                                            break 'cells;
                                        }
                                        set.insert((
                                            row.saturating_add(dr),
                                            col.saturating_add(dc),
                                        ));
                                        total += 1;
                                    }
                                }
                            }
                            col = col.saturating_add(n);
                            if !empty {
                                cell_depth = Some(depth);
                            }
                        }
                        _ => {}
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if cell_depth == Some(depth) {
                    cell_depth = None;
                } else if cell_depth.is_none() {
                    match local(e.name().as_ref()) {
                        b"table-row" if table_depth.is_some() => {
                            row = row.saturating_add(row_rep);
                        }
                        b"table" if table_depth == Some(depth) => table_depth = None,
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formatted_cells_are_found() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let pct = rust_xlsxwriter::Format::new().set_num_format("0%");
        let ws = wb.add_worksheet().set_name("Suivi").unwrap();
        ws.write_number_with_format(1, 4, 0.5, &pct).unwrap();
        ws.write_number(2, 4, 50.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let found = xlsx_percent_cells(&bytes, &|_| true);
        assert_eq!(found["Suivi"], BTreeSet::from([(1, 4)]));
    }

    #[test]
    fn ods_percentage_cells_are_found_through_repeats() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="Suivi"><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" office:value="0.5"><text:p>50 %</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, content.as_bytes()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(ods_percent_cells(&bytes)["Suivi"], BTreeSet::from([(2, 2)]));
    }
}
