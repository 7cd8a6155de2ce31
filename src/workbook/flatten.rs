//! Model (as JSON) ⇄ rows of a sheet, driven by the layout alone.
//!
//! `rows` walks the nested arrays named by a sheet's `levels` and emits one row per leaf
//! element, with the key columns of the upper levels repeated. `Assembler` does the
//! reverse: it finds (or creates) the parent element from the key columns and appends the
//! leaf, so the order of elements is the order of rows.

use serde_json::{Map, Value};

use super::layout::{Shape, Sheet};

/// Value at a slash-separated path (`""` is the value itself).
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('/').try_fold(v, |cur, key| match cur {
        Value::Object(m) => m.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Sets a value at a path, creating objects (and array slots) on the way.
pub fn set(v: &mut Value, path: &str, value: Value) {
    if path.is_empty() {
        *v = value;
        return;
    }
    let mut cur = v;
    let parts: Vec<&str> = path.split('/').collect();
    for (i, key) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        if let Ok(idx) = key.parse::<usize>()
            && cur.is_array()
        {
            let arr = cur.as_array_mut().expect("array");
            while arr.len() <= idx {
                arr.push(Value::Object(Map::new()));
            }
            if last {
                arr[idx] = value;
                return;
            }
            cur = &mut arr[idx];
            continue;
        }
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let m = cur.as_object_mut().expect("object");
        if last {
            m.insert(key.to_string(), value);
            return;
        }
        let next_is_index = parts[i + 1].parse::<usize>().is_ok();
        cur = m.entry(key.to_string()).or_insert_with(|| {
            if next_is_index {
                Value::Array(vec![])
            } else {
                Value::Object(Map::new())
            }
        });
        if cur.is_null() {
            *cur = if next_is_index {
                Value::Array(vec![])
            } else {
                Value::Object(Map::new())
            };
        }
    }
}

/// The rows of a sheet: one `Vec<Value>` per leaf element, one value per column. A record
/// sheet gives a single row.
pub fn rows(sheet: &Sheet, model: &Value) -> Vec<Vec<Value>> {
    match sheet.shape {
        Shape::Record => vec![
            sheet
                .columns
                .iter()
                .map(|c| get(model, c.field).cloned().unwrap_or(Value::Null))
                .collect(),
        ],
        Shape::Table { levels } => {
            let mut out = Vec::new();
            let mut chain: Vec<&Value> = Vec::new();
            walk(sheet, levels, model, 0, &mut chain, &mut out);
            out
        }
    }
}

fn walk<'a>(
    sheet: &Sheet,
    levels: &[&str],
    node: &'a Value,
    depth: usize,
    chain: &mut Vec<&'a Value>,
    out: &mut Vec<Vec<Value>>,
) {
    let Some(Value::Array(items)) = get(node, levels[depth]) else {
        return;
    };
    for item in items {
        chain.push(item);
        if depth + 1 == levels.len() {
            out.push(
                sheet
                    .columns
                    .iter()
                    .map(|c| {
                        get(chain[c.level as usize], c.field)
                            .cloned()
                            .unwrap_or(Value::Null)
                    })
                    .collect(),
            );
        } else {
            walk(sheet, levels, item, depth + 1, chain, out);
        }
        chain.pop();
    }
}

/// Rebuilds the model JSON from rows, sheet by sheet.
pub struct Assembler {
    pub root: Value,
}

/// Whether a row created a parent that its own sheet did not hold.
#[derive(Debug, PartialEq)]
pub enum Placed {
    Ok,
    /// The parent element (e.g. the fiche of an indicator) was missing and was created.
    CreatedParent,
}

impl Default for Assembler {
    fn default() -> Self {
        let mut root = Map::new();
        root.insert("convention".into(), Value::Object(Map::new()));
        root.insert("territoire".into(), Value::Object(Map::new()));
        Assembler {
            root: Value::Object(root),
        }
    }
}

impl Assembler {
    /// Adds one row. `values[i]` is the value of column `i`, or `None` to leave the field
    /// to its default (a cell that could not be read).
    /// Returns whether a parent had to be created, and the JSON pointer of the element
    /// the row became (empty for a record sheet, whose fields each have their own).
    pub fn put(&mut self, sheet: &Sheet, values: &[Option<Value>]) -> (Placed, String) {
        match sheet.shape {
            Shape::Record => {
                for (c, v) in sheet.columns.iter().zip(values) {
                    if let Some(v) = v {
                        set(&mut self.root, c.field, v.clone());
                    }
                }
                (Placed::Ok, String::new())
            }
            Shape::Table { levels } => put_table(&mut self.root, sheet, levels, values),
        }
    }
}

