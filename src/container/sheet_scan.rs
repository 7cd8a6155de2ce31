//! The audit of an .xlsx worksheet part (`xl/worksheets/sheetN.xml`), by a scanner made for
//! it: the sheets are most of a return's XML and the reader parses them again, so the audit
//! only tokenises them (markup found with `memchr`, UTF-8 checked once for the whole part)
//! instead of building an event for each of their thousands of elements.
//!
//! It sees the elements a reader sees — comments, CDATA sections and processing
//! instructions are skipped to their end as XML says, a `>` inside a quoted attribute value
//! does not end a tag — and checks what the event-based audit checks: no DOCTYPE, a bounded
//! depth, every cell reference inside Excel's grid and the used range within the cell budget,
//! a valid `<dimension>`, and shared-string indexes that exist. It is stricter where readers
//! disagree: the value of a shared-string cell must be plain digits (no character reference,
//! no CDATA, no comment inside), since calamine reads anything else as string 0.

use super::audit::{CELL_BUDGET, MAX_DEPTH, cell_ref, digits, dimension, doctype, too_deep};
use super::xml_local as local;
use super::{Refusal, refuse};
use crate::codes::Code;

fn malformed(part: &str, at: usize) -> Refusal {
    super::audit::malformed(part, at as u64)
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| from + i)
}

/// The `>` that ends the tag opened at `lt`, outside quoted attribute values.
fn tag_end(b: &[u8], lt: usize) -> Option<usize> {
    let mut i = lt + 1;
    loop {
        let j = i + memchr::memchr3(b'>', b'"', b'\'', b.get(i..)?)?;
        match b[j] {
            b'>' => return Some(j),
            q => i = j + 1 + memchr::memchr(q, b.get(j + 1..)?)? + 1,
        }
    }
}

/// The attributes of a tag's inside (after its name): `name="value"` or `name='value'`,
/// with spaces allowed around `=`; an `Err` item when the syntax is broken.
struct Attributes<'a>(&'a [u8]);

impl<'a> Iterator for Attributes<'a> {
    type Item = Result<(&'a [u8], &'a [u8]), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.0.trim_ascii_start();
        if s.is_empty() {
            return None;
        }
        self.0 = &[];
        let parse = || {
            let name_len = s
                .iter()
                .position(|b| *b == b'=' || b.is_ascii_whitespace())?;
            let (name, rest) = s.split_at(name_len);
            let rest = rest
                .trim_ascii_start()
                .strip_prefix(b"=")?
                .trim_ascii_start();
            let quote = *rest.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let len = memchr::memchr(quote, &rest[1..])?;
            Some((name, &rest[1..1 + len], &rest[len + 2..]))
        };
        Some(match parse() {
            Some((name, value, after)) => {
                self.0 = after;
                Ok((name, value))
            }
            None => Err(()),
        })
    }
}

/// A piece of markup met by [`Tags`], in document order.
enum Tag<'a> {
    /// `<name attrs>`, or `<name attrs/>` when `empty`; `lt` and `gt` are where its `<`
    /// and `>` are.
    Open {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
        lt: usize,
        gt: usize,
    },
    /// `</name>`, its `<` at `lt`.
    Close { name: &'a [u8], lt: usize },
    /// A comment or a CDATA section, skipped to its end.
    Skipped,
}

