//! Workbooks: the declarative layout (`layout`, `layouts`), the model ⇄ rows mapping
//! (`flatten`), cell parsing (`cells`), cell addressing (`addr`), the form identity (`meta`),
//! calamine → sheets (`grid`), the writer (`write`) and the one reader (`read`, grid → layout).

pub mod addr;
pub mod cells;
pub mod flatten;
pub mod grid;
pub mod layout;
pub mod layouts;
pub mod meta;
pub mod percent;
pub mod read;
pub mod write;

use crate::error::{Error, Result};
use crate::model::Ctg;

/// The full CTG workbook (`ctg exporter`).
pub fn export(ctg: &Ctg) -> Result<Vec<u8>> {
    let model = serde_json::to_value(ctg).map_err(|e| Error::Invalid(e.to_string()))?;
    let data = write::cells_from_model(&layouts::CTG_COMPLET, &model);
    let meta = write::Meta {
        ctg_id: ctg.convention.id.clone(),
        nom: ctg.convention.titre.clone(),
        ..Default::default()
    };
    write::write(
        &layouts::CTG_COMPLET,
        &data,
        &write::Options {
            meta: Some(&meta),
            protect: false,
            annotations: &[],
        },
    )
}
