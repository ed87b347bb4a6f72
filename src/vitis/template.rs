//! Script and README templates with `{{KEY}}` placeholders.

pub const COMPILE_SH: &str = include_str!("templates/compile.sh");
pub const QUANTIZE_COMPILE_PY: &str = include_str!("templates/quantize_compile.py");
pub const APP_MNIST_PY: &str = include_str!("templates/app_mnist.py");
pub const README_MD: &str = include_str!("templates/README.md");
pub const README_KO_MD: &str = include_str!("templates/README.ko.md");
pub const BOARD_README_MD: &str = include_str!("templates/board_README.md");

/// Replaces every `{{KEY}}` in `template` by its value.
///
/// # Panics
/// When a placeholder has no value, which is a bug in the caller's key list.
pub fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut text = template.to_string();
    for (key, value) in values {
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    if let Some(start) = text.find("{{") {
        let end = text[start..].find("}}").map_or(text.len(), |offset| start + offset + 2);
        panic!("template placeholder {} has no value", &text[start..end]);
    }
    text
}