/// The markup of an XML part, tag by tag, found with `memchr`: comments and CDATA sections
/// are skipped to their end as XML says, processing instructions too, a `>` inside a quoted
/// attribute value does not end a tag. A DOCTYPE, a depth beyond [`MAX_DEPTH`], a closing
/// tag with nothing open and broken markup end the walk with their refusal.
struct Tags<'a> {
    part: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Tags<'a> {
    /// The tags of `b`, once its UTF-8 is checked.
    fn new(part: &'a str, b: &'a [u8]) -> Result<Self, Refusal> {
        if let Err(e) = std::str::from_utf8(b) {
            return Err(malformed(part, e.valid_up_to()));
        }
        Ok(Tags {
            part,
            b,
            i: 0,
            depth: 0,
        })
    }

    fn next_tag(&mut self) -> Result<Option<Tag<'a>>, Refusal> {
        let (b, part) = (self.b, self.part);
        loop {
            let Some(off) = memchr::memchr(b'<', &b[self.i..]) else {
                return Ok(None);
            };
            let lt = self.i + off;
            let rest = &b[lt..];
            let skipped = [
                (b"<!--".as_slice(), b"-->".as_slice()),
                (b"<![CDATA[", b"]]>"),
            ]
            .into_iter()
            .find(|(open, _)| rest.starts_with(open));
            if let Some((open, close)) = skipped {
                self.i = find(b, lt + open.len(), close).ok_or_else(|| malformed(part, lt))?
                    + close.len();
                return Ok(Some(Tag::Skipped));
            }
            if rest.starts_with(b"<!") {
                return Err(doctype(part));
            }
            if rest.starts_with(b"<?") {
                self.i = find(b, lt + 2, b"?>").ok_or_else(|| malformed(part, lt))? + 2;
                continue;
            }
            let gt = tag_end(b, lt).ok_or_else(|| malformed(part, lt))?;
            self.i = gt + 1;
            if rest.get(1) == Some(&b'/') {
                let name = b[lt + 2..gt].trim_ascii();
                if name.is_empty() || self.depth == 0 {
                    return Err(malformed(part, lt));
                }
                self.depth -= 1;
                return Ok(Some(Tag::Close { name, lt }));
            }
            let inside = &b[lt + 1..gt];
            let empty = inside.ends_with(b"/");
            let inside = if empty {
                &inside[..inside.len() - 1]
            } else {
                inside
            };
            let name_len = inside
                .iter()
                .position(|c| c.is_ascii_whitespace())
                .unwrap_or(inside.len());
            let (name, attrs) = inside.split_at(name_len);
            if name.is_empty() {
                return Err(malformed(part, lt));
            }
            if !empty {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(too_deep(part));
                }
            }
            return Ok(Some(Tag::Open {
                name,
                attrs,
                empty,
                lt,
                gt,
            }));
        }
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Result<Tag<'a>, Refusal>;

    fn next(&mut self) -> Option<Self::Item> {
        let t = self.next_tag();
        if t.is_err() {
            // Nothing after a refusal.
            self.i = self.b.len();
        }
        t.transpose()
    }
}

