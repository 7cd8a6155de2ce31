//! In-place annotation of an OpenDocument spreadsheet (`.ods`): only `content.xml` (and the
//! mark in `meta.xml`) change. A faulty cell gets an automatic style — a copy of its own style
//! with a background — and an `office:annotation`; a repeated row or cell holding one is split
//! so that only that cell changes; the «Anomalies» table is added after the partner's tables.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{COLUMNS, Line, Note, Plan, esc, fill, insert_before_end, prefix_of, read_part, retag};
use crate::container::{xml_attr, xml_local};
use crate::diagnostic::Diagnostic;
use crate::workbook::addr::cell_name;

const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
const NS_XLINK: &str = "http://www.w3.org/1999/xlink";

/// Faulty cells of one table: row → col → (style to give, note).
type Targets = BTreeMap<u32, BTreeMap<u32, (String, Note)>>;

fn repeat(e: &BytesStart, key: &[u8]) -> u32 {
    xml_attr(e, key)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, 1 << 20)
}

/// The end of the element whose start tag begins at `from`.
fn element_end(xml: &str, from: usize) -> Result<usize, String> {
    let mut r = Reader::from_str(&xml[from..]);
    let mut depth = 0usize;
    loop {
        match r.read_event().map_err(|e| format!("content.xml : {e}"))? {
            Event::Empty(_) if depth == 0 => return Ok(from + r.buffer_position() as usize),
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Ok(from + r.buffer_position() as usize);
                }
            }
            Event::Eof => return Err("content.xml tronqué".into()),
            _ => {}
        }
    }
}

/// One element of `xml` as (start tag text, inner text, qualified name, empty).
struct Element<'a> {
    tag: &'a str,
    inner: &'a str,
    name: String,
    empty: bool,
}

fn element(xml: &str) -> Result<Element<'_>, String> {
    let mut r = Reader::from_str(xml);
    r.config_mut().check_end_names = false;
    let ev = r.read_event().map_err(|e| e.to_string())?;
    let end = r.buffer_position() as usize;
    match ev {
        Event::Start(e) => {
            let name = super::qname(e.name());
            let close = xml.rfind("</").ok_or("élément sans fin")?;
            Ok(Element {
                tag: &xml[1..end - 1],
                inner: &xml[end..close],
                name,
                empty: false,
            })
        }
        Event::Empty(e) => Ok(Element {
            tag: xml[1..end - 1].trim_end().trim_end_matches('/'),
            inner: "",
            name: super::qname(e.name()),
            empty: true,
        }),
        _ => Err("élément attendu".into()),
    }
}

fn write_element(tag: &str, inner: &str, name: &str) -> String {
    if inner.is_empty() {
        format!("<{tag}/>")
    } else {
        format!("<{tag}>{inner}</{name}>")
    }
}

pub(super) fn annotate(original: &[u8], diags: &[Diagnostic]) -> Result<Vec<u8>, String> {
    let mut z = super::archive(original)?;
    let xml = read_part(&mut z, "content.xml").ok_or("content.xml manque")?;
    let scan = scan(&xml)?;
    let plan = Plan::new(diags, &scan.tables);
    // Styles to add: one per (base style, severity).
    let mut style_names: BTreeMap<(String, u8), String> = BTreeMap::new();
    let mut new_styles = String::new();
    let mut targets: BTreeMap<String, Targets> = BTreeMap::new();
    for (table, notes) in &plan.notes {
        for ((r, c), note) in notes {
            let base = scan.base_style(table, *r, *c);
            let key = (base.clone(), super::rank(note.severity));
            let next = style_names.len() + 1;
            let name = style_names
                .entry(key)
                .or_insert_with(|| {
                    let name = format!("ctgAnomalie{next}");
                    new_styles.push_str(&cell_style(&scan, &base, &name, note));
                    name
                })
                .clone();
            targets
                .entry(table.clone())
                .or_default()
                .entry(*r)
                .or_default()
                .insert(*c, (name, note.clone()));
        }
    }
    for (i, (_, w)) in COLUMNS.iter().enumerate() {
        new_styles.push_str(&format!(
            "<style:style style:name=\"ctgColonne{}\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"{:.2}cm\"/></style:style>",
            i + 1,
            w * 0.2
        ));
    }
    new_styles.push_str("<style:style style:name=\"ctgTexte\" style:family=\"table-cell\" style:parent-style-name=\"Default\"><style:table-cell-properties fo:wrap-option=\"wrap\" style:vertical-align=\"top\"/></style:style>");
    let sheet_name = (1..)
        .map(|i| {
            if i == 1 {
                super::SHEET.to_string()
            } else {
                format!("{} {i}", super::SHEET)
            }
        })
        .find(|n| !scan.tables.iter().any(|x| x.eq_ignore_ascii_case(n)))
        .expect("a free sheet name");
    let list = list_table(&sheet_name, &plan.lines, xml.contains(NS_XLINK));
    let dc = !xml.contains(NS_DC);
    let content = rewrite(&xml, &targets, &new_styles, &list, dc)?;
    let replaced = BTreeMap::from([("content.xml".to_string(), content.into_bytes())]);
    super::rebuild(original, &replaced, &[])
}

