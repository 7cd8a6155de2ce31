//! In-place annotation of an OOXML workbook (`.xlsx`, `.xlsm`): the sheets with anomalies get
//! a style attribute per faulty cell and a legacy comment (comments part + VML shape, as Excel
//! and LibreOffice both read them); `styles.xml` gets three fills and the styles using them;
//! the workbook gets the «Anomalies» sheet (inline strings, internal hyperlinks).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{COLUMNS, Line, Plan, esc, fill, insert_before_end, prefix_of, read_part, retag};
use crate::container::{office_document_target, xml_attr, xml_local};
use crate::diagnostic::{Diagnostic, Severity};
use crate::workbook::addr::{cell_name, col_name, parse_cell};

const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const NS_CT: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const NS_CUSTOM: &str = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties";
const NS_VT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT_SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_CUSTOM: &str = "application/vnd.openxmlformats-officedocument.custom-properties+xml";
const CUSTOM: &str = "docProps/custom.xml";

/// Worksheet children that come after `legacyDrawing` (ECMA-376 CT_Worksheet order).
const AFTER_LEGACY: &[&[u8]] = &[
    b"legacyDrawingHF",
    b"drawingHF",
    b"picture",
    b"oleObjects",
    b"controls",
    b"webPublishItems",
    b"tableParts",
    b"extLst",
];

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// One relationship of a `.rels` part.
struct Rel {
    id: String,
    kind: String,
    target: String,
}