/// Audits one worksheet part; `shared` is the number of shared strings. With `styled`, the
/// cells holding a number with a cell style are noted there (0-based row and column, style
/// index): the reader finds percentages among them without parsing the sheet again.
pub fn sheet(
    part: &str,
    b: &[u8],
    shared: Option<u64>,
    mut styled: Option<&mut super::package::StyledNumbers>,
) -> Result<(), Refusal> {
    let (mut max_row, mut max_col, mut min_row, mut min_col) = (0u64, 0u64, u64::MAX, u64::MAX);
    // Inside `<v>` of a cell of type "s": where its text starts, and whether anything but
    // text came inside it.
    let mut shared_cell = false;
    let mut value: Option<(usize, bool)> = None;
    for tag in Tags::new(part, b)? {
        let (name, attrs, empty, lt, gt) = match tag? {
            // Comments and CDATA sections inside a value make it more than plain text.
            Tag::Skipped => {
                if let Some((_, mixed)) = &mut value {
                    *mixed = true;
                }
                continue;
            }
            Tag::Close { name, lt } => {
                if local(name) == b"v"
                    && let Some((start, mixed)) = value.take()
                    && shared_cell
                {
                    let raw = &b[start..lt];
                    let index = (!mixed).then(|| digits(raw.trim_ascii())).flatten();
                    if index.is_none_or(|i| shared.is_some_and(|n| i >= n)) {
                        return Err(refuse(
                            Code::E133,
                            format!(
                                "« {part} » renvoie au texte partagé n° {}, qui n'existe pas ({} textes) : fichier abîmé ou falsifié",
                                String::from_utf8_lossy(raw).trim(),
                                shared.unwrap_or(0)
                            ),
                        ));
                    }
                }
                continue;
            }
            Tag::Open {
                name,
                attrs,
                empty,
                lt,
                gt,
            } => (name, attrs, empty, lt, gt),
        };
        if let Some((_, mixed)) = &mut value {
            *mixed = true;
        }
        match local(name) {
            b"c" => {
                shared_cell = false;
                let (mut at, mut style, mut numeric) = (None, None, true);
                for a in Attributes(attrs) {
                    let (k, v) = a.map_err(|_| malformed(part, lt))?;
                    match local(k) {
                        b"r" => {
                            let (row, col) = cell_ref(part, v)?;
                            max_row = max_row.max(row);
                            max_col = max_col.max(col);
                            min_row = min_row.min(row);
                            min_col = min_col.min(col);
                            at = Some((row, col));
                        }
                        b"t" => {
                            shared_cell = !empty && v == b"s";
                            numeric = v == b"n";
                        }
                        b"s" => style = digits(v),
                        _ => {}
                    }
                }
                if let (Some(out), Some((row, col)), Some(s), true) =
                    (styled.as_deref_mut(), at, style, numeric)
                {
                    // Inside the grid (checked above): row ≤ 1 048 576, column ≤ 16 384.
                    out.push((
                        (row - 1) as u32,
                        (col - 1) as u32,
                        s.min(u64::from(u32::MAX)) as u32,
                    ));
                }
            }
            b"dimension" => {
                for a in Attributes(attrs) {
                    let (k, v) = a.map_err(|_| malformed(part, lt))?;
                    if local(k) == b"ref" {
                        dimension(part, &String::from_utf8_lossy(v))?;
                    }
                }
            }
            b"v" if !empty => value = Some((gt + 1, false)),
            _ => {}
        }
    }
    if max_row > 0 {
        extent_fits(part, (min_row, min_col), (max_row, max_col))?;
    }
    Ok(())
}