/// Cells of a row as (first column, count, style).
type CellSpans = Vec<(u32, u32, Option<String>)>;
/// A row element: (first row, count, row default style, its cells).
type RowSpan = (u32, u32, Option<String>, CellSpans);

/// What the first pass learns: the top-level tables, the automatic cell styles, and the
/// style each cell of interest has now (cell, else row default, else column default).
#[derive(Default)]
struct Scan {
    tables: Vec<String>,
    automatic: BTreeMap<String, String>,
    /// Per table: column default styles as (first column, count, style).
    columns: BTreeMap<String, Vec<(u32, u32, String)>>,
    /// Per table: (first row, count, row default style, cells as (first col, count, style)).
    rows: BTreeMap<String, Vec<RowSpan>>,
}

impl Scan {
    fn base_style(&self, table: &str, r: u32, c: u32) -> String {
        let col_default = || {
            self.columns.get(table).and_then(|cols| {
                cols.iter()
                    .find(|(a, n, _)| (*a..a + n).contains(&c))
                    .map(|x| x.2.clone())
                    .filter(|s| !s.is_empty())
            })
        };
        let row = self
            .rows
            .get(table)
            .and_then(|rows| rows.iter().find(|(a, n, _, _)| (*a..a + n).contains(&r)));
        if let Some((_, _, row_default, cells)) = row {
            if let Some(s) = cells
                .iter()
                .find(|(a, n, _)| (*a..a + n).contains(&c))
                .and_then(|x| x.2.clone())
            {
                return s;
            }
            if let Some(s) = row_default {
                return s.clone();
            }
        }
        col_default().unwrap_or_else(|| "Default".into())
    }
}

fn scan(xml: &str) -> Result<Scan, String> {
    let mut s = Scan::default();
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut table: Option<String> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut in_cell = 0usize; // depth of the cell being skipped, 0 when none
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|e| format!("content.xml : {e}"))?;
        let after = r.buffer_position() as usize;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                let local = xml_local(e.name().as_ref()).to_vec();
                let parent = stack.last().map(|v| v.as_slice());
                if in_cell == 0 {
                    match local.as_slice() {
                        b"style"
                            if parent == Some(b"automatic-styles")
                                && xml_attr(e, b"family").as_deref() == Some("table-cell") =>
                        {
                            let end = if empty {
                                after
                            } else {
                                element_end(xml, before)?
                            };
                            if let Some(n) = xml_attr(e, b"name") {
                                s.automatic.insert(n, xml[before..end].to_string());
                            }
                        }
                        b"table" if parent == Some(b"spreadsheet") => {
                            let name = xml_attr(e, b"name").unwrap_or_default();
                            s.tables.push(name.clone());
                            table = Some(name);
                            row = 0;
                        }
                        b"table-column" if table.is_some() => {
                            let t = table.clone().unwrap_or_default();
                            let cols = s.columns.entry(t).or_default();
                            let first = cols.last().map(|(a, n, _)| a + n).unwrap_or(0);
                            let n = repeat(e, b"number-columns-repeated");
                            let style = xml_attr(e, b"default-cell-style-name").unwrap_or_default();
                            cols.push((first, n, style));
                        }
                        b"table-row" if table.is_some() => {
                            let t = table.clone().unwrap_or_default();
                            let n = repeat(e, b"number-rows-repeated");
                            let style = xml_attr(e, b"default-cell-style-name");
                            s.rows
                                .entry(t)
                                .or_default()
                                .push((row, n, style, Vec::new()));
                            row = row.saturating_add(n);
                            col = 0;
                        }
                        b"table-cell" | b"covered-table-cell" if table.is_some() => {
                            let t = table.clone().unwrap_or_default();
                            let n = repeat(e, b"number-columns-repeated");
                            if let Some(last) = s.rows.get_mut(&t).and_then(|v| v.last_mut()) {
                                last.3.push((col, n, xml_attr(e, b"style-name")));
                            }
                            col = col.saturating_add(n);
                            if !empty {
                                in_cell = stack.len() + 1;
                            }
                        }
                        _ => {}
                    }
                }
                if !empty {
                    stack.push(local);
                }
            }
            Event::End(e) => {
                if in_cell == stack.len() {
                    in_cell = 0;
                }
                stack.pop();
                if xml_local(e.name().as_ref()) == b"table"
                    && stack.last().map(|v| v.as_slice()) == Some(b"spreadsheet")
                {
                    table = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s)
}