fn rels_of(xml: &str) -> Vec<Rel> {
    let mut out = Vec::new();
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if xml_local(e.name().as_ref()) == b"Relationship" =>
            {
                out.push(Rel {
                    id: xml_attr(&e, b"Id").unwrap_or_default(),
                    kind: xml_attr(&e, b"Type").unwrap_or_default(),
                    target: xml_attr(&e, b"Target").unwrap_or_default(),
                });
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The `.rels` part of a part: `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels`.
fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target resolved against the part that holds it.
fn resolve(from_part: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = match from_part.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// `target` written relative to the folder of `from_part`, when below it.
fn relative(from_part: &str, target: &str) -> String {
    match from_part.rsplit_once('/') {
        Some((dir, _)) => match target.strip_prefix(&format!("{dir}/")) {
            Some(rest) => rest.to_string(),
            None => format!("/{target}"),
        },
        None => target.to_string(),
    }
}

/// A new relationship id not used in `rels`.
fn new_id(rels: &[Rel], taken: &mut BTreeSet<String>) -> String {
    (1..)
        .map(|i| format!("rIdCtg{i}"))
        .find(|id| !rels.iter().any(|r| &r.id == id) && taken.insert(id.clone()))
        .expect("an unused id")
}

/// A part name `stem{N}.ext` not in the package.
fn free_part(z: &Zip, stem: &str, ext: &str, taken: &mut BTreeSet<String>) -> String {
    (1..)
        .map(|i| format!("{stem}{i}.{ext}"))
        .find(|n| z.index_for_name(n).is_none() && taken.insert(n.clone()))
        .expect("a free part name")
}

/// Adds relationships before the closing tag of a `.rels` part (or makes the part).
fn add_rels(xml: Option<&str>, new: &[(String, &str, String)]) -> Result<String, String> {
    // Each new element carries its namespace: the root may use a prefix (`pr:Relationships`).
    let lines: String = new
        .iter()
        .map(|(id, kind, target)| {
            format!(
                "<Relationship xmlns=\"{NS_PKG_RELS}\" Id=\"{}\" Type=\"{REL}/{kind}\" Target=\"{}\"/>",
                esc(id),
                esc(target)
            )
        })
        .collect();
    match xml {
        Some(x) => insert_before_end(x, b"Relationships", &lines),
        None => Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"{NS_PKG_RELS}\">{lines}</Relationships>"
        )),
    }
}

/// Adds overrides (and defaults) to `[Content_Types].xml`.
fn add_types(
    xml: &str,
    overrides: &[(String, &str)],
    defaults: &[(&str, &str)],
) -> Result<String, String> {
    // Each new element carries its namespace: the root may use a prefix (`ct:Types`).
    let mut add = String::new();
    for (ext, ct) in defaults {
        if !xml.contains(&format!("Extension=\"{ext}\"")) {
            add.push_str(&format!(
                "<Default xmlns=\"{NS_CT}\" Extension=\"{ext}\" ContentType=\"{ct}\"/>"
            ));
        }
    }
    for (part, ct) in overrides {
        add.push_str(&format!(
            "<Override xmlns=\"{NS_CT}\" PartName=\"/{}\" ContentType=\"{ct}\"/>",
            esc(part)
        ));
    }
    insert_before_end(xml, b"Types", &add).map_err(|e| format!("[Content_Types].xml : {e}"))
}

struct Sheet {
    name: String,
    part: String,
}

pub(super) fn annotate(original: &[u8], diags: &[Diagnostic]) -> Result<Vec<u8>, String> {
    let mut z = super::archive(original)?;
    let root_rels = read_part(&mut z, "_rels/.rels").ok_or("_rels/.rels manque")?;
    let wb_part = office_document_target(&root_rels).unwrap_or_else(|| "xl/workbook.xml".into());
    let wb_xml = read_part(&mut z, &wb_part).ok_or("classeur sans workbook.xml")?;
    let wb_rels_part = rels_path(&wb_part);
    let wb_rels_xml = read_part(&mut z, &wb_rels_part).ok_or("classeur sans relations")?;
    let wb_rels = rels_of(&wb_rels_xml);
    let types = read_part(&mut z, "[Content_Types].xml").ok_or("[Content_Types].xml manque")?;

    // Sheets in order, with their parts.
    let mut sheets = Vec::new();
    let mut max_sheet_id = 0u32;
    {
        let mut r = Reader::from_str(&wb_xml);
        loop {
            match r.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if xml_local(e.name().as_ref()) == b"sheet" =>
                {
                    let name = xml_attr(&e, b"name").unwrap_or_default();
                    let id = xml_attr(&e, b"sheetId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    max_sheet_id = max_sheet_id.max(id);
                    for a in e.attributes().with_checks(false).flatten() {
                        if xml_local(a.key.as_ref()) == b"id" && super::qname(a.key).contains(':') {
                            let rid = a.value.to_string();
                            if let Some(rel) = wb_rels.iter().find(|x| x.id == rid) {
                                sheets.push(Sheet {
                                    name: name.clone(),
                                    part: resolve(&wb_part, &rel.target),
                                });
                            }
                        }
                    }
                }
                Ok(Event::Eof) => break,
                Err(e) => return Err(format!("workbook.xml : {e}")),
                _ => {}
            }
        }
    }
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let plan = Plan::new(diags, &names);

    let styles_part = wb_rels
        .iter()
        .find(|r| r.kind.ends_with("/styles"))
        .map(|r| resolve(&wb_part, &r.target))
        .ok_or("classeur sans styles")?;
    let styles_xml = read_part(&mut z, &styles_part).ok_or("styles.xml illisible")?;

    let mut replaced: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut added: Vec<(String, Vec<u8>)> = Vec::new();
    let mut overrides: Vec<(String, &str)> = Vec::new();
    let mut taken_parts = BTreeSet::new();

    // First pass over each annotated sheet: the style each faulty cell has now.
    let mut scans = BTreeMap::new();
    for s in &sheets {
        if let Some(notes) = plan.notes.get(&s.name) {
            let xml = read_part(&mut z, &s.part)
                .ok_or_else(|| format!("feuille « {} » illisible", s.name))?;
            let scan = scan_sheet(&xml, notes)?;
            scans.insert(s.name.clone(), (xml, scan));
        }
    }
    // Styles: one clone per (style, severity), and the text style of the «Anomalies» sheet.
    let wanted: BTreeSet<(u32, u8)> = scans
        .iter()
        .flat_map(|(name, (_, scan))| {
            let notes = &plan.notes[name];
            scan.base
                .iter()
                .map(move |(rc, base)| (*base, super::rank(notes[rc].severity)))
        })
        .collect();
    let (styles_new, style_of, text_style) = restyle(&styles_xml, &wanted)?;
    replaced.insert(styles_part, styles_new.into_bytes());

    for s in &sheets {
        let Some((xml, scan)) = scans.get(&s.name) else {
            continue;
        };
        let notes = &plan.notes[&s.name];
        let styles: BTreeMap<(u32, u32), u32> = scan
            .base
            .iter()
            .map(|(rc, base)| (*rc, style_of[&(*base, super::rank(notes[rc].severity))]))
            .collect();
        let rels_part = rels_path(&s.part);
        let rels_xml = read_part(&mut z, &rels_part);
        let rels = rels_xml.as_deref().map(rels_of).unwrap_or_default();
        let mut taken_ids = BTreeSet::new();
        let mut new_rels = Vec::new();
        // Comments: into the sheet's comments part, or a new one.
        let comments = match rels.iter().find(|r| r.kind.ends_with("/comments")) {
            Some(r) => {
                let part = resolve(&s.part, &r.target);
                let old = read_part(&mut z, &part).ok_or("commentaires illisibles")?;
                replaced.insert(part, merge_comments(&old, notes)?.into_bytes());
                None
            }
            None => {
                let part = free_part(&z, "xl/comments", "xml", &mut taken_parts);
                let id = new_id(&rels, &mut taken_ids);
                new_rels.push((id, "comments", relative(&s.part, &part)));
                added.push((part.clone(), new_comments(notes).into_bytes()));
                overrides.push((part, CT_COMMENTS));
                Some(())
            }
        };
        let _ = comments;
        // VML shapes: into the sheet's legacy drawing, or a new one.
        let existing_vml = scan
            .legacy_rid
            .as_ref()
            .and_then(|rid| rels.iter().find(|r| &r.id == rid))
            .map(|r| resolve(&s.part, &r.target));
        let index = sheets.iter().position(|x| x.name == s.name).unwrap_or(0) as u32;
        let legacy = match existing_vml {
            Some(part) => {
                let old = read_part(&mut z, &part).ok_or("dessin VML illisible")?;
                replaced.insert(part, merge_vml(&old, notes, index).into_bytes());
                None
            }
            None => {
                let part = free_part(&z, "xl/drawings/vmlDrawing", "vml", &mut taken_parts);
                let id = new_id(&rels, &mut taken_ids);
                new_rels.push((id.clone(), "vmlDrawing", relative(&s.part, &part)));
                added.push((part, new_vml(notes, index).into_bytes()));
                Some(id)
            }
        };
        let sheet_xml = rewrite_sheet(xml, &styles, legacy.as_deref())?;
        replaced.insert(s.part.clone(), sheet_xml.into_bytes());
        if !new_rels.is_empty() {
            replaced.insert(
                rels_part.clone(),
                add_rels(rels_xml.as_deref(), &new_rels)?.into_bytes(),
            );
            if rels_xml.is_none() {
                // A new part of the package: moved from «replaced» to «added».
                let bytes = replaced.remove(&rels_part).expect("just inserted");
                added.push((rels_part, bytes));
            }
        }
    }

    // The «Anomalies» sheet.
    let sheet_name = (1..)
        .map(|i| {
            if i == 1 {
                super::SHEET.to_string()
            } else {
                format!("{} {i}", super::SHEET)
            }
        })
        .find(|n| !names.iter().any(|x| x.eq_ignore_ascii_case(n)))
        .expect("a free sheet name");
    let part = free_part(&z, "xl/worksheets/sheet", "xml", &mut taken_parts);
    added.push((
        part.clone(),
        list_sheet(&plan.lines, text_style).into_bytes(),
    ));
    overrides.push((part.clone(), CT_SHEET));
    let mut taken_ids = BTreeSet::new();
    let rid = new_id(&wb_rels, &mut taken_ids);
    replaced.insert(
        wb_rels_part,
        add_rels(
            Some(&wb_rels_xml),
            &[(rid.clone(), "worksheet", relative(&wb_part, &part))],
        )?
        .into_bytes(),
    );
    // The relationships namespace is declared on the entry itself: the partner's tool may
    // have declared it on each `<sheet>` only (openpyxl), out of this one's scope.
    let entry = format!(
        "<{p}sheet name=\"{}\" sheetId=\"{}\" xmlns:r=\"{NS_R}\" r:id=\"{rid}\"/>",
        esc(&sheet_name),
        max_sheet_id + 1,
        p = sheets_prefix(&wb_xml)
    );
    let wb_new = insert_before_end(&wb_xml, b"sheets", &entry)?;
    replaced.insert(wb_part, wb_new.into_bytes());
    // Content types, written after the mark's part is known (see `set_property`).
    let types_new = add_types(&types, &overrides, &[("vml", CT_VML)])?;
    replaced.insert("[Content_Types].xml".into(), types_new.into_bytes());
    super::rebuild(original, &replaced, &added)
}

fn sheets_prefix(wb: &str) -> String {
    let mut r = Reader::from_str(wb);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if xml_local(e.name().as_ref()) == b"sheets" => {
                return prefix_of(&super::qname(e.name()));
            }
            Ok(Event::Eof) | Err(_) => return String::new(),
            _ => {}
        }
    }
}

