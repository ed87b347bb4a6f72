//! Folder names for per-trial TensorBoard logs, in the lab's pattern
//! `lr_1.4e-03_layers_2_nodes_165_relu`.

/// Value of one hyper-parameter of a trial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HyperValue<'a> {
    Real(f64),
    Integer(i64),
    Category(&'a str),
}

/// Builds a file-system-safe folder name from a trial's hyper-parameters,
/// given as `(name, value)` pairs in search-space order.
///
/// Known names are shortened as in the lab (`learning_rate` to `lr`,
/// `num_dense_layers` to `layers`, `num_dense_nodes` to `nodes`,
/// `batch_size` to `batch`), reals are written with two significant digits
/// (`1.4e-03`), and categorical values appear without their name, so the
/// activation reads `relu`. Characters other than ASCII letters, digits and
/// `.`, `+`, `-` become `_`.
///
/// NOTE: two trials whose learning rates agree to two significant digits get
/// the same name. Their event files then share one folder, which TensorBoard
/// shows as one run, so callers that need distinct runs should prefix a
/// trial index.
pub fn run_dir_name(params: &[(&str, HyperValue<'_>)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .map(|&(name, value)| match value {
            HyperValue::Real(x) => format!("{}_{}", short_name(name), format_scientific(x)),
            HyperValue::Integer(n) => format!("{}_{n}", short_name(name)),
            HyperValue::Category(label) => label.to_string(),
        })
        .collect();

    let safe: String = parts
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();

    // A leading dot would hide the folder, and an empty name is no folder.
    match safe.trim_start_matches('.') {
        "" => "run".to_string(),
        trimmed => trimmed.to_string(),
    }
}

fn short_name(name: &str) -> &str {
    match name {
        "learning_rate" => "lr",
        "num_dense_layers" => "layers",
        "num_dense_nodes" => "nodes",
        "batch_size" => "batch",
        other => other,
    }
}

/// Formats `x` like C's `%.1e` (`1.4e-03`), which Rust's `{:.1e}` (`1.4e-3`)
/// does not.
fn format_scientific(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let rust = format!("{x:.1e}");
    let (mantissa, exponent) = rust
        .split_once('e')
        .expect("`{:e}` output contains an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_trial_name() {
        let name = run_dir_name(&[
            ("learning_rate", HyperValue::Real(0.00142)),
            ("num_dense_layers", HyperValue::Integer(2)),
            ("num_dense_nodes", HyperValue::Integer(165)),
            ("activation", HyperValue::Category("relu")),
        ]);

        assert_eq!(name, "lr_1.4e-03_layers_2_nodes_165_relu");
    }

    #[test]
    fn scientific_format_matches_c_printf() {
        assert_eq!(format_scientific(1e-5), "1.0e-05");
        assert_eq!(format_scientific(0.0099), "9.9e-03");
        assert_eq!(format_scientific(0.00996), "1.0e-02");
        assert_eq!(format_scientific(1.0), "1.0e+00");
        assert_eq!(format_scientific(256.0), "2.6e+02");
        assert_eq!(format_scientific(1.5e-100), "1.5e-100");
    }

    #[test]
    fn unknown_names_and_batch_size() {
        let name = run_dir_name(&[
            ("batch_size", HyperValue::Integer(64)),
            ("dropout", HyperValue::Real(0.25)),
        ]);

        assert_eq!(name, "batch_64_dropout_2.5e-01");
    }

    #[test]
    fn unsafe_characters_are_replaced() {
        let name = run_dir_name(&[
            ("opt/im izer", HyperValue::Integer(1)),
            ("activation", HyperValue::Category("../x:y*")),
        ]);

        assert_eq!(name, "opt_im_izer_1_.._x_y_");
        assert!(!name.contains('/'));
    }

    #[test]
    fn name_never_empty_or_hidden() {
        assert_eq!(run_dir_name(&[]), "run");
        assert_eq!(run_dir_name(&[("a", HyperValue::Category(".."))]), "run");
        assert_eq!(
            run_dir_name(&[("a", HyperValue::Category(".hidden"))]),
            "hidden"
        );
    }
}
