//! Search dimensions as plot axes. Every axis is drawn on a linear plotters
//! coordinate: a log-scaled real at log10 of its value, a categorical at its
//! category index, so one coordinate type serves every kind of dimension.

use std::ops::Range;

use super::error::PlotError;
use super::ticks::{format_scientific, format_tick, nice_step, ticks_in};

/// Most tick labels per linear axis in the small panels of the matrix plots.
const MAX_TICKS: usize = 4;

/// Most decade labels per log axis, which are shorter than linear labels.
const MAX_DECADE_TICKS: usize = 6;

/// A search dimension as the plots see it. Values along it are passed as
/// `f64`: reals and integers as themselves, categories as their index.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisSpec {
    /// Dimension name, used as the axis label (for example `learning_rate`).
    pub name: String,
    pub kind: AxisKind,
}

/// Kind and bounds of a dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisKind {
    /// Real interval `[low, high]`, drawn on a decade axis when `log_scale`.
    Real {
        low: f64,
        high: f64,
        log_scale: bool,
    },
    /// Integer interval `[low, high]`, both included.
    Integer { low: i64, high: i64 },
    /// Categories in index order; the axis shows their labels.
    Categorical { labels: Vec<String> },
}

impl AxisSpec {
    pub fn real(name: &str, low: f64, high: f64) -> Self {
        Self::with_kind(
            name,
            AxisKind::Real {
                low,
                high,
                log_scale: false,
            },
        )
    }

    pub fn log_real(name: &str, low: f64, high: f64) -> Self {
        Self::with_kind(
            name,
            AxisKind::Real {
                low,
                high,
                log_scale: true,
            },
        )
    }

    pub fn integer(name: &str, low: i64, high: i64) -> Self {
        Self::with_kind(name, AxisKind::Integer { low, high })
    }

    pub fn categorical(name: &str, labels: &[&str]) -> Self {
        let labels = labels.iter().map(|label| label.to_string()).collect();
        Self::with_kind(name, AxisKind::Categorical { labels })
    }

    fn with_kind(name: &str, kind: AxisKind) -> Self {
        Self {
            name: name.to_string(),
            kind,
        }
    }