/// What the first pass learns of a sheet.
#[derive(Default)]
struct Scan {
    /// Current style index of each faulty cell.
    base: BTreeMap<(u32, u32), u32>,
    legacy_rid: Option<String>,
}

fn attr_u32(e: &BytesStart, key: &[u8]) -> Option<u32> {
    xml_attr(e, key).and_then(|v| v.trim().parse().ok())
}

fn scan_sheet(xml: &str, notes: &BTreeMap<(u32, u32), super::Note>) -> Result<Scan, String> {
    let mut scan = Scan::default();
    let mut cols: Vec<(u32, u32, u32)> = Vec::new();
    let mut row_style: Option<u32> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut found = BTreeMap::new();
    let mut row_styles = BTreeMap::new();
    let mut r = Reader::from_str(xml);
    let mut next_row = 0u32;
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match xml_local(e.name().as_ref()) {
                b"col" => {
                    if let (Some(a), Some(b)) = (attr_u32(&e, b"min"), attr_u32(&e, b"max")) {
                        cols.push((a, b, attr_u32(&e, b"style").unwrap_or(0)));
                    }
                }
                b"row" => {
                    row = attr_u32(&e, b"r")
                        .map(|v| v.saturating_sub(1))
                        .unwrap_or(next_row);
                    next_row = row + 1;
                    col = 0;
                    let custom =
                        xml_attr(&e, b"customFormat").is_some_and(|v| v == "1" || v == "true");
                    row_style = if custom { attr_u32(&e, b"s") } else { None };
                    if let Some(s) = row_style {
                        row_styles.insert(row, s);
                    }
                }
                b"c" => {
                    if let Some((rr, cc)) = xml_attr(&e, b"r").as_deref().and_then(parse_cell) {
                        row = rr;
                        col = u32::from(cc);
                    }
                    if notes.contains_key(&(row, col)) {
                        found.insert((row, col), attr_u32(&e, b"s").unwrap_or(0));
                    }
                    col += 1;
                }
                b"legacyDrawing" => {
                    scan.legacy_rid = e
                        .attributes()
                        .with_checks(false)
                        .flatten()
                        .find(|a| xml_local(a.key.as_ref()) == b"id")
                        .map(|a| a.value.to_string());
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("feuille : {e}")),
            _ => {}
        }
    }
    let _ = row_style;
    for rc in notes.keys() {
        let s = found.get(rc).copied().unwrap_or_else(|| {
            row_styles.get(&rc.0).copied().unwrap_or_else(|| {
                cols.iter()
                    .find(|(a, b, _)| (*a..=*b).contains(&(rc.1 + 1)))
                    .map(|c| c.2)
                    .unwrap_or(0)
            })
        });
        scan.base.insert(*rc, s);
    }
    Ok(scan)
}

