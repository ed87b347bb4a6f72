//! verify.json: the float (tract vs burn) and int8 (tract vs float) checks of
//! a run, each written by its own command without losing the other.

use std::path::Path;

use anyhow::Context;
use serde::Serialize;

/// File name of the verification results in a run or model folder.
pub const VERIFY_JSON: &str = "verify.json";

/// Stores `value` under `key` in `folder/verify.json`, keeping other keys.
pub fn update_verify_json<T: Serialize>(folder: &Path, key: &str, value: &T) -> anyhow::Result<()> {
    let path = folder.join(VERIFY_JSON);
    let mut root = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text).unwrap_or_else(|error| {
            log::warn!("{} is not a JSON object ({error}); rewriting it", path.display());
            serde_json::Map::new()
        }),
        Err(_) => serde_json::Map::new(),
    };
    root.insert(key.to_string(), serde_json::to_value(value).context("cannot serialize the verification report")?);
    let text = serde_json::to_string_pretty(&root).expect("JSON values serialize");
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