    /// Checks that the axis can be drawn.
    pub(crate) fn validate(&self) -> Result<(), PlotError> {
        let invalid = |reason: String| {
            Err(PlotError::InvalidAxis {
                name: self.name.clone(),
                reason,
            })
        };
        match &self.kind {
            AxisKind::Real {
                low,
                high,
                log_scale,
            } => {
                if !(low.is_finite() && high.is_finite() && low <= high) {
                    return invalid(format!(
                        "bounds {low}..{high} must be finite with low <= high"
                    ));
                }
                if *log_scale && *low <= 0.0 {
                    return invalid(format!("log scale needs a positive lower bound, got {low}"));
                }
            }
            AxisKind::Integer { low, high } if low > high => {
                return invalid(format!("bounds {low}..{high} must have low <= high"));
            }
            AxisKind::Categorical { labels } if labels.is_empty() => {
                return invalid("a categorical axis needs at least one label".to_string());
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn is_categorical(&self) -> bool {
        matches!(self.kind, AxisKind::Categorical { .. })
    }

    /// Maps a value of the dimension to the plot coordinate.
    pub(crate) fn to_plot(&self, value: f64) -> f64 {
        match self.kind {
            AxisKind::Real {
                log_scale: true, ..
            } => value.log10(),
            _ => value,
        }
    }

    /// Plot-coordinate range: the bounds padded by 4 % (by at least half a
    /// value on integer axes, half a category on categorical axes) so that
    /// points on a bound and histogram bins stay visible.
    pub(crate) fn plot_range(&self) -> Range<f64> {
        let (low, high) = match &self.kind {
            AxisKind::Real { low, high, .. } => (self.to_plot(*low), self.to_plot(*high)),
            AxisKind::Integer { low, high } => (*low as f64, *high as f64),
            AxisKind::Categorical { labels } => return -0.5..labels.len() as f64 - 0.5,
        };
        let span = high - low;
        let pad = match self.kind {
            AxisKind::Integer { .. } => (0.04 * span).max(0.5),
            _ if span > 0.0 => 0.04 * span,
            _ => 0.5,
        };
        (low - pad)..(high + pad)
    }

    /// Tick positions in plot coordinates.
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let range = self.plot_range();
        match &self.kind {
            AxisKind::Categorical { labels } => (0..labels.len()).map(|i| i as f64).collect(),
            AxisKind::Real {
                log_scale: true, ..
            } => {
                // Whole decades when the range covers at least two of them.
                let decades = ticks_in(range.start, range.end, 1.0);
                if decades.len() >= 2 {
                    let step = (decades.len() as f64 / MAX_DECADE_TICKS as f64).ceil();
                    ticks_in(range.start, range.end, step)
                } else {
                    ticks_in(
                        range.start,
                        range.end,
                        nice_step(range.end - range.start, MAX_TICKS),
                    )
                }
            }
            AxisKind::Integer { low, high } => {
                // Every value gets a tick when there are few of them.
                let step = if high - low < 6 {
                    1.0
                } else {
                    nice_step(range.end - range.start, MAX_TICKS).max(1.0)
                };
                ticks_in(range.start, range.end, step)
            }
            AxisKind::Real { .. } => ticks_in(
                range.start,
                range.end,
                nice_step(range.end - range.start, MAX_TICKS),
            ),
        }
    }

    /// Label of the tick at plot coordinate `position`.
    pub(crate) fn tick_label(&self, position: f64) -> String {
        match &self.kind {
            AxisKind::Categorical { labels } => {
                let index = position.round();
                if index >= 0.0 && (index as usize) < labels.len() {
                    labels[index as usize].clone()
                } else {
                    String::new()
                }
            }
            AxisKind::Real {
                log_scale: true, ..
            } => format_scientific(10f64.powf(position)),
            AxisKind::Integer { .. } => format!("{}", position.round() as i64),
            AxisKind::Real { .. } => {
                let range = self.plot_range();
                format_tick(position, nice_step(range.end - range.start, MAX_TICKS))
            }
        }
    }

    /// Returns `count` equal bins over the plot range for histograms, or one
    /// bin per category. Each bin is its plot-coordinate interval.
    pub(crate) fn histogram_bins(&self, count: usize) -> Vec<Range<f64>> {
        if let AxisKind::Categorical { labels } = &self.kind {
            return (0..labels.len())
                .map(|i| (i as f64 - 0.4)..(i as f64 + 0.4))
                .collect();
        }
        let (low, high) = match &self.kind {
            AxisKind::Real { low, high, .. } => (self.to_plot(*low), self.to_plot(*high)),
            AxisKind::Integer { low, high } => (*low as f64 - 0.5, *high as f64 + 0.5),
            AxisKind::Categorical { .. } => unreachable!("handled above"),
        };
        // Integer axes never get more bins than values.
        let count = match &self.kind {
            AxisKind::Integer { low, high } => count.min((high - low + 1) as usize),
            _ => count,
        }
        .max(1);
        let width = if high > low {
            (high - low) / count as f64
        } else {
            1.0
        };
        let start = if high > low { low } else { low - 0.5 };
        (0..count)
            .map(|i| (start + i as f64 * width)..(start + (i + 1) as f64 * width))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_has_decade_ticks() {
        let axis = AxisSpec::log_real("learning_rate", 1e-6, 1e-2);

        let ticks = axis.ticks();
        let labels: Vec<String> = ticks.iter().map(|&t| axis.tick_label(t)).collect();

        assert_eq!(labels, ["1e-6", "1e-5", "1e-4", "1e-3", "1e-2"]);
        assert!((axis.to_plot(1e-3) - -3.0).abs() < 1e-12);
    }

    #[test]
    fn categorical_axis_labels_each_index() {
        let axis = AxisSpec::categorical("activation", &["relu", "sigmoid"]);

        assert_eq!(axis.ticks(), [0.0, 1.0]);
        assert_eq!(axis.tick_label(0.0), "relu");
        assert_eq!(axis.tick_label(1.0), "sigmoid");
        assert_eq!(axis.tick_label(2.0), "");
        assert_eq!(axis.plot_range(), -0.5..1.5);
    }

    #[test]
    fn integer_axis_ticks_are_integers() {
        let axis = AxisSpec::integer("num_dense_layers", 1, 5);

        let ticks = axis.ticks();

        assert_eq!(ticks, [1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(axis.tick_label(3.0), "3");
    }

    #[test]
    fn fixed_dimension_gets_a_range() {
        let axis = AxisSpec::integer("num_dense_layers", 2, 2);

        assert_eq!(axis.plot_range(), 1.5..2.5);
        assert_eq!(axis.ticks(), [2.0]);
    }

    #[test]
    fn invalid_axes_are_rejected() {
        assert!(AxisSpec::log_real("lr", 0.0, 1.0).validate().is_err());
        assert!(AxisSpec::real("x", 2.0, 1.0).validate().is_err());
        assert!(AxisSpec::real("x", f64::NAN, 1.0).validate().is_err());
        assert!(AxisSpec::integer("n", 5, 1).validate().is_err());
        assert!(AxisSpec::categorical("a", &[]).validate().is_err());
        assert!(AxisSpec::log_real("lr", 1e-6, 1e-2).validate().is_ok());
    }

    #[test]
    fn histogram_bins_cover_the_bounds() {
        let log_axis = AxisSpec::log_real("lr", 1e-6, 1e-2);
        let bins = log_axis.histogram_bins(8);
        assert_eq!(bins.len(), 8);
        assert!((bins[0].start - -6.0).abs() < 1e-12);
        assert!((bins[7].end - -2.0).abs() < 1e-12);

        let layers = AxisSpec::integer("layers", 1, 5);
        let bins = layers.histogram_bins(10);
        assert_eq!(bins.len(), 5);
        assert_eq!(bins[0], 0.5..1.5);

        let activation = AxisSpec::categorical("activation", &["relu", "sigmoid"]);
        assert_eq!(activation.histogram_bins(10).len(), 2);
    }
}