/// The new `styles.xml`, the new style index of each (base style, severity), the text style.
type Restyled = (String, BTreeMap<(u32, u8), u32>, u32);

/// Adds a fill per severity, one style per (base style, severity) and a text style for the
/// list; returns the new `styles.xml`, the new index of each pair and the text style.
fn restyle(xml: &str, wanted: &BTreeSet<(u32, u8)>) -> Result<Restyled, String> {
    // Existing fills and cell formats.
    let mut r = Reader::from_str(xml);
    let (mut fills, mut in_xfs, mut depth_xf) = (0u32, false, 0usize);
    let mut xfs: Vec<(String, String)> = Vec::new(); // (start tag without '<' and '>', inner)
    let mut inner_start = 0usize;
    let mut fills_seen = false;
    // Only the fills of `<fills>` are numbered (conditional formats' `<dxf>` have their own).
    let mut in_fills = false;
    // New elements take the prefix of their parent (`x:fills` in some writers' files).
    let (mut fills_p, mut xfs_p) = (String::new(), String::new());
    loop {
        let before = r.buffer_position() as usize;
        match r.read_event() {
            Ok(Event::Start(e)) => match xml_local(e.name().as_ref()) {
                b"fills" => {
                    fills_seen = true;
                    in_fills = true;
                    fills_p = prefix_of(&super::qname(e.name()));
                }
                b"fill" if in_fills => fills += 1,
                b"cellXfs" => {
                    in_xfs = true;
                    xfs_p = prefix_of(&super::qname(e.name()));
                }
                b"xf" if in_xfs && depth_xf == 0 => {
                    depth_xf = 1;
                    let end = r.buffer_position() as usize;
                    xfs.push((xml[before + 1..end - 1].to_string(), String::new()));
                    inner_start = end;
                }
                _ if depth_xf > 0 => depth_xf += 1,
                _ => {}
            },
            Ok(Event::Empty(e)) => match xml_local(e.name().as_ref()) {
                b"fill" if in_fills => fills += 1,
                b"fills" => {
                    fills_seen = true;
                    fills_p = prefix_of(&super::qname(e.name()));
                }
                b"xf" if in_xfs && depth_xf == 0 => {
                    let end = r.buffer_position() as usize;
                    let tag = xml[before + 1..end - 1]
                        .trim_end()
                        .trim_end_matches('/')
                        .to_string();
                    xfs.push((tag, String::new()));
                }
                _ => {}
            },
            Ok(Event::End(e)) => match xml_local(e.name().as_ref()) {
                b"cellXfs" => in_xfs = false,
                b"fills" => in_fills = false,
                _ if depth_xf == 1 => {
                    depth_xf = 0;
                    if let Some(last) = xfs.last_mut() {
                        last.1 = xml[inner_start..before].to_string();
                    }
                }
                _ if depth_xf > 1 => depth_xf -= 1,
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("styles.xml : {e}")),
            _ => {}
        }
    }
    if !fills_seen || xfs.is_empty() {
        return Err("styles.xml sans remplissages ou sans formats de cellule".into());
    }
    let fill_of = |rank: u8| fills + u32::from(rank);
    let fills_xml: String = [Severity::Error, Severity::Warning, Severity::Info]
        .iter()
        .map(|s| {
            format!(
                "<{p}fill><{p}patternFill patternType=\"solid\"><{p}fgColor rgb=\"FF{}\"/><{p}bgColor indexed=\"64\"/></{p}patternFill></{p}fill>",
                fill(*s),
                p = fills_p
            )
        })
        .collect();
    let mut map = BTreeMap::new();
    let mut xfs_xml = String::new();
    let mut next = xfs.len() as u32;
    for (base, rank) in wanted {
        let (tag, inner) = xfs
            .get(*base as usize)
            .cloned()
            .unwrap_or_else(|| xfs[0].clone());
        let tag = retag(
            &tag,
            &[
                ("fillId", Some(fill_of(*rank).to_string())),
                ("applyFill", Some("1".into())),
            ],
        );
        xfs_xml.push_str(&if inner.is_empty() {
            format!("<{tag}/>")
        } else {
            let name = tag.split_whitespace().next().unwrap_or("xf");
            format!("<{tag}>{inner}</{name}>")
        });
        map.insert((*base, *rank), next);
        next += 1;
    }
    xfs_xml.push_str(&format!(
        "<{p}xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" quotePrefix=\"1\" applyAlignment=\"1\"><{p}alignment vertical=\"top\" wrapText=\"1\"/></{p}xf>",
        p = xfs_p
    ));
    let text_style = next;
    next += 1;
    let out = insert_before_end(xml, b"fills", &fills_xml)?;
    let out = insert_before_end(&out, b"cellXfs", &xfs_xml)?;
    let out = set_count(&out, b"fills", fills + 3)?;
    let out = set_count(&out, b"cellXfs", next)?;
    Ok((out, map, text_style))
}