fn array_at<'a>(node: &'a mut Value, path: &str) -> &'a mut Vec<Value> {
    if get(node, path).is_none_or(|v| !v.is_array()) {
        set(node, path, Value::Array(vec![]));
    }
    let mut cur = node;
    for key in path.split('/') {
        cur = cur.get_mut(key).expect("just set");
    }
    cur.as_array_mut().expect("array")
}

fn element(sheet: &Sheet, level: usize, values: &[Option<Value>]) -> Value {
    let cols: Vec<(usize, &super::layout::Column)> = sheet.key_columns(level).collect();
    if let [(i, c)] = cols.as_slice()
        && c.field.is_empty()
    {
        return values[*i].clone().unwrap_or(Value::Null);
    }
    let mut v = Value::Object(Map::new());
    for (i, c) in cols {
        if let Some(x) = &values[i] {
            set(&mut v, c.field, x.clone());
        }
    }
    v
}

fn put_table(
    root: &mut Value,
    sheet: &Sheet,
    levels: &[&str],
    values: &[Option<Value>],
) -> (Placed, String) {
    let mut node = root;
    let mut placed = Placed::Ok;
    let mut pointer = String::new();
    for (depth, path) in levels.iter().enumerate() {
        let arr = array_at(node, path);
        let el = element(sheet, depth, values);
        if depth + 1 == levels.len() {
            arr.push(el);
            pointer.push_str(&format!("/{path}/{}", arr.len() - 1));
            return (placed, pointer);
        }
        let keys: Vec<(&str, Option<&Value>)> = sheet
            .key_columns(depth)
            .map(|(i, c)| (c.field, values[i].as_ref()))
            .collect();
        let pos = arr
            .iter()
            .position(|item| keys.iter().all(|(f, v)| key_eq(get(item, f), *v)));
        let pos = match pos {
            Some(p) => p,
            None => {
                arr.push(el);
                placed = Placed::CreatedParent;
                arr.len() - 1
            }
        };
        pointer.push_str(&format!("/{path}/{pos}"));
        node = &mut arr[pos];
    }
    (placed, pointer)
}

/// Keys compare equal when both are empty-ish (missing, null, "") or equal.
fn key_eq(a: Option<&Value>, b: Option<&Value>) -> bool {
    let empty = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_str() == Some(""));
    if empty(a) && empty(b) {
        return true;
    }
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::layouts::{INDICATEURS, PROJECTIONS_ANNEES};

    #[test]
    fn set_and_get_nested_paths() {
        let mut v = Value::Object(Map::new());
        set(&mut v, "territoire/communes/0/insee", "29058".into());
        set(&mut v, "a/b", 1.into());
        assert_eq!(
            get(&v, "territoire/communes/0/insee"),
            Some(&Value::from("29058"))
        );
        assert_eq!(get(&v, "a/b"), Some(&Value::from(1)));
        assert_eq!(get(&v, "a/zz"), None);
    }

    #[test]
    fn nested_rows_round_trip() {
        let model = serde_json::json!({"projections": [
            {"ao": "29058", "zone": "", "lignes": [
                {"mode": "eaje_psu", "annees": [{"annee": 2026, "valeur": 30.0}, {"annee": 2027, "valeur": 32.0}]},
                {"mode": "mam", "annees": [{"annee": 2026, "valeur": 8.0}]}]},
            {"ao": "29006", "zone": "QPV", "lignes": [{"mode": "mam", "annees": [{"annee": 2026, "valeur": 12.0}]}]}]});
        let rows = rows(&PROJECTIONS_ANNEES, &model);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3][1], Value::from("QPV"));
        let mut a = Assembler::default();
        for r in &rows {
            let vals: Vec<Option<Value>> = r.iter().cloned().map(Some).collect();
            a.put(&PROJECTIONS_ANNEES, &vals);
        }
        assert_eq!(rows.clone(), super::rows(&PROJECTIONS_ANNEES, &a.root));
    }

    #[test]
    fn child_row_without_parent_creates_it_and_says_so() {
        let mut a = Assembler::default();
        let (placed, pointer) = a.put(
            &INDICATEURS,
            &[
                Some("9.9".into()),
                Some("Nb".into()),
                None,
                None,
                Some("".into()),
            ],
        );
        assert_eq!(placed, Placed::CreatedParent);
        assert_eq!(pointer, "/fiches/0/indicateurs/0");
        assert_eq!(get(&a.root, "fiches/0/id"), Some(&Value::from("9.9")));
    }
}
