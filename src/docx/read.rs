//! A streaming reader of `word/document.xml` (zip + quick-xml): paragraphs with their
//! heading level and bold/size cues, tables with `gridSpan` and `vMerge`, nested tables,
//! content controls, tracked changes (insertions kept, deletions dropped), hyperlinks,
//! line breaks, ☐/☒ symbols and w14 checkboxes. Element names are matched without their
//! prefix, so Strict Open XML reads like Transitional. Entities are never expanded.

use crate::container::{xml_attr as attr, xml_local as local};
use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Bound on the decompressed `document.xml` (a 100-page CTG is a few MB).
const MAX_XML: u64 = 256 * 1024 * 1024;
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    /// Lines of the paragraph (a `w:br` starts a new line).
    pub text: String,
    /// 1-based heading level from the outline level or the style, if any.
    pub level: Option<u8>,
    pub bold: bool,
    /// Largest font size in half-points.
    pub size: Option<u32>,
    /// An entry of a table of contents (style «toc n», TOC field or TOC content control):
    /// a repetition of headings, not content.
    pub toc: bool,
    /// The number Word's automatic numbering shows before the text («AXE 1 –», «1.2.»).
    pub numbering: Option<String>,
    /// A bulleted list item (the bullet is numbering, not text).
    pub bullet: bool,
}

impl Paragraph {
    /// The text as shown: automatic number, then the text.
    pub fn shown(&self) -> String {
        match &self.numbering {
            Some(n) if !n.trim().is_empty() => format!("{} {}", n.trim(), self.text.trim()),
            _ => self.text.trim().to_string(),
        }
    }
}

/// One level of a numbering definition: start, format, level text («AXE %1 –»).
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// numId → abstract id, abstract id → levels.
#[derive(Debug, Default)]
struct Numbering {
    nums: HashMap<String, String>,
    levels: HashMap<String, HashMap<u8, Level>>,
    /// Counters per abstract numbering, one per level.
    counters: HashMap<String, [u32; 9]>,
}