/// Sets the `count` attribute of the first element named `local`.
fn set_count(xml: &str, local: &[u8], count: u32) -> Result<String, String> {
    let mut r = Reader::from_str(xml);
    loop {
        let before = r.buffer_position() as usize;
        match r.read_event() {
            Ok(Event::Start(e)) if xml_local(e.name().as_ref()) == local => {
                let end = r.buffer_position() as usize;
                let tag = retag(
                    &xml[before + 1..end - 1],
                    &[("count", Some(count.to_string()))],
                );
                return Ok(format!("{}<{tag}>{}", &xml[..before], &xml[end..]));
            }
            Ok(Event::Eof) => return Err("compteur introuvable".into()),
            Err(e) => return Err(e.to_string()),
            _ => {}
        }
    }
}

/// The sheet with each faulty cell's style replaced (cells and rows created where missing)
/// and, when `legacy` is given, a `legacyDrawing` pointing to the comments' shapes.
fn rewrite_sheet(
    xml: &str,
    styles: &BTreeMap<(u32, u32), u32>,
    legacy: Option<&str>,
) -> Result<String, String> {
    let mut rows: BTreeMap<u32, BTreeMap<u32, u32>> = BTreeMap::new();
    for ((r, c), s) in styles {
        rows.entry(*r).or_default().insert(*c, *s);
    }
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut r = Reader::from_str(xml);
    let mut last = 0usize;
    let (mut depth, mut next_row, mut col) = (0usize, 0u32, 0u32);
    let mut current: Option<BTreeMap<u32, u32>> = None;
    let mut cur_row = 0u32;
    let mut p = String::new(); // prefix of spreadsheetml elements
    let mut legacy_done = legacy.is_none();
    let cell = |p: &str, row: u32, col: u32, s: u32| {
        format!("<{p}c r=\"{}\" s=\"{s}\"/>", cell_name(row, col as u16))
    };
    let whole_row = |p: &str, row: u32, cells: &BTreeMap<u32, u32>| {
        let inner: String = cells.iter().map(|(c, s)| cell(p, row, *c, *s)).collect();
        format!("<{p}row r=\"{}\">{inner}</{p}row>", row + 1)
    };
    let legacy_tag = |p: &str, id: &str| {
        format!(
            "<{p}legacyDrawing xmlns:r=\"{NS_R}\" r:id=\"{}\"/>",
            esc(id)
        )
    };
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|e| format!("feuille : {e}"))?;
        let end = r.buffer_position() as usize;
        let mut insert = String::new();
        let mut replace: Option<String> = None;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                let local = xml_local(e.name().as_ref()).to_vec();
                if depth == 1 && !legacy_done && AFTER_LEGACY.contains(&local.as_slice()) {
                    insert.push_str(&legacy_tag(&p, legacy.unwrap_or_default()));
                    legacy_done = true;
                }
                match local.as_slice() {
                    b"worksheet" => p = prefix_of(&super::qname(e.name())),
                    b"sheetData" if empty => {
                        let all: String = rows.iter().map(|(r, c)| whole_row(&p, *r, c)).collect();
                        replace = Some(format!("<{p}sheetData>{all}</{p}sheetData>"));
                        rows.clear();
                    }
                    b"row" => {
                        let row = attr_u32(e, b"r")
                            .map(|v| v.saturating_sub(1))
                            .unwrap_or(next_row);
                        next_row = row + 1;
                        cur_row = row;
                        col = 0;
                        let before_rows: Vec<u32> = rows.range(..row).map(|(r, _)| *r).collect();
                        for br in before_rows {
                            let cells = rows.remove(&br).expect("listed");
                            insert.push_str(&whole_row(&p, br, &cells));
                        }
                        current = rows.remove(&row);
                        if empty && let Some(cells) = current.take() {
                            let tag = &xml[before + 1..end - 1];
                            let open = tag.trim_end().trim_end_matches('/');
                            let inner: String =
                                cells.iter().map(|(c, s)| cell(&p, row, *c, *s)).collect();
                            let name = super::qname(e.name());
                            replace = Some(format!("<{open}>{inner}</{name}>"));
                        }
                    }
                    b"c" => {
                        if let Some((rr, cc)) = xml_attr(e, b"r").as_deref().and_then(parse_cell) {
                            let _ = rr;
                            col = u32::from(cc);
                        }
                        if let Some(cells) = current.as_mut() {
                            let earlier: Vec<u32> = cells.range(..col).map(|(c, _)| *c).collect();
                            for c in earlier {
                                let s = cells.remove(&c).expect("listed");
                                insert.push_str(&cell(&p, cur_row, c, s));
                            }
                            if let Some(s) = cells.remove(&col) {
                                let tag = &xml[before + 1..end - 1];
                                let tag = if empty {
                                    tag.trim_end().trim_end_matches('/')
                                } else {
                                    tag
                                };
                                let mut t = retag(tag, &[("s", Some(s.to_string()))]);
                                if xml_attr(e, b"r").is_none() {
                                    t.push_str(&format!(
                                        " r=\"{}\"",
                                        cell_name(cur_row, col as u16)
                                    ));
                                }
                                replace = Some(if empty {
                                    format!("<{t}/>")
                                } else {
                                    format!("<{t}>")
                                });
                            }
                        }
                        col += 1;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match xml_local(e.name().as_ref()) {
                    b"row" => {
                        if let Some(cells) = current.take() {
                            for (c, s) in cells {
                                insert.push_str(&cell(&p, cur_row, c, s));
                            }
                        }
                    }
                    b"sheetData" => {
                        for (r, c) in std::mem::take(&mut rows) {
                            insert.push_str(&whole_row(&p, r, &c));
                        }
                    }
                    b"worksheet" if !legacy_done => {
                        insert.push_str(&legacy_tag(&p, legacy.unwrap_or_default()));
                        legacy_done = true;
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                out.push_str(&xml[last..]);
                break;
            }
            _ => {}
        }
        if !insert.is_empty() || replace.is_some() {
            out.push_str(&xml[last..before]);
            out.push_str(&insert);
            match replace {
                Some(t) => out.push_str(&t),
                None => out.push_str(&xml[before..end]),
            }
            last = end;
        }
    }
    if !rows.is_empty() {
        return Err("feuille sans données : cellules non placées".into());
    }
    Ok(out)
}

