//! Tick positions and labels for linear and decade axes.

/// Returns the "nice" step (1, 2 or 5 times a power of ten) that splits
/// `span` into at most about `max_ticks` intervals.
pub(crate) fn nice_step(span: f64, max_ticks: usize) -> f64 {
    if span.is_nan() || span <= 0.0 || span.is_infinite() {
        return 1.0;
    }
    let raw = span / max_ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let normalized = raw / magnitude;
    let factor = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    factor * magnitude
}

/// Returns the multiples of `step` within `[low, high]`.
pub(crate) fn ticks_in(low: f64, high: f64, step: f64) -> Vec<f64> {
    let first = (low / step - 1e-9).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Formats a tick value with as many decimals as `step` needs, switching to
/// scientific notation for very small or very large magnitudes.
pub(crate) fn format_tick(value: f64, step: f64) -> String {
    if value == 0.0 || value.abs() < step * 1e-6 {
        return "0".to_string();
    }
    let magnitude = value.abs();
    if !(1e-3..1e5).contains(&magnitude) {
        return format_scientific(value);
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// Formats `value` compactly in scientific notation: `1e-4`, `2.5e-3`.
pub(crate) fn format_scientific(value: f64) -> String {
    let text = format!("{value:.1e}");
    text.replace(".0e", "e")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_step_rounds_up_to_1_2_5() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(507.0, 5), 200.0);
        assert_eq!(nice_step(4.0, 5), 1.0);
        assert_eq!(nice_step(0.3, 4), 0.1);
        assert_eq!(nice_step(0.0, 5), 1.0);
    }

    #[test]
    fn ticks_are_multiples_inside_range() {
        assert_eq!(ticks_in(5.0, 512.0, 200.0), [200.0, 400.0]);
        assert_eq!(ticks_in(-0.5, 4.5, 1.0), [0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks_in(1.0, 5.0, 1.0), [1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn tick_labels() {
        assert_eq!(format_tick(0.2, 0.1), "0.2");
        assert_eq!(format_tick(400.0, 200.0), "400");
        assert_eq!(format_tick(0.975, 0.005), "0.975");
        assert_eq!(format_tick(1e-4, 1e-4), "1e-4");
        assert_eq!(format_tick(2.5e-4, 1e-4), "2.5e-4");
        assert_eq!(format_tick(-0.96, 0.01), "-0.96");
        assert_eq!(format_tick(1e-17, 0.1), "0");
    }
}
