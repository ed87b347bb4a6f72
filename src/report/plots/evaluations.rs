//! Sampled points, as scikit-optimize's `plot_evaluations`: a histogram of
//! each dimension on the diagonal and, below it, every pair of dimensions
//! as a scatter plot coloured by call order, with the best point in red.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::AxisSpec;
use super::colormap::viridis;
use super::error::PlotError;
use super::matrix::{
    PANEL_PX, PanelAxis, TITLE_PX, build_panel, draw_best_point, draw_colorbar, split_panels,
};
use super::render::{DrawError, Figure, PlotFiles, render};

/// Histogram bins of a real dimension; integer dimensions get at most one
/// bin per value and categorical ones one bin per category.
const HISTOGRAM_BINS: usize = 10;

/// Evaluated points of a search in call order. Values along a dimension are
/// in its own units (category index for categoricals).
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationsPlot {
    pub dimensions: Vec<AxisSpec>,
    /// One point per call, in call order.
    pub samples: Vec<Vec<f64>>,
    /// Index into `samples` of the best call, marked in red.
    pub best_index: Option<usize>,
}

/// Writes the evaluations matrix to `<stem>.svg` and `<stem>.png`.
pub fn plot_evaluations(plot: &EvaluationsPlot, stem: &Path) -> Result<PlotFiles, PlotError> {
    plot.validate()?;
    render(plot, stem)
}

impl EvaluationsPlot {
    fn validate(&self) -> Result<(), PlotError> {
        if self.dimensions.is_empty() {
            return Err(PlotError::NoData {
                plot: "evaluations",
                item: "dimension",
            });
        }
        if self.samples.is_empty() {
            return Err(PlotError::NoData {
                plot: "evaluations",
                item: "sample",
            });
        }
        for axis in &self.dimensions {
            axis.validate()?;
        }
        for (index, point) in self.samples.iter().enumerate() {
            if point.len() != self.dimensions.len() {
                return Err(PlotError::PointLength {
                    index,
                    len: point.len(),
                    expected: self.dimensions.len(),
                });
            }
        }
        Ok(())
    }

    fn draw_histogram<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        i: usize,
    ) -> Result<(), DrawError> {
        let axis = &self.dimensions[i];
        let bins = axis.histogram_bins(HISTOGRAM_BINS);
        let last = bins.len() - 1;
        let mut counts = vec![0usize; bins.len()];
        for point in &self.samples {
            let x = axis.to_plot(point[i]);
            // A value on the upper bound belongs to the last bin.
            let bin = bins
                .iter()
                .position(|b| b.contains(&x))
                .or_else(|| (x == bins[last].end).then_some(last));
            if let Some(bin) = bin {
                counts[bin] += 1;
            }
        }

        let max_count = counts.iter().copied().max().unwrap_or(0);
        let mut chart = build_panel(
            area,
            &PanelAxis::dimension(axis),
            &PanelAxis::counts(max_count, "number of samples"),
        )?;
        let fill = RGBColor(31, 119, 180);
        chart.draw_series(bins.iter().zip(&counts).filter(|(_, c)| **c > 0).flat_map(
            |(bin, &count)| {
                let corners = [(bin.start, 0.0), (bin.end, count as f64)];
                [
                    Rectangle::new(corners, fill.filled()),
                    Rectangle::new(corners, BLACK.stroke_width(1)),
                ]
            },
        ))?;
        Ok(())
    }

    fn draw_scatter<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        row: usize,
        col: usize,
    ) -> Result<(), DrawError> {
        let (x_spec, y_spec) = (&self.dimensions[col], &self.dimensions[row]);
        let mut chart = build_panel(
            area,
            &PanelAxis::dimension(x_spec),
            &PanelAxis::dimension(y_spec),
        )?;

        let last = (self.samples.len() - 1).max(1) as f64;
        chart.draw_series(self.samples.iter().enumerate().map(|(k, p)| {
            let point = (x_spec.to_plot(p[col]), y_spec.to_plot(p[row]));
            Circle::new(point, 4, viridis(k as f64 / last).filled())
        }))?;
        if let Some(best) = self.best_index.and_then(|k| self.samples.get(k)) {
            draw_best_point(
                &mut chart,
                (x_spec.to_plot(best[col]), y_spec.to_plot(best[row])),
            )?;
        }
        Ok(())
    }
}

impl Figure for EvaluationsPlot {
    fn size(&self) -> (u32, u32) {
        let n = self.dimensions.len() as u32;
        (n * PANEL_PX, n * PANEL_PX + TITLE_PX)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let n = self.dimensions.len();
        let panels = split_panels(root, "Evaluated points (colour: call order)", n)?;

        for row in 0..n {
            self.draw_histogram(&panels[row * n + row], row)?;
            for col in 0..row {
                self.draw_scatter(&panels[row * n + col], row, col)?;
            }
        }
        if n >= 2 {
            let calls = self.samples.len() as f64;
            draw_colorbar(&panels[n - 1], 1.0, calls.max(2.0), "call number", false)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::test_support::{assert_valid_png, assert_valid_svg, lab_axes};

    fn lab_samples() -> Vec<Vec<f64>> {
        vec![
            vec![1e-5, 1.0, 16.0, 0.0],
            vec![2e-4, 4.0, 300.0, 1.0],
            vec![7e-3, 2.0, 60.0, 0.0],
            vec![1e-6, 5.0, 512.0, 1.0],
            vec![1.4e-3, 2.0, 165.0, 0.0],
            vec![1e-2, 1.0, 5.0, 0.0],
        ]
    }

    #[test]
    fn writes_valid_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let plot = EvaluationsPlot {
            dimensions: lab_axes(),
            samples: lab_samples(),
            best_index: Some(4),
        };

        let files = plot_evaluations(&plot, &dir.path().join("evaluations")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, plot.size());
        for text in [
            "learning_rate",
            "activation",
            "sigmoid",
            "1e-6",
            "number of samples",
        ] {
            assert!(svg.contains(text), "SVG lacks '{text}'");
        }
    }

    #[test]
    fn fixed_dimensions_are_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let plot = EvaluationsPlot {
            dimensions: vec![
                AxisSpec::log_real("learning_rate", 1e-3, 1e-3),
                AxisSpec::integer("num_dense_layers", 2, 2),
                AxisSpec::categorical("activation", &["relu"]),
            ],
            samples: vec![vec![1e-3, 2.0, 0.0]],
            best_index: Some(0),
        };

        let files = plot_evaluations(&plot, &dir.path().join("fixed")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, plot.size());
        assert!(svg.contains("relu"));
    }

    #[test]
    fn no_samples_is_rejected() {
        let plot = EvaluationsPlot {
            dimensions: lab_axes(),
            samples: Vec::new(),
            best_index: None,
        };

        let error = plot_evaluations(&plot, Path::new("unused")).unwrap_err();

        assert!(
            matches!(error, PlotError::NoData { item: "sample", .. }),
            "{error}"
        );
    }

    #[test]
    fn invalid_axis_is_rejected() {
        let mut dimensions = lab_axes();
        dimensions[0] = AxisSpec::log_real("learning_rate", 0.0, 1e-2);
        let plot = EvaluationsPlot {
            dimensions,
            samples: lab_samples(),
            best_index: None,
        };

        let error = plot_evaluations(&plot, Path::new("unused")).unwrap_err();

        assert!(matches!(error, PlotError::InvalidAxis { .. }), "{error}");
    }
}