fn comment_xml(p: &str, rc: &(u32, u32), author: usize, text: &str) -> String {
    format!(
        "<{p}comment ref=\"{}\" authorId=\"{author}\"><{p}text><{p}r><{p}t xml:space=\"preserve\">{}</{p}t></{p}r></{p}text></{p}comment>",
        cell_name(rc.0, rc.1 as u16),
        esc(text)
    )
}

fn new_comments(notes: &BTreeMap<(u32, u32), super::Note>) -> String {
    let list: String = notes
        .iter()
        .map(|(rc, n)| comment_xml("", rc, 0, &n.text()))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"{NS_MAIN}\"><authors><author>ctg</author></authors><commentList>{list}</commentList></comments>"
    )
}

/// The partner's comments with ctg's added: a cell that already has one gets ctg's text as
/// a further run of it.
fn merge_comments(xml: &str, notes: &BTreeMap<(u32, u32), super::Note>) -> Result<String, String> {
    let mut authors = 0usize;
    let mut p = String::new();
    let mut r = Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut last = 0usize;
    let mut pending: BTreeMap<(u32, u32), String> =
        notes.iter().map(|(rc, n)| (*rc, n.text())).collect();
    let mut in_comment: Option<(u32, u32)> = None;
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|e| format!("commentaires : {e}"))?;
        let mut insert = String::new();
        match &ev {
            Event::Start(e) | Event::Empty(e) => match xml_local(e.name().as_ref()) {
                b"comments" => p = prefix_of(&super::qname(e.name())),
                b"author" => authors += 1,
                b"comment" => {
                    in_comment = xml_attr(e, b"ref")
                        .as_deref()
                        .and_then(parse_cell)
                        .map(|(r, c)| (r, u32::from(c)));
                }
                _ => {}
            },
            Event::End(e) => match xml_local(e.name().as_ref()) {
                b"authors" => insert = format!("<{p}author>ctg</{p}author>"),
                b"text" => {
                    if let Some(t) = in_comment.and_then(|rc| pending.remove(&rc)) {
                        insert = format!(
                            "<{p}r><{p}t xml:space=\"preserve\">\n\n{}</{p}t></{p}r>",
                            esc(&t)
                        );
                    }
                }
                b"comment" => in_comment = None,
                b"commentList" => {
                    insert = pending
                        .iter()
                        .map(|(rc, t)| comment_xml(&p, rc, authors, t))
                        .collect();
                    pending.clear();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if !insert.is_empty() {
            out.push_str(&xml[last..before]);
            out.push_str(&insert);
            last = before;
        }
    }
    out.push_str(&xml[last..]);
    if !pending.is_empty() {
        return Err("commentaires sans liste".into());
    }
    Ok(out)
}

const SHAPETYPE: &str = "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>";

fn shapes(notes: &BTreeMap<(u32, u32), super::Note>, sheet_index: u32) -> String {
    notes
        .keys()
        .enumerate()
        .map(|(i, (row, col))| {
            format!(
                "<v:shape id=\"_x0000_s{}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:220pt;height:80pt;z-index:{};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {}, 2, {}, 15, {}, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>",
                (2000 + sheet_index) * 1024 + i as u32 + 1,
                i + 1,
                col + 1,
                row,
                col + 4,
                row + 4
            )
        })
        .collect()
}

fn new_vml(notes: &BTreeMap<(u32, u32), super::Note>, sheet_index: u32) -> String {
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{}\"/></o:shapelayout>{SHAPETYPE}{}</xml>",
        2000 + sheet_index,
        shapes(notes, sheet_index)
    )
}

