//! Convergence plot, as scikit-optimize's `plot_convergence`: the best
//! (lowest) fitness found after n calls.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::PlotError;
use super::font::FONT_FAMILY;
use super::partial_dependence::min_max;
use super::render::{DrawError, Figure, PlotFiles, render};

/// Colours of successive series.
const PALETTE: [RGBColor; 5] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
];

/// One or more searches to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvergencePlot {
    pub title: String,
    pub series: Vec<ConvergenceSeries>,
}

/// Fitness of each call of one search, in call order. NaN marks a call
/// without a result and does not change the running minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvergenceSeries {
    /// Legend entry; the legend is drawn only when some series has a label.
    pub label: String,
    pub fitness: Vec<f64>,
}

/// Writes the convergence plot to `<stem>.svg` and `<stem>.png`.
pub fn plot_convergence(plot: &ConvergencePlot, stem: &Path) -> Result<PlotFiles, PlotError> {
    if plot
        .series
        .iter()
        .all(|s| s.fitness.iter().all(|f| !f.is_finite()))
    {
        return Err(PlotError::NoData {
            plot: "convergence",
            item: "finite fitness value",
        });
    }
    render(plot, stem)
}

/// Running minimum: `(call number from 1, best fitness so far)` for each
/// call from the first finite fitness on.
pub(crate) fn running_min(fitness: &[f64]) -> Vec<(usize, f64)> {
    let mut best = f64::INFINITY;
    let mut points = Vec::with_capacity(fitness.len());
    for (i, &f) in fitness.iter().enumerate() {
        if f.is_finite() && f < best {
            best = f;
        }
        if best.is_finite() {
            points.push((i + 1, best));
        }
    }
    points
}

impl Figure for ConvergencePlot {
    fn size(&self) -> (u32, u32) {
        (800, 520)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let curves: Vec<Vec<(usize, f64)>> = self
            .series
            .iter()
            .map(|s| running_min(&s.fitness))
            .collect();
        let calls = self
            .series
            .iter()
            .map(|s| s.fitness.len())
            .max()
            .unwrap_or(1);
        let (low, high) = min_max(curves.iter().flatten().map(|&(_, f)| f)).unwrap_or((0.0, 1.0));
        let pad = if high > low {
            0.05 * (high - low)
        } else {
            0.05 * low.abs().max(1e-3)
        };

        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.5..calls as f64 + 0.5, (low - pad)..(high + pad))?;
        let x_format = |x: &f64| format!("{}", x.round() as i64);
        chart
            .configure_mesh()
            .x_desc("Number of calls n")
            .y_desc("min f(x) after n calls")
            .x_labels(calls.min(16))
            .x_label_formatter(&x_format)
            .label_style((FONT_FAMILY, 14))
            .axis_desc_style((FONT_FAMILY, 16))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;

        for (k, (series, curve)) in self.series.iter().zip(&curves).enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points: Vec<(f64, f64)> = curve.iter().map(|&(n, f)| (n as f64, f)).collect();
            let line = chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?;
            if !series.label.is_empty() {
                line.label(series.label.as_str()).legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
                });
            }
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 4, color.filled())),
            )?;
        }

        if self.series.iter().any(|s| !s.label.is_empty()) {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font((FONT_FAMILY, 14))
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::test_support::{assert_valid_png, assert_valid_svg};

    #[test]
    fn running_min_tracks_best_so_far() {
        let fitness = [f64::NAN, -0.36, -0.2, -0.95, f64::NAN, -0.97, -0.5];

        let points = running_min(&fitness);

        assert_eq!(
            points,
            [
                (2, -0.36),
                (3, -0.36),
                (4, -0.95),
                (5, -0.95),
                (6, -0.97),
                (7, -0.97)
            ]
        );
    }

    #[test]
    fn writes_valid_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let plot = ConvergencePlot {
            title: "Convergence plot".to_string(),
            series: vec![
                ConvergenceSeries {
                    label: "seed 1".to_string(),
                    fitness: vec![-0.36, -0.11, -0.95, -0.93, -0.97, -0.96, -0.971],
                },
                ConvergenceSeries {
                    label: "seed 2".to_string(),
                    fitness: vec![-0.36, -0.9, -0.92, f64::NAN, -0.969],
                },
            ],
        };

        let files = plot_convergence(&plot, &dir.path().join("plots/convergence")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, plot.size());
        for text in ["Number of calls n", "min f(x) after n calls", "seed 2"] {
            assert!(svg.contains(text), "SVG lacks '{text}'");
        }
    }

    #[test]
    fn no_finite_fitness_is_rejected() {
        let plot = ConvergencePlot {
            title: String::new(),
            series: vec![ConvergenceSeries {
                label: String::new(),
                fitness: vec![f64::NAN],
            }],
        };

        let error = plot_convergence(&plot, Path::new("unused")).unwrap_err();

        assert!(matches!(error, PlotError::NoData { .. }), "{error}");
    }
}
