//! Cell addressing shared by the reader and the writer: `C7` ⇄ (row 6, column 2).

/// `0` → `A`, `27` → `AB`.
pub fn col_name(mut c: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// `A1`-style name of a 0-based cell.
pub fn cell_name(row: u32, col: u16) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// (row, column), 0-based, of an `A1`-style name; `None` when it is not one.
pub fn parse_cell(name: &str) -> Option<(u32, u16)> {
    let letters = name.chars().take_while(|c| c.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in name[..letters].bytes() {
        col = col * 26 + u32::from(b - b'A' + 1);
    }
    let row: u32 = name[letters..].parse().ok().filter(|r| *r >= 1)?;
    Some((row - 1, u16::try_from(col - 1).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_and_cell_names() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
        assert_eq!(cell_name(6, 2), "C7");
    }

    #[test]
    fn names_parse_back() {
        for (r, c) in [(0u32, 0u16), (6, 2), (1_048_575, 16_383), (9, 27)] {
            assert_eq!(parse_cell(&cell_name(r, c)), Some((r, c)));
        }
        assert_eq!(parse_cell("7"), None);
        assert_eq!(parse_cell("C0"), None);
    }
}