fn merge_vml(xml: &str, notes: &BTreeMap<(u32, u32), super::Note>, sheet_index: u32) -> String {
    let mut add = String::new();
    if !xml.contains("_x0000_t202") {
        add.push_str(SHAPETYPE);
    }
    add.push_str(&shapes(notes, sheet_index));
    match xml.rfind("</xml>") {
        Some(i) => format!("{}{add}{}", &xml[..i], &xml[i..]),
        None => format!("{xml}{add}"),
    }
}

/// The «Anomalies» sheet: one line per diagnostic, a link to each cell that exists.
fn list_sheet(lines: &[Line], text_style: u32) -> String {
    let mut rows = String::new();
    let mut links = String::new();
    let row_xml = |i: usize, cells: &[String; 6]| {
        let inner: String = cells
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| {
                format!(
                    "<c r=\"{}\" s=\"{text_style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    cell_name(i as u32, c as u16),
                    esc(v)
                )
            })
            .collect();
        format!("<row r=\"{}\">{inner}</row>", i + 1)
    };
    rows.push_str(&row_xml(0, &Plan::header()));
    for (i, l) in lines.iter().enumerate() {
        rows.push_str(&row_xml(i + 1, &l.cells));
        if let Some((sheet, r, c)) = &l.link {
            links.push_str(&format!(
                "<hyperlink ref=\"D{}\" location=\"{}\" display=\"{}\"/>",
                i + 2,
                esc(&format!(
                    "'{}'!{}",
                    sheet.replace('\'', "''"),
                    cell_name(*r, *c as u16)
                )),
                esc(&cell_name(*r, *c as u16))
            ));
        }
    }
    let cols: String = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (_, w))| {
            format!(
                "<col min=\"{}\" max=\"{}\" width=\"{w}\" customWidth=\"1\"/>",
                i + 1,
                i + 1
            )
        })
        .collect();
    let last = format!("{}{}", col_name(COLUMNS.len() as u16 - 1), lines.len() + 1);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{NS_MAIN}\" xmlns:r=\"{NS_R}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1:{last}\"/><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><cols>{cols}</cols><sheetData>{rows}</sheetData><autoFilter ref=\"A1:{last}\"/>{}<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/></worksheet>",
        if links.is_empty() {
            String::new()
        } else {
            format!("<hyperlinks>{links}</hyperlinks>")
        }
    )
}