/// Audits the shared strings part of an .xlsx and counts its strings (each `<si>` that is
/// opened, as readers count them), with the same scanner as the sheets: the part is the
/// largest after them, and an event for each of its elements cost as much again. A count
/// declared above the real one (`uniqueCount`) is refused: readers reserve room for it.
pub fn shared_strings(part: &str, b: &[u8]) -> Result<u64, Refusal> {
    let mut strings = 0u64;
    let mut declared_unique: Option<String> = None;
    for tag in Tags::new(part, b)? {
        let Tag::Open {
            name,
            attrs,
            empty,
            lt,
            ..
        } = tag?
        else {
            continue;
        };
        match local(name) {
            b"si" if !empty => strings += 1,
            // Readers take the count from an opening `<sst>` only.
            b"sst" if !empty => {
                for a in Attributes(attrs) {
                    let (k, v) = a.map_err(|_| malformed(part, lt))?;
                    if local(k) == b"uniqueCount" {
                        declared_unique = Some(String::from_utf8_lossy(v).into_owned());
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(d) = declared_unique {
        super::audit::declared_count_fits(part, &d, strings)?;
    }
    Ok(strings)
}

/// The cells of a sheet, from `first` to `last` (1-based row and column): readers build a
/// dense grid over them, which must stay within a form's budget of cells.
pub(super) fn extent_fits(part: &str, first: (u64, u64), last: (u64, u64)) -> Result<(), Refusal> {
    let cells = (last.0 - first.0 + 1).saturating_mul(last.1 - first.1 + 1);
    if cells > CELL_BUDGET {
        return Err(refuse(
            Code::E132,
            format!(
                "« {part} » : cellules remplies de {} à {}, soit {} cellules, au-delà des {} qu'un formulaire peut compter",
                crate::workbook::addr::cell_name((first.0 - 1) as u32, (first.1 - 1) as u16),
                crate::workbook::addr::cell_name((last.0 - 1) as u32, (last.1 - 1) as u16),
                crate::fr::int(cells),
                crate::fr::int(CELL_BUDGET)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str, shared: Option<u64>) -> Result<(), Code> {
        sheet("xl/worksheets/sheet1.xml", xml.as_bytes(), shared, None).map_err(|r| r.code)
    }

    fn wrap(cells: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetData>{cells}</sheetData></worksheet>"#
        )
    }

    #[test]
    fn an_ordinary_sheet_passes() {
        let xml = wrap(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"/><c r="C1"><v>3.5</v></c></row><row r="2"><c r="A2"><f>A1*2</f><v>7</v></c></row>"#,
        );
        assert_eq!(scan(&xml, Some(1)), Ok(()));
    }

    #[test]
    fn numeric_styled_cells_are_noted_with_their_style() {
        let xml = wrap(
            r#"<row r="1"><c r="A1" s="3"><v>0.5</v></c><c r="B1" t="s" s="3"><v>0</v></c><c r="C1" t="n" s='7'><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c><c r="B2" s="x"><v>2</v></c><c r="AA2" s="12"/></row>"#,
        );
        let mut cells = Vec::new();
        sheet("s.xml", xml.as_bytes(), Some(1), Some(&mut cells)).unwrap();
        assert_eq!(cells, vec![(0, 0, 3), (0, 2, 7), (1, 26, 12)]);
    }

    #[test]
    fn cells_outside_the_grid_or_the_budget_are_refused() {
        assert_eq!(
            scan(&wrap(r#"<row r="1"><c r="XFE1"/></row>"#), None),
            Err(Code::E132)
        );
        assert_eq!(
            scan(
                &wrap(r#"<row r="1"><c r="A1048577"><v>1</v></c></row>"#),
                None
            ),
            Err(Code::E132)
        );
        assert_eq!(
            scan(
                &wrap(r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>"#),
                None
            ),
            Err(Code::E132)
        );
        // Quoted with apostrophes, spaces around `=`, a namespace prefix: still a cell.
        assert_eq!(
            scan(&wrap(r#"<x:row><x:c  r = 'XFE1' /></x:row>"#), None),
            Err(Code::E132)
        );
        // Inside a comment or a CDATA section, not a cell.
        assert_eq!(scan(&wrap(r#"<!-- <c r="XFE1"/> -->"#), None), Ok(()));
        assert_eq!(
            scan(
                &wrap(r#"<row><c r="A1" t="str"><v><![CDATA[<c r="XFE1"/>]]></v></c></row>"#),
                None
            ),
            Ok(())
        );
        // A `>` inside an attribute value does not end the tag.
        assert_eq!(
            scan(&wrap(r#"<row spans="a>b"><c r="XFE1"/></row>"#), None),
            Err(Code::E132)
        );
    }

    #[test]
    fn shared_string_indexes_must_exist_and_be_plain_digits() {
        let cell = |v: &str| {
            wrap(&format!(
                r#"<row r="1"><c r="A1" t="s"><v>{v}</v></c></row>"#
            ))
        };
        assert_eq!(scan(&cell("2"), Some(3)), Ok(()));
        assert_eq!(scan(&cell(" 2 "), Some(3)), Ok(()));
        assert_eq!(scan(&cell("3"), Some(3)), Err(Code::E133));
        assert_eq!(scan(&cell("-1"), Some(3)), Err(Code::E133));
        // Readers turn these into string 0 without a word.
        assert_eq!(scan(&cell("&#45;1"), Some(3)), Err(Code::E133));
        assert_eq!(scan(&cell("<![CDATA[1]]>"), Some(3)), Err(Code::E133));
        assert_eq!(scan(&cell("1<!-- -->"), Some(3)), Err(Code::E133));
        // Not a shared-string cell: any value.
        assert_eq!(
            scan(
                &wrap(r#"<row r="1"><c r="A1" t="str"><v>-1</v></c></row>"#),
                Some(3)
            ),
            Ok(())
        );
    }

    #[test]
    fn doctype_depth_dimension_and_broken_markup_are_refused() {
        assert_eq!(
            scan(
                r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>"#,
                None
            ),
            Err(Code::E131)
        );
        let deep = format!(
            "<worksheet>{}{}</worksheet>",
            "<a>".repeat(600),
            "</a>".repeat(600)
        );
        assert_eq!(scan(&deep, None), Err(Code::E132));
        assert_eq!(
            scan(r#"<worksheet><dimension ref="B2:A1"/></worksheet>"#, None),
            Err(Code::E132)
        );
        for broken in [
            r#"<worksheet><c r="A1"</worksheet>"#,
            r#"<worksheet><c r="A1 /></worksheet>"#,
            r#"<worksheet><!-- open </worksheet>"#,
            r#"<worksheet><c r/></worksheet>"#,
            r#"<worksheet><c r=A1/></worksheet>"#,
            r#"<worksheet></worksheet></x>"#,
        ] {
            assert_eq!(scan(broken, None), Err(Code::E100), "{broken}");
        }
        assert_eq!(
            sheet("s.xml", b"<worksheet>\xff</worksheet>", None, None).map_err(|r| r.code),
            Err(Code::E100)
        );
    }

    fn strings(xml: &str) -> Result<u64, Code> {
        shared_strings("xl/sharedStrings.xml", xml.as_bytes()).map_err(|r| r.code)
    }

    #[test]
    fn shared_strings_are_counted_as_readers_count_them() {
        let sst = |attrs: &str, inner: &str| {
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" {attrs}>{inner}</sst>"#
            )
        };
        let three = r#"<si><t>a</t></si><si><r><rPr><b/></rPr><t xml:space="preserve"> b</t></r></si><x:si><x:t>c</x:t></x:si>"#;
        assert_eq!(strings(&sst(r#"count="3" uniqueCount="3""#, three)), Ok(3));
        assert_eq!(strings(&sst("", three)), Ok(3));
        // Fewer declared than found: nothing reserved in vain.
        assert_eq!(strings(&sst(r#"uniqueCount = '2'"#, three)), Ok(3));
        // An empty `<si/>`, a `<si>` inside a comment or a CDATA section: no string read.
        assert_eq!(
            strings(&sst(
                "",
                r#"<si/><!-- <si><t>x</t></si> --><si><t><![CDATA[<si>]]></t></si>"#
            )),
            Ok(1)
        );
        // A count above the real one, or no number at all: refused before any reader.
        for lie in ["4", "4294967295", "-1", "", "3 textes"] {
            assert_eq!(
                strings(&sst(&format!(r#"uniqueCount="{lie}""#), three)),
                Err(Code::E133),
                "{lie}"
            );
        }
    }

    #[test]
    fn shared_strings_refuse_what_the_sheets_refuse() {
        assert_eq!(
            strings(r#"<!DOCTYPE sst [<!ENTITY a "b">]><sst><si><t>&a;</t></si></sst>"#),
            Err(Code::E131)
        );
        let deep = format!(
            "<sst><si>{}{}</si></sst>",
            "<r>".repeat(600),
            "</r>".repeat(600)
        );
        assert_eq!(strings(&deep), Err(Code::E132));
        for broken in [
            r#"<sst><si><t>a</t></si></sst></sst>"#,
            r#"<sst uniqueCount=3><si/></sst>"#,
            r#"<sst><si><t>a</t></si"#,
            r#"<sst><!-- open </sst>"#,
        ] {
            assert_eq!(strings(broken), Err(Code::E100), "{broken}");
        }
        assert_eq!(
            shared_strings("s.xml", b"<sst><si><t>\xc3</t></si></sst>").map_err(|r| r.code),
            Err(Code::E100)
        );
    }
}
