use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// Linear `f64` coordinate with caller-chosen tick positions. In plotters
/// 0.3.7, `(a..b).with_key_points(ticks)` on `f64` implements no
/// `ValueFormatter`, so a chart built on it has no `configure_mesh`.
pub(crate) struct TickedRange {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl TickedRange {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        Self { range, ticks }
    }
}

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let fraction = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        let pixel = f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0);
        pixel.round().clamp(i32::MIN as f64, i32::MAX as f64) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold points: the light mesh between ticks stays empty.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_linearly_onto_pixels() {
        let range = TickedRange::new(-0.5..1.5, vec![0.0, 1.0]);

        assert_eq!(range.map(&-0.5, (10, 210)), 10);
        assert_eq!(range.map(&0.5, (10, 210)), 110);
        assert_eq!(range.map(&1.5, (10, 210)), 210);
        // Vertical axes run from bottom to top pixel.
        assert_eq!(range.map(&0.0, (300, 100)), 250);
    }
}