/// Sets the mark in `docProps/custom.xml` (made, with its relationship and content type, when
/// the file has none).
pub(super) fn set_property(
    z: &mut Zip,
    value: &str,
    replaced: &mut BTreeMap<String, Vec<u8>>,
    added: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), String> {
    let property = |pid: u32| {
        format!(
            "<property xmlns=\"{NS_CUSTOM}\" fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{pid}\" name=\"{}\"><vt:lpwstr xmlns:vt=\"{NS_VT}\">{}</vt:lpwstr></property>",
            super::PROPERTY,
            esc(value)
        )
    };
    match read_part(z, CUSTOM) {
        Some(xml) => {
            // Drop a previous mark; the new one takes the next pid.
            let mut out = String::with_capacity(xml.len() + 256);
            let mut r = Reader::from_str(&xml);
            let (mut last, mut max_pid, mut skip_from) = (0usize, 1u32, None);
            loop {
                let before = r.buffer_position() as usize;
                match r.read_event() {
                    Ok(Event::Start(e)) if xml_local(e.name().as_ref()) == b"property" => {
                        max_pid = max_pid.max(attr_u32(&e, b"pid").unwrap_or(1));
                        if xml_attr(&e, b"name").as_deref() == Some(super::PROPERTY) {
                            out.push_str(&xml[last..before]);
                            skip_from = Some(before);
                        }
                    }
                    Ok(Event::End(e))
                        if xml_local(e.name().as_ref()) == b"property" && skip_from.is_some() =>
                    {
                        skip_from = None;
                        last = r.buffer_position() as usize;
                    }
                    Ok(Event::End(e)) if xml_local(e.name().as_ref()) == b"Properties" => {
                        out.push_str(&xml[last..before]);
                        out.push_str(&property(max_pid + 1));
                        last = before;
                    }
                    Ok(Event::Eof) => break,
                    Err(e) => return Err(format!("propriétés du document : {e}")),
                    _ => {}
                }
            }
            out.push_str(&xml[last..]);
            if !out.contains(super::PROPERTY) {
                return Err("propriétés du document sans fin".into());
            }
            replaced.insert(CUSTOM.into(), out.into_bytes());
        }
        None => {
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"{NS_CUSTOM}\" xmlns:vt=\"{NS_VT}\">{}</Properties>",
                property(2)
            );
            added.push((CUSTOM.into(), xml.into_bytes()));
            let rels_xml = read_part(z, "_rels/.rels");
            let rels = rels_xml.as_deref().map(rels_of).unwrap_or_default();
            let id = new_id(&rels, &mut BTreeSet::new());
            let new = add_rels(
                rels_xml.as_deref(),
                &[(id, "custom-properties", CUSTOM.into())],
            )?;
            replaced.insert("_rels/.rels".into(), new.into_bytes());
            let types = read_part(z, "[Content_Types].xml").ok_or("[Content_Types].xml manque")?;
            replaced.insert(
                "[Content_Types].xml".into(),
                add_types(&types, &[(CUSTOM.into(), CT_CUSTOM)], &[])?.into_bytes(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_part() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/styles.xml"),
            "xl/styles.xml"
        );
        assert_eq!(
            relative("xl/worksheets/sheet1.xml", "xl/comments1.xml"),
            "/xl/comments1.xml"
        );
        assert_eq!(
            relative("xl/workbook.xml", "xl/worksheets/sheet9.xml"),
            "worksheets/sheet9.xml"
        );
    }

    #[test]
    fn missing_cells_and_rows_are_made_in_order() {
        let xml = r#"<worksheet xmlns="m"><sheetData><row r="2"><c r="A2" s="3"><v>1</v></c><c r="C2"/></row><row r="5"/></sheetData></worksheet>"#;
        let styles = BTreeMap::from([
            ((1, 1), 9),
            ((1, 2), 9),
            ((3, 0), 8),
            ((4, 1), 7),
            ((9, 0), 6),
        ]);
        let out = rewrite_sheet(xml, &styles, Some("rId5")).unwrap();
        assert_eq!(
            out,
            r#"<worksheet xmlns="m"><sheetData><row r="2"><c r="A2" s="3"><v>1</v></c><c r="B2" s="9"/><c r="C2" s="9"/></row><row r="4"><c r="A4" s="8"/></row><row r="5"><c r="B5" s="7"/></row><row r="10"><c r="A10" s="6"/></row></sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId5"/></worksheet>"#
        );
    }
}