fn numbering(xml: &str) -> Numbering {
    let mut out = Numbering::default();
    let mut r = Reader::from_str(xml);
    let (mut abs, mut num, mut lvl) = (None::<String>, None::<String>, None::<u8>);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                b"abstractNum" => abs = attr(&e, b"abstractNumId"),
                b"num" => num = attr(&e, b"numId"),
                b"abstractNumId" => {
                    if let (Some(n), Some(v)) = (num.clone(), attr(&e, b"val")) {
                        out.nums.insert(n, v);
                    }
                }
                b"lvl" => {
                    lvl = attr(&e, b"ilvl")
                        .and_then(|v| v.parse::<u8>().ok())
                        .filter(|l| *l < 9);
                    if let (Some(a), Some(l)) = (abs.clone(), lvl) {
                        out.levels.entry(a).or_default().insert(
                            l,
                            Level {
                                start: 1,
                                ..Default::default()
                            },
                        );
                    }
                }
                name @ (b"start" | b"numFmt" | b"lvlText") => {
                    if let (Some(a), Some(l), Some(v)) = (abs.as_ref(), lvl, attr(&e, b"val"))
                        && let Some(level) = out.levels.get_mut(a).and_then(|m| m.get_mut(&l))
                    {
                        match name {
                            b"start" => level.start = v.parse().unwrap_or(1),
                            b"numFmt" => level.format = v,
                            _ => level.text = v,
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match local(e.name().as_ref()) {
                b"abstractNum" => abs = None,
                b"num" => num = None,
                b"lvl" => lvl = None,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

impl Numbering {
    /// Counts one paragraph numbered (numId, level); its label, or `None` for a bullet.
    fn next(&mut self, num_id: &str, ilvl: u8) -> Option<String> {
        let abs = self.nums.get(num_id)?.clone();
        let levels = self.levels.get(&abs)?;
        let il = ilvl.min(8) as usize;
        let level = levels.get(&(il as u8))?;
        if level.format == "bullet" || level.format == "none" {
            return None;
        }
        let starts: Vec<u32> = (0..9)
            .map(|k| levels.get(&(k as u8)).map_or(1, |l| l.start))
            .collect();
        let c = self.counters.entry(abs.clone()).or_insert([0; 9]);
        c[il] = if c[il] == 0 { starts[il] } else { c[il] + 1 };
        for (k, v) in c.iter_mut().enumerate().skip(il + 1) {
            let _ = k;
            *v = 0;
        }
        let mut text = level.text.clone();
        for k in (0..=il).rev() {
            let v = if c[k] == 0 { starts[k] } else { c[k] };
            text = text.replace(&format!("%{}", k + 1), &v.to_string());
        }
        Some(text)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellW {
    pub paragraphs: Vec<String>,
    pub span: u32,
    /// `Some(true)`: starts a vertical merge; `Some(false)`: continues the one above.
    pub vmerge: Option<bool>,
}

impl CellW {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n")
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub rows: Vec<Vec<CellW>>,
    /// Nesting depth (0: in the body).
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Paragraph),
    Table(Table),
}

/// Style id → (name, outline level).
fn styles(xml: &str) -> HashMap<String, (String, Option<u8>)> {
    let mut out = HashMap::new();
    let mut r = Reader::from_str(xml);
    let (mut id, mut name, mut lvl) = (None::<String>, String::new(), None::<u8>);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(e.name().as_ref()) {
                b"style" => {
                    id = attr(&e, b"styleId");
                    name.clear();
                    lvl = None;
                }
                b"name" => name = attr(&e, b"val").unwrap_or_default(),
                b"outlineLvl" => lvl = attr(&e, b"val").and_then(|v| v.parse::<u8>().ok()),
                _ => {}
            },
            Ok(Event::End(e)) if local(e.name().as_ref()) == b"style" => {
                if let Some(i) = id.take() {
                    out.insert(i, (name.clone(), lvl));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// «heading 2», «Titre 2», «Heading2» → 2.
fn level_of_style(id: &str, styles: &HashMap<String, (String, Option<u8>)>) -> Option<u8> {
    let (name, lvl) = styles.get(id).cloned().unwrap_or((id.to_string(), None));
    if let Some(l) = lvl
        && l < 9
    {
        return Some(l + 1);
    }
    let n = crate::referentials::normalize(&name);
    for prefix in ["heading ", "titre ", "heading", "titre"] {
        if let Some(rest) = n.strip_prefix(prefix)
            && let Ok(l) = rest.trim().parse::<u8>()
        {
            return Some(l.clamp(1, 9));
        }
    }
    (n == "title" || n == "titre").then_some(1)
}

/// Reads the blocks of a .docx, in document order (nested tables follow their parent).
pub fn read(bytes: &[u8]) -> Result<Vec<Block>, String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("archive illisible : {}", crate::container::zip_reason(&e)))?;
    let mut part = |name: &str| -> Result<Option<String>, String> {
        let Ok(f) = z.by_name(name) else {
            return Ok(None);
        };
        let mut s = String::new();
        f.take(MAX_XML + 1)
            .read_to_string(&mut s)
            .map_err(|e| format!("« {name} » illisible : {}", crate::container::io_reason(&e)))?;
        if s.len() as u64 > MAX_XML {
            // Never a silent cut: a document read in part would import in part.
            return Err(format!(
                "« {name} » dépasse {} Mo une fois décompressé : document refusé plutôt que lu en partie",
                MAX_XML >> 20
            ));
        }
        Ok(Some(s))
    };
    // The main part is named by the package relationships (Word Online writes document2.xml).
    let main = part("_rels/.rels")?
        .and_then(|r| crate::container::office_document_target(&r))
        .unwrap_or_else(|| "word/document.xml".into());
    let doc = match part(&main)? {
        Some(d) => d,
        None => part("word/document.xml")?
            .ok_or("le document ne contient pas de partie principale (word/document.xml)")?,
    };
    let st = styles(&part("word/styles.xml")?.unwrap_or_default());
    let mut num = numbering(&part("word/numbering.xml")?.unwrap_or_default());
    parse_numbered(&doc, &st, &mut num)
}

struct State {
    blocks: Vec<Block>,
    /// Open tables (innermost last) with their current row and cell.
    tables: Vec<(Table, Vec<CellW>, Option<CellW>)>,
    para: Option<Paragraph>,
    line: String,
    deleted: usize,
    in_text: bool,
    in_rpr_bold: bool,
    run_bold: bool,
    runs_all_bold: bool,
    any_run: bool,
    in_instr: bool,
    /// Open fields: whether each is a table of contents.
    fields: Vec<bool>,
    /// Open content controls: whether each is a table of contents.
    sdts: Vec<bool>,
    /// Paragraph numbering being read: (numId, level).
    num: (Option<String>, u8),
    numbering: Numbering,
}

#[cfg(test)]
fn parse(xml: &str, st: &HashMap<String, (String, Option<u8>)>) -> Result<Vec<Block>, String> {
    parse_numbered(xml, st, &mut Numbering::default())
}

fn parse_numbered(
    xml: &str,
    st: &HashMap<String, (String, Option<u8>)>,
    numbering: &mut Numbering,
) -> Result<Vec<Block>, String> {
    let mut r = Reader::from_str(xml);
    let mut s = State {
        blocks: vec![],
        tables: vec![],
        para: None,
        line: String::new(),
        deleted: 0,
        in_text: false,
        in_rpr_bold: false,
        run_bold: false,
        runs_all_bold: true,
        any_run: false,
        in_instr: false,
        fields: vec![],
        sdts: vec![],
        num: (None, 0),
        numbering: std::mem::take(numbering),
    };
    let mut finished: Vec<Table> = Vec::new();
    loop {
        let ev = r.read_event().map_err(|_| {
            format!(
                "XML mal formé dans le document (vers l'octet {})",
                r.error_position()
            )
        })?;
        match ev {
            Event::Start(e) => start(&mut s, &e, false, st)?,
            Event::Empty(e) => start(&mut s, &e, true, st)?,
            Event::End(e) => {
                let n = local(e.name().as_ref()).to_vec();
                match n.as_slice() {
                    b"del" | b"moveFrom" => s.deleted = s.deleted.saturating_sub(1),
                    b"sdt" => {
                        s.sdts.pop();
                    }
                    b"t" => s.in_text = false,
                    b"instrText" => s.in_instr = false,
                    b"rPr" => s.in_rpr_bold = false,
                    b"r" => {}
                    b"p" => end_para(&mut s),
                    b"tc" => {
                        if let Some((_, row, cell)) = s.tables.last_mut()
                            && let Some(c) = cell.take()
                        {
                            row.push(c);
                        }
                    }
                    b"tr" => {
                        if let Some((t, row, _)) = s.tables.last_mut() {
                            t.rows.push(std::mem::take(row));
                        }
                    }
                    b"tbl" => {
                        if let Some((t, _, _)) = s.tables.pop() {
                            // A nested table is emitted after its parent, in order.
                            if s.tables.is_empty() {
                                s.blocks.push(Block::Table(t));
                                s.blocks.extend(finished.drain(..).map(Block::Table));
                            } else {
                                finished.push(t);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if s.in_instr => {
                if t.xml10_content().trim_start().starts_with("TOC")
                    && let Some(f) = s.fields.last_mut()
                {
                    *f = true;
                }
            }
            Event::Text(t)
                if s.in_text && s.deleted == 0 => {
                    s.line.extend(t.xml10_content().chars().map(plain_space));
                }
            Event::GeneralRef(g)
                if s.in_text && s.deleted == 0 => {
                    // Only the five predefined XML entities and character references.
                    let name = g.to_string();
                    let ch = match name.as_str() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
                        n if n.starts_with('#') => n[1..].parse::<u32>().ok().and_then(char::from_u32),
                        _ => return Err(format!("entité XML « &{name}; » refusée (document piégé ou corrompu)")),
                    };
                    if let Some(c) = ch {
                        s.line.push(plain_space(c));
                    }
                }
            Event::DocType(_) => return Err("déclaration DOCTYPE refusée : un document Word n'en contient pas (entités piégées)".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s.blocks)
}

fn start(
    s: &mut State,
    e: &BytesStart,
    empty: bool,
    st: &HashMap<String, (String, Option<u8>)>,
) -> Result<(), String> {
    let name = local(e.name().as_ref()).to_vec();
    match name.as_slice() {
        b"del" | b"moveFrom" if !empty => s.deleted += 1,
        b"sdt" if !empty => s.sdts.push(false),
        b"docPartGallery" => {
            if attr(e, b"val").is_some_and(|v| v.to_ascii_lowercase().contains("table of contents"))
                && let Some(x) = s.sdts.last_mut()
            {
                *x = true;
            }
        }
        b"fldChar" => match attr(e, b"fldCharType").as_deref() {
            Some("begin") => s.fields.push(false),
            Some("end") => {
                // The TOC field ends in the paragraph after its last entry: that paragraph
                // is an entry only if it was already inside the field.
                s.fields.pop();
            }
            _ => {}
        },
        b"numId" if s.para.is_some() => s.num.0 = attr(e, b"val"),
        b"ilvl" if s.para.is_some() => {
            s.num.1 = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0)
        }
        b"p" => {
            s.para = Some(Paragraph {
                toc: s.fields.iter().any(|f| *f) || s.sdts.iter().any(|f| *f),
                ..Default::default()
            });
            s.num = (None, 0);
            s.line.clear();
            s.runs_all_bold = true;
            s.any_run = false;
            if empty {
                end_para(s);
            }
        }
        b"pStyle" => {
            if let (Some(p), Some(v)) = (s.para.as_mut(), attr(e, b"val")) {
                p.level = p.level.or(level_of_style(&v, st));
                let name = st.get(&v).map_or(v.as_str(), |x| x.0.as_str());
                let n = crate::referentials::normalize(name).replace(' ', "");
                if n.starts_with("toc") && n[3..].chars().all(|c| c.is_ascii_digit()) && n.len() > 3
                {
                    p.toc = true;
                }
            }
        }
        b"outlineLvl" => {
            if let (Some(p), Some(v)) = (
                s.para.as_mut(),
                attr(e, b"val").and_then(|v| v.parse::<u8>().ok()),
            ) && v < 9
            {
                p.level = Some(v + 1);
            }
        }
        b"rPr" if !empty => s.in_rpr_bold = true,
        b"r" => s.run_bold = false,
        b"b" if s.in_rpr_bold => {
            s.run_bold = attr(e, b"val").is_none_or(|v| v != "0" && v != "false")
        }
        b"sz" if s.in_rpr_bold => {
            if let (Some(p), Some(v)) = (
                s.para.as_mut(),
                attr(e, b"val").and_then(|v| v.parse::<u32>().ok()),
            ) {
                p.size = Some(p.size.map_or(v, |x| x.max(v)));
            }
        }
        b"t" if !empty => {
            s.in_text = true;
            if s.deleted == 0 {
                s.any_run = true;
                s.runs_all_bold &= s.run_bold;
            }
        }
        b"delText" => {}
        b"instrText" if !empty => s.in_instr = true,
        b"tab" if s.para.is_some() && s.deleted == 0 && !s.in_rpr_bold => s.line.push('\t'),
        // Word's non-breaking hyphen (Ctrl+Maj+-, «L. 214-2» kept on one line) is a hyphen;
        // its optional hyphen shows only where a line breaks.
        b"noBreakHyphen" if s.para.is_some() && s.deleted == 0 => s.line.push('-'),
        b"br" | b"cr" if s.deleted == 0 && attr(e, b"type").is_none_or(|t| t == "textWrapping") => {
            s.line.push('\n')
        }
        b"sym" if s.deleted == 0 => {
            let c = attr(e, b"char").unwrap_or_default().to_uppercase();
            // Wingdings ballot boxes: F0FE/F078 checked, F0A8/F06F empty.
            s.line.push(match c.as_str() {
                "F0FE" | "F078" | "F0FD" | "F053" => '☒',
                "F0A8" | "F06F" | "F072" => '☐',
                _ => ' ',
            });
        }
        b"checked" => {
            // w14:checkbox > w14:checked: shown by the glyph that follows in the content;
            // kept as a marker in case the glyph is missing.
            let on = attr(e, b"val").is_some_and(|v| v == "1" || v == "true");
            s.line.push_str(if on { "☒" } else { "☐" });
        }
        b"tbl" => {
            if s.tables.len() >= MAX_DEPTH {
                return Err(format!(
                    "tableaux imbriqués sur plus de {MAX_DEPTH} niveaux"
                ));
            }
            // A paragraph being read when a table opens belongs before it.
            let depth = s.tables.len();
            s.tables.push((
                Table {
                    rows: vec![],
                    depth,
                },
                vec![],
                None,
            ));
        }
        b"tc" => {
            if let Some((_, _, cell)) = s.tables.last_mut() {
                *cell = Some(CellW {
                    span: 1,
                    ..Default::default()
                });
            }
        }
        b"gridSpan" => {
            if let Some((_, _, Some(c))) = s.tables.last_mut() {
                c.span = attr(e, b"val")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .max(1);
            }
        }
        b"vMerge" => {
            if let Some((_, _, Some(c))) = s.tables.last_mut() {
                c.vmerge = Some(attr(e, b"val").is_some_and(|v| v == "restart"));
            }
        }
        _ => {}
    }
    Ok(())
}

fn end_para(s: &mut State) {
    let Some(mut p) = s.para.take() else { return };
    p.text = std::mem::take(&mut s.line)
        .replace('\u{a0}', " ")
        .trim_end()
        .to_string();
    p.bold = s.any_run && s.runs_all_bold;
    p.toc |= s.fields.iter().any(|f| *f);
    if let (Some(id), lvl) = (s.num.0.take(), s.num.1)
        && id != "0"
    {
        match s.numbering.next(&id, lvl) {
            Some(label) => p.numbering = Some(label),
            None => p.bullet = s.numbering.nums.contains_key(&id),
        }
    }
    match s.tables.last_mut() {
        Some((_, _, Some(cell))) => {
            // Several paragraphs, and line breaks, in one cell are separate lines.
            for line in p.text.split('\n') {
                cell.paragraphs.push(line.trim().to_string());
            }
        }
        Some(_) => {}
        None => s.blocks.push(Block::Para(p)),
    }
}

/// Non-breaking spaces and hyphens are typography (ctg writes them before «:», in dates,
/// numbers and article numbers, Word users type them): text is read with plain spaces and
/// hyphens, so labels match and the model holds plain text.
fn plain_space(c: char) -> char {
    match c {
        '\u{a0}' | '\u{202f}' => ' ',
        '\u{2011}' => '-',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    #[test]
    fn non_breaking_and_optional_hyphens_read_as_the_text_shows() {
        // «L. 214-2» typed with Word's non-breaking hyphen read «L. 2142»: the hyphen was lost.
        let d = doc(
            "<w:p><w:r><w:t xml:space=\"preserve\">article L.\u{a0}214</w:t><w:noBreakHyphen/><w:t>2 et D. 214\u{2011}10</w:t><w:softHyphen/><w:t>-1</w:t></w:r></w:p>",
        );
        let text: Vec<String> = d
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(text, ["article L. 214-2 et D. 214-10-1"]);
    }

    fn doc(body: &str) -> Vec<Block> {
        parse(
            &format!("<w:document {NS}><w:body>{body}</w:body></w:document>"),
            &HashMap::new(),
        )
        .unwrap()
    }

    #[test]
    fn tracked_changes_keep_insertions_and_drop_deletions() {
        let b = doc(
            "<w:p><w:r><w:t>Pilote </w:t></w:r><w:ins><w:r><w:t>RPE</w:t></w:r></w:ins><w:del><w:r><w:delText>Mairie</w:delText></w:r></w:del></w:p>",
        );
        assert_eq!(
            b,
            vec![Block::Para(Paragraph {
                text: "Pilote RPE".into(),
                ..Default::default()
            })]
        );
    }

    #[test]
    fn cells_with_breaks_spans_and_merges() {
        let b = doc(
            "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>Echéancier</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2026 : a</w:t><w:br/><w:t>2027 : b</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/><w:gridSpan w:val=\"2\"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>",
        );
        let Block::Table(t) = &b[0] else { panic!() };
        assert_eq!(t.rows[0][0].vmerge, Some(true));
        assert_eq!(t.rows[0][1].paragraphs, vec!["2026 : a", "2027 : b"]);
        assert_eq!(t.rows[1][0].vmerge, Some(false));
        assert_eq!(t.rows[1][0].span, 2);
    }

    #[test]
    fn entities_other_than_predefined_are_refused() {
        let r = parse(
            &format!(
                "<!DOCTYPE x [<!ENTITY a \"b\">]><w:document {NS}><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
            ),
            &HashMap::new(),
        );
        assert!(r.is_err());
        let ok = doc("<w:p><w:r><w:t>a &amp; b &#233;</w:t></w:r></w:p>");
        assert_eq!(
            ok,
            vec![Block::Para(Paragraph {
                text: "a & b é".into(),
                ..Default::default()
            })]
        );
    }

    #[test]
    fn heading_levels_from_style_names() {
        let mut st = HashMap::new();
        st.insert("Titre2".to_string(), ("heading 2".to_string(), None));
        st.insert("MonStyle".to_string(), ("Mon style".to_string(), Some(0)));
        assert_eq!(level_of_style("Titre2", &st), Some(2));
        assert_eq!(level_of_style("MonStyle", &st), Some(1));
        assert_eq!(level_of_style("Normal", &st), None);
    }
    #[test]
    fn automatic_numbering_is_shown_before_the_text_and_bullets_are_flagged() {
        let mut num = numbering(&format!(
            "<w:numbering {NS}><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"AXE %1 –\"/></w:lvl><w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"Action %1.%2 –\"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"•\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num><w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>"
        ));
        let p = |lvl: u8, id: u8, t: &str| {
            format!(
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"
            )
        };
        let body = [
            p(0, 1, "Accueil"),
            p(1, 1, "Recruter"),
            p(1, 1, "Ouvrir"),
            p(0, 1, "Jeunesse"),
            p(1, 1, "Informer"),
            p(0, 2, "une puce"),
        ]
        .concat();
        let blocks = parse_numbered(
            &format!("<w:document {NS}><w:body>{body}</w:body></w:document>"),
            &HashMap::new(),
            &mut num,
        )
        .unwrap();
        let shown: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Para(p) => p.shown(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "AXE 1 – Accueil",
                "Action 1.1 – Recruter",
                "Action 1.2 – Ouvrir",
                "AXE 2 – Jeunesse",
                "Action 2.1 – Informer",
                "une puce"
            ]
        );
        assert!(matches!(&blocks[5], Block::Para(p) if p.bullet));
    }

    #[test]
    fn table_of_contents_entries_are_marked() {
        let b = doc(
            "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> TOC \\o \"1-3\" </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>Petite enfance 2</w:t></w:r></w:p><w:p><w:r><w:t>Jeunesse 4</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p><w:p><w:r><w:t>Texte</w:t></w:r></w:p>",
        );
        let toc: Vec<bool> = b
            .iter()
            .map(|x| matches!(x, Block::Para(p) if p.toc))
            .collect();
        assert_eq!(toc, [true, true, false]);
    }
}