/// The automatic style `name`: `base` with the severity's background.
fn cell_style(scan: &Scan, base: &str, name: &str, note: &Note) -> String {
    let colour = format!("#{}", fill(note.severity).to_lowercase());
    let Some(raw) = scan.automatic.get(base) else {
        return format!(
            "<style:style style:name=\"{}\" style:family=\"table-cell\" style:parent-style-name=\"{}\"><style:table-cell-properties fo:background-color=\"{colour}\"/></style:style>",
            esc(name),
            esc(base)
        );
    };
    let Ok(el) = element(raw) else {
        return String::new();
    };
    let tag = retag(el.tag, &[("style:name", Some(name.to_string()))]);
    // Background set on the cell properties (made when absent).
    let mut inner = String::new();
    let mut done = false;
    let mut r = Reader::from_str(el.inner);
    let mut last = 0usize;
    loop {
        let before = r.buffer_position() as usize;
        let Ok(ev) = r.read_event() else { break };
        let after = r.buffer_position() as usize;
        match &ev {
            Event::Start(e) | Event::Empty(e)
                if !done && xml_local(e.name().as_ref()) == b"table-cell-properties" =>
            {
                let empty = matches!(ev, Event::Empty(_));
                let t = el.inner[before + 1..after - 1]
                    .trim_end()
                    .trim_end_matches('/');
                let t = retag(t, &[("fo:background-color", Some(colour.clone()))]);
                inner.push_str(&el.inner[last..before]);
                inner.push_str(&if empty {
                    format!("<{t}/>")
                } else {
                    format!("<{t}>")
                });
                last = after;
                done = true;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    inner.push_str(&el.inner[last..]);
    if !done {
        inner = format!("<style:table-cell-properties fo:background-color=\"{colour}\"/>{inner}");
    }
    format!("<{tag}>{inner}</{}>", el.name)
}

fn annotation(note: &Note, declare_dc: bool) -> String {
    let dc = if declare_dc {
        format!(" xmlns:dc=\"{NS_DC}\"")
    } else {
        String::new()
    };
    format!(
        "<office:annotation{dc}><dc:creator>ctg</dc:creator>{}</office:annotation>",
        paragraphs(note)
    )
}

fn paragraphs(note: &Note) -> String {
    note.lines
        .iter()
        .map(|l| format!("<text:p>{}</text:p>", esc(l)))
        .collect()
}

/// `content.xml` with the styles, the faulty cells and the «Anomalies» table.
fn rewrite(
    xml: &str,
    targets: &BTreeMap<String, Targets>,
    styles: &str,
    list: &str,
    declare_dc: bool,
) -> Result<String, String> {
    let mut out = String::with_capacity(xml.len() + styles.len() + list.len() + 4096);
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut last = 0usize;
    let mut table: Option<&Targets> = None;
    let mut row = 0u32;
    let (mut styles_done, mut list_done, mut tables_seen) = (false, false, false);
    let mut pending_rows: Targets = BTreeMap::new();
    loop {
        let before = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|e| format!("content.xml : {e}"))?;
        let after = r.buffer_position() as usize;
        let mut insert = String::new();
        let mut replace: Option<(String, usize)> = None; // text, and where the source resumes
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                let local = xml_local(e.name().as_ref()).to_vec();
                let parent = stack.last().map(|v| v.as_slice());
                match local.as_slice() {
                    b"automatic-styles" if empty && !styles_done => {
                        let name = super::qname(e.name());
                        let t = xml[before + 1..after - 1].trim_end().trim_end_matches('/');
                        replace = Some((format!("<{t}>{styles}</{name}>"), after));
                        styles_done = true;
                    }
                    b"body" if !styles_done => {
                        insert =
                            format!("<office:automatic-styles>{styles}</office:automatic-styles>");
                        styles_done = true;
                    }
                    b"table" if parent == Some(b"spreadsheet") => {
                        tables_seen = true;
                        let name = xml_attr(e, b"name").unwrap_or_default();
                        table = targets.get(&name);
                        pending_rows = table.cloned().unwrap_or_default();
                        row = 0;
                    }
                    _ if parent == Some(b"spreadsheet") && tables_seen && !list_done => {
                        insert = list.to_string();
                        list_done = true;
                    }
                    b"table-row" if table.is_some() => {
                        let n = repeat(e, b"number-rows-repeated");
                        let end = if empty {
                            after
                        } else {
                            element_end(xml, before)?
                        };
                        // Rows wanted before this one (none in practice: Calc writes every row).
                        let mut text = String::new();
                        let earlier: Vec<u32> =
                            pending_rows.range(..row).map(|(r, _)| *r).collect();
                        for r0 in earlier {
                            let cells = pending_rows.remove(&r0).expect("listed");
                            text.push_str(&new_row(&cells, declare_dc));
                        }
                        let inside: Vec<u32> = pending_rows
                            .range(row..row.saturating_add(n))
                            .map(|(r, _)| *r)
                            .collect();
                        if !inside.is_empty() {
                            let mut wanted = BTreeMap::new();
                            for r0 in inside {
                                wanted.insert(r0, pending_rows.remove(&r0).expect("listed"));
                            }
                            text.push_str(&split_row(
                                &xml[before..end],
                                row,
                                n,
                                &wanted,
                                declare_dc,
                            )?);
                            replace = Some((text, end));
                        } else if !text.is_empty() {
                            insert = text;
                        }
                        row = row.saturating_add(n);
                        if replace.is_some() {
                            // The row was consumed whole: move the reader past it.
                            let mut depth = usize::from(!empty);
                            while depth > 0 {
                                match r.read_event().map_err(|e| format!("content.xml : {e}"))? {
                                    Event::Start(_) => depth += 1,
                                    Event::End(_) => depth -= 1,
                                    Event::Eof => return Err("content.xml tronqué".into()),
                                    _ => {}
                                }
                            }
                            out.push_str(&xml[last..before]);
                            let (t, resume) = replace.take().expect("set");
                            out.push_str(&t);
                            last = resume;
                            continue;
                        }
                    }
                    _ => {}
                }
                if !empty {
                    stack.push(local);
                }
            }
            Event::End(e) => {
                stack.pop();
                let parent = stack.last().map(|v| v.as_slice());
                match xml_local(e.name().as_ref()) {
                    b"automatic-styles" if !styles_done => {
                        insert = styles.to_string();
                        styles_done = true;
                    }
                    b"table" if parent == Some(b"spreadsheet") => {
                        for (_, cells) in std::mem::take(&mut pending_rows) {
                            insert.push_str(&new_row(&cells, declare_dc));
                        }
                        table = None;
                    }
                    b"spreadsheet" if !list_done => {
                        insert = list.to_string();
                        list_done = true;
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if let Some((t, resume)) = replace {
            out.push_str(&xml[last..before]);
            out.push_str(&t);
            last = resume;
        } else if !insert.is_empty() {
            out.push_str(&xml[last..before]);
            out.push_str(&insert);
            last = before;
        }
    }
    out.push_str(&xml[last..]);
    if !styles_done || !list_done {
        return Err("content.xml sans classeur".into());
    }
    Ok(out)
}

/// A row ctg adds for faulty cells beyond the partner's rows (its position is fixed by the
/// caller; cells before the first one are empty).
fn new_row(cells: &BTreeMap<u32, (String, Note)>, declare_dc: bool) -> String {
    format!(
        "<table:table-row>{}</table:table-row>",
        split_cells("", cells, "table:", declare_dc)
    )
}

/// A (possibly repeated) row with the rows of `wanted` made single and their cells annotated.
fn split_row(
    row_xml: &str,
    first: u32,
    count: u32,
    wanted: &BTreeMap<u32, BTreeMap<u32, (String, Note)>>,
    declare_dc: bool,
) -> Result<String, String> {
    let el = element(row_xml)?;
    let p = prefix_of(&el.name);
    let key = format!("{p}number-rows-repeated");
    let mut out = String::new();
    let mut cursor = first;
    let copy = |n: u32| {
        let t = retag(el.tag, &[(key.as_str(), (n > 1).then(|| n.to_string()))]);
        if el.empty {
            format!("<{t}/>")
        } else {
            format!("<{t}>{}</{}>", el.inner, el.name)
        }
    };
    for (r, cells) in wanted {
        if *r > cursor {
            out.push_str(&copy(r - cursor));
        }
        let t = retag(el.tag, &[(key.as_str(), None)]);
        out.push_str(&format!(
            "<{t}>{}</{}>",
            split_cells(el.inner, cells, &p, declare_dc),
            el.name
        ));
        cursor = r + 1;
    }
    if cursor < first + count {
        out.push_str(&copy(first + count - cursor));
    }
    Ok(out)
}

/// The cells of a row with the cells of `wanted` made single, restyled and annotated.
fn split_cells(
    inner: &str,
    wanted: &BTreeMap<u32, (String, Note)>,
    p: &str,
    declare_dc: bool,
) -> String {
    let mut out = String::new();
    let mut left: BTreeSet<u32> = wanted.keys().copied().collect();
    let mut r = Reader::from_str(inner);
    let mut last = 0usize;
    let mut col = 0u32;
    loop {
        let before = r.buffer_position() as usize;
        let Ok(ev) = r.read_event() else { break };
        let after = r.buffer_position() as usize;
        match &ev {
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    xml_local(e.name().as_ref()),
                    b"table-cell" | b"covered-table-cell"
                ) =>
            {
                let empty = matches!(ev, Event::Empty(_));
                let end = if empty {
                    after
                } else {
                    match element_end(inner, before) {
                        Ok(x) => x,
                        Err(_) => break,
                    }
                };
                if !empty {
                    // Skip the cell's content in this reader.
                    let mut depth = 1usize;
                    while depth > 0 {
                        match r.read_event() {
                            Ok(Event::Start(_)) => depth += 1,
                            Ok(Event::End(_)) => depth -= 1,
                            Ok(Event::Eof) | Err(_) => break,
                            _ => {}
                        }
                    }
                }
                let n = repeat(e, b"number-columns-repeated");
                let inside: Vec<u32> = left.range(col..col.saturating_add(n)).copied().collect();
                out.push_str(&inner[last..before]);
                if inside.is_empty() {
                    out.push_str(&inner[before..end]);
                } else {
                    out.push_str(&split_cell(
                        &inner[before..end],
                        col,
                        n,
                        &inside,
                        wanted,
                        declare_dc,
                    ));
                    for c in inside {
                        left.remove(&c);
                    }
                }
                last = end;
                col = col.saturating_add(n);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.push_str(&inner[last..]);
    // Cells beyond the row's last one.
    for c in left {
        if c > col {
            out.push_str(&format!(
                "<{p}table-cell {p}number-columns-repeated=\"{}\"/>",
                c - col
            ));
        }
        let (style, note) = &wanted[&c];
        out.push_str(&format!(
            "<{p}table-cell {p}style-name=\"{}\">{}</{p}table-cell>",
            esc(style),
            annotation(note, declare_dc)
        ));
        col = c + 1;
    }
    out
}

/// A (possibly repeated) cell with the columns `inside` made single, restyled, annotated.
fn split_cell(
    cell_xml: &str,
    first: u32,
    count: u32,
    inside: &[u32],
    wanted: &BTreeMap<u32, (String, Note)>,
    declare_dc: bool,
) -> String {
    let Ok(el) = element(cell_xml) else {
        return cell_xml.to_string();
    };
    let p = prefix_of(&el.name);
    let key = format!("{p}number-columns-repeated");
    let style_key = format!("{p}style-name");
    let copy = |n: u32| {
        let t = retag(el.tag, &[(key.as_str(), (n > 1).then(|| n.to_string()))]);
        write_element(&t, el.inner, &el.name)
    };
    let mut out = String::new();
    let mut cursor = first;
    for c in inside {
        if *c > cursor {
            out.push_str(&copy(c - cursor));
        }
        let (style, note) = &wanted[c];
        let t = retag(
            el.tag,
            &[
                (key.as_str(), None),
                (style_key.as_str(), Some(style.clone())),
            ],
        );
        let trimmed = el.inner.trim_start();
        let inner = if trimmed.starts_with("<office:annotation") {
            // The partner's own note: ctg's paragraphs are added to it.
            match trimmed.find("</office:annotation>") {
                Some(i) => {
                    let offset = el.inner.len() - trimmed.len() + i;
                    format!(
                        "{}{}{}",
                        &el.inner[..offset],
                        paragraphs(note),
                        &el.inner[offset..]
                    )
                }
                None => el.inner.to_string(),
            }
        } else {
            format!("{}{}", annotation(note, declare_dc), el.inner)
        };
        out.push_str(&format!("<{t}>{inner}</{}>", el.name));
        cursor = c + 1;
    }
    if cursor < first + count {
        out.push_str(&copy(first + count - cursor));
    }
    out
}

/// The «Anomalies» table.
fn list_table(name: &str, lines: &[Line], xlink_declared: bool) -> String {
    let xlink = if xlink_declared {
        String::new()
    } else {
        format!(" xmlns:xlink=\"{NS_XLINK}\"")
    };
    let cols: String = (1..=COLUMNS.len())
        .map(|i| format!("<table:table-column table:style-name=\"ctgColonne{i}\" table:default-cell-style-name=\"ctgTexte\"/>"))
        .collect();
    let row = |cells: &[String; 6], link: Option<&(String, u32, u32)>| {
        let inner: String = cells
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if v.is_empty() {
                    return "<table:table-cell/>".to_string();
                }
                let text = match (i, link) {
                    (3, Some((sheet, r, c))) => format!(
                        "<text:a{xlink} xlink:type=\"simple\" xlink:href=\"{}\">{}</text:a>",
                        esc(&format!("#'{}'.{}", sheet.replace('\'', "''"), cell_name(*r, *c as u16))),
                        esc(v)
                    ),
                    _ => esc(v),
                };
                format!("<table:table-cell table:style-name=\"ctgTexte\" office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>")
            })
            .collect();
        format!("<table:table-row>{inner}</table:table-row>")
    };
    let body: String = lines
        .iter()
        .map(|l| row(&l.cells, l.link.as_ref()))
        .collect();
    format!(
        "<table:table table:name=\"{}\">{cols}<table:table-header-rows>{}</table:table-header-rows>{body}</table:table>",
        esc(name),
        row(&Plan::header(), None)
    )
}

/// Sets the mark in `meta.xml` (a previous one is replaced).
pub(super) fn set_property(
    z: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    value: &str,
    replaced: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), String> {
    let xml = read_part(z, "meta.xml").ok_or("meta.xml manque")?;
    // Drop a previous mark.
    let mut kept = String::with_capacity(xml.len());
    let mut r = Reader::from_str(&xml);
    let mut last = 0usize;
    loop {
        let before = r.buffer_position() as usize;
        match r.read_event() {
            Ok(Event::Start(e))
                if xml_local(e.name().as_ref()) == b"user-defined"
                    && xml_attr(&e, b"name").as_deref() == Some(super::PROPERTY) =>
            {
                let end = element_end(&xml, before)?;
                kept.push_str(&xml[last..before]);
                last = end;
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("meta.xml : {e}")),
            _ => {}
        }
    }
    kept.push_str(&xml[last..]);
    let entry = format!(
        "<meta:user-defined meta:name=\"{}\">{}</meta:user-defined>",
        super::PROPERTY,
        esc(value)
    );
    let out = insert_before_end(&kept, b"meta", &entry)?;
    replaced.insert("meta.xml".into(), out.into_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn note() -> Note {
        Note {
            severity: Severity::Error,
            lines: vec!["CTG-E012 : faux".into()],
        }
    }

    #[test]
    fn a_repeated_row_and_cell_are_split_around_the_target() {
        let row = r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="4" table:style-name="ce1"/></table:table-row>"#;
        let wanted = BTreeMap::from([(
            11u32,
            BTreeMap::from([(2u32, ("ctgA".to_string(), note()))]),
        )]);
        let out = split_row(row, 10, 3, &wanted, false).unwrap();
        assert_eq!(
            out,
            concat!(
                r#"<table:table-row><table:table-cell table:number-columns-repeated="4" table:style-name="ce1"/></table:table-row>"#,
                r#"<table:table-row><table:table-cell table:style-name="ce1" table:number-columns-repeated="2"/>"#,
                r#"<table:table-cell table:style-name="ctgA"><office:annotation><dc:creator>ctg</dc:creator><text:p>CTG-E012 : faux</text:p></office:annotation></table:table-cell>"#,
                r#"<table:table-cell table:style-name="ce1"/></table:table-row>"#,
                r#"<table:table-row><table:table-cell table:number-columns-repeated="4" table:style-name="ce1"/></table:table-row>"#,
            )
        );
    }
}
