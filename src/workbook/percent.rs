//! Cells formatted as percentages in an .xlsx: Excel and Calc store «50 %» as 0.5 with a
//! percent number format, which calamine does not report. The cells are found from the
//! package (styles, then each sheet's cell styles) so that the value reads as the partner saw
//! it: 50 %, not 0,5.

use crate::container::{xml_attr as attr, xml_local as local};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

fn part(z: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.take(64 << 20).read_to_string(&mut s).ok()?;
    Some(s)
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

/// Sheet name → 0-based (row, column) of its numeric cells shown as percentages.
pub fn xlsx_percent_cells(bytes: &[u8]) -> BTreeMap<String, BTreeSet<(u32, u32)>> {
    let mut out = BTreeMap::new();
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let styles = percent_styles(&part(&mut z, "xl/styles.xml").unwrap_or_default());
    if styles.is_empty() {
        return out;
    }
    let rels = part(&mut z, "xl/_rels/workbook.xml.rels").unwrap_or_default();
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
    let workbook = part(&mut z, "xl/workbook.xml").unwrap_or_default();
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
    for (name, id) in sheets {
        let Some(xml) = targets.get(&id).and_then(|t| part(&mut z, t)) else {
            continue;
        };
        let mut cells = BTreeSet::new();
        let mut r = Reader::from_str(&xml);
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
        if !cells.is_empty() {
            out.insert(name, cells);
        }
    }
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
        let found = xlsx_percent_cells(&bytes);
        assert_eq!(found["Suivi"], BTreeSet::from([(1, 4)]));
    }
}
