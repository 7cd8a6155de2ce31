//! The JSON Schema of the model (`ctg schema`), generated from the types by schemars.

use crate::model::Ctg;

pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Ctg)).expect("schema serialises")
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_property_has_a_french_title() {
        let schema = super::json_schema();
        let mut missing = Vec::new();
        fn walk(v: &serde_json::Value, path: String, missing: &mut Vec<String>) {
            if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
                for (k, p) in props {
                    if p.get("title").is_none() {
                        missing.push(format!("{path}/{k}"));
                    }
                }
            }
            if let Some(obj) = v.as_object() {
                for (k, child) in obj {
                    walk(child, format!("{path}/{k}"), missing);
                }
            }
        }
        walk(&schema, String::new(), &mut missing);
        assert!(missing.is_empty(), "{missing:?}");
    }
}
