//! Partial dependence of the surrogate model, as scikit-optimize's
//! `plot_objective`: a lower-triangular matrix with the 1-D dependence on
//! each dimension on the diagonal and a 2-D heatmap for each pair below it,
//! with the evaluated points and the best point marked.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::AxisSpec;
use super::colormap::viridis;
use super::error::PlotError;
use super::matrix::{
    PANEL_PX, PanelAxis, TITLE_PX, build_panel, cell_edges, draw_best_point, draw_colorbar,
    split_panels,
};
use super::render::{DrawError, Figure, PlotFiles, render};

/// Axis label of the dependence values.
const VALUE_LABEL: &str = "partial dependence";

/// Precomputed partial dependence over the search dimensions. Values along
/// a dimension are in its own units (category index for categoricals).
#[derive(Debug, Clone, PartialEq)]
pub struct PartialDependencePlot {
    pub dimensions: Vec<AxisSpec>,
    /// One curve per dimension, in the order of `dimensions`.
    pub curves: Vec<DependenceCurve>,
    /// One grid per pair `row > col` of dimensions, in any order.
    pub grids: Vec<DependenceGrid>,
    /// Evaluated points, one coordinate per dimension.
    pub samples: Vec<Vec<f64>>,
    /// Best evaluated point, marked in red.
    pub best: Option<Vec<f64>>,
}

/// Dependence on one dimension: `values[k]` at `xs[k]`, `xs` ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct DependenceCurve {
    pub xs: Vec<f64>,
    pub values: Vec<f64>,
}

/// Dependence on dimensions `row` (vertical) and `col` (horizontal):
/// `values[r * xs.len() + c]` at `(xs[c], ys[r])`, both ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct DependenceGrid {
    pub row: usize,
    pub col: usize,
    /// Values of dimension `col`.
    pub xs: Vec<f64>,
    /// Values of dimension `row`.
    pub ys: Vec<f64>,
    pub values: Vec<f64>,
}

/// Writes the partial dependence matrix to `<stem>.svg` and `<stem>.png`.
pub fn plot_partial_dependence(
    plot: &PartialDependencePlot,
    stem: &Path,
) -> Result<PlotFiles, PlotError> {
    plot.validate()?;
    render(plot, stem)
}

impl PartialDependencePlot {
    fn validate(&self) -> Result<(), PlotError> {
        let n = self.dimensions.len();
        if n == 0 {
            return Err(PlotError::NoData {
                plot: "partial dependence",
                item: "dimension",
            });
        }
        for axis in &self.dimensions {
            axis.validate()?;
        }
        let shape_error = |reason: String| Err(PlotError::DependenceShape { reason });

        if self.curves.len() != n {
            return shape_error(format!("{} curves for {n} dimensions", self.curves.len()));
        }
        for (i, curve) in self.curves.iter().enumerate() {
            if curve.xs.is_empty() || curve.xs.len() != curve.values.len() {
                return shape_error(format!(
                    "curve {i} has {} xs and {} values, expected the same non-zero count",
                    curve.xs.len(),
                    curve.values.len()
                ));
            }
        }
        for row in 1..n {
            for col in 0..row {
                let Some(grid) = self.grid(row, col) else {
                    return shape_error(format!("no grid for dimensions ({row}, {col})"));
                };
                if grid.xs.is_empty()
                    || grid.ys.is_empty()
                    || grid.values.len() != grid.xs.len() * grid.ys.len()
                {
                    return shape_error(format!(
                        "grid ({row}, {col}) has {} values for {} xs and {} ys",
                        grid.values.len(),
                        grid.xs.len(),
                        grid.ys.len()
                    ));
                }
            }
        }

        let points = self.samples.iter().chain(self.best.iter());
        for (index, point) in points.enumerate() {
            if point.len() != n {
                return Err(PlotError::PointLength {
                    index,
                    len: point.len(),
                    expected: n,
                });
            }
        }
        Ok(())
    }

    fn grid(&self, row: usize, col: usize) -> Option<&DependenceGrid> {
        self.grids.iter().find(|g| g.row == row && g.col == col)
    }

    /// Finite value range over all grids, shared by every heatmap.
    fn grid_value_range(&self) -> Option<(f64, f64)> {
        let values = self.grids.iter().flat_map(|g| &g.values).copied();
        min_max(values)
    }

    fn draw_curve<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        i: usize,
    ) -> Result<(), DrawError> {
        let axis = &self.dimensions[i];
        let curve = &self.curves[i];
        let (low, high) = min_max(curve.values.iter().copied()).unwrap_or((0.0, 1.0));
        let mut chart = build_panel(
            area,
            &PanelAxis::dimension(axis),
            &PanelAxis::values(low, high, VALUE_LABEL),
        )?;

        let points: Vec<(f64, f64)> = curve
            .xs
            .iter()
            .zip(&curve.values)
            .filter(|(_, v)| v.is_finite())
            .map(|(&x, &v)| (axis.to_plot(x), v))
            .collect();
        // Categories have no order, so their values are not joined by lines.
        if axis.is_categorical() {
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 5, BLUE.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(points, BLUE.stroke_width(2)))?;
        }

        if let Some(best) = &self.best {
            let x = axis.to_plot(best[i]);
            let (y0, y1) = (chart.y_range().start, chart.y_range().end);
            chart.draw_series(DashedLineSeries::new(
                [(x, y0), (x, y1)],
                6,
                4,
                RED.stroke_width(2),
            ))?;
        }
        Ok(())
    }

    fn draw_heatmap<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        row: usize,
        col: usize,
        value_range: (f64, f64),
    ) -> Result<(), DrawError> {
        let (x_spec, y_spec) = (&self.dimensions[col], &self.dimensions[row]);
        let (x_axis, y_axis) = (PanelAxis::dimension(x_spec), PanelAxis::dimension(y_spec));
        let mut chart = build_panel(area, &x_axis, &y_axis)?;
        let grid = self
            .grid(row, col)
            .expect("validated: every pair has a grid");

        let x_centers: Vec<f64> = grid.xs.iter().map(|&x| x_spec.to_plot(x)).collect();
        let y_centers: Vec<f64> = grid.ys.iter().map(|&y| y_spec.to_plot(y)).collect();
        let x_edges = cell_edges(&x_centers, &x_axis.range);
        let y_edges = cell_edges(&y_centers, &y_axis.range);
        let (low, high) = value_range;
        let mut cells = Vec::with_capacity(grid.values.len());
        for r in 0..grid.ys.len() {
            for c in 0..grid.xs.len() {
                let value = grid.values[r * grid.xs.len() + c];
                // Low values are the good ones, so they get the bright end.
                let t = (value - low) / (high - low).max(f64::MIN_POSITIVE);
                let color = if value.is_finite() {
                    viridis(1.0 - t)
                } else {
                    RGBColor(200, 200, 200)
                };
                cells.push(Rectangle::new(
                    [(x_edges[c], y_edges[r]), (x_edges[c + 1], y_edges[r + 1])],
                    color.filled(),
                ));
            }
        }
        chart.draw_series(cells)?;

        chart.draw_series(self.samples.iter().map(|p| {
            Circle::new(
                (x_spec.to_plot(p[col]), y_spec.to_plot(p[row])),
                3,
                BLACK.filled(),
            )
        }))?;
        if let Some(best) = &self.best {
            draw_best_point(
                &mut chart,
                (x_spec.to_plot(best[col]), y_spec.to_plot(best[row])),
            )?;
        }
        Ok(())
    }
}

impl Figure for PartialDependencePlot {
    fn size(&self) -> (u32, u32) {
        let n = self.dimensions.len() as u32;
        (n * PANEL_PX, n * PANEL_PX + TITLE_PX)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let n = self.dimensions.len();
        let panels = split_panels(root, "Partial dependence of the surrogate model", n)?;
        let value_range = self.grid_value_range().unwrap_or((0.0, 1.0));

        for row in 0..n {
            self.draw_curve(&panels[row * n + row], row)?;
            for col in 0..row {
                self.draw_heatmap(&panels[row * n + col], row, col, value_range)?;
            }
        }
        if n >= 2 {
            let (low, high) = value_range;
            draw_colorbar(&panels[n - 1], low, high, VALUE_LABEL, true)?;
        }
        Ok(())
    }
}

/// Minimum and maximum of the finite values, if any.
pub(crate) fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |range, v| match range {
            None => Some((v, v)),
            Some((low, high)) => Some((v.min(low), v.max(high))),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::test_support::{assert_valid_png, assert_valid_svg, lab_axes};

    /// Returns a smooth bowl with its minimum at lr 1e-3, 2 layers, 256 nodes
    /// and relu, which stands in for the surrogate's mean.
    fn bowl(point: &[f64]) -> f64 {
        let lr = (point[0].log10() + 3.0).powi(2);
        let layers = (point[1] - 2.0).powi(2) / 4.0;
        let nodes = ((point[2] - 256.0) / 256.0).powi(2);
        let activation = point[3] * 0.5;
        -0.97 + 0.1 * (lr + layers + nodes + activation)
    }

    fn grid_values(axes: &[AxisSpec], dim: usize) -> Vec<f64> {
        match &axes[dim].kind {
            crate::report::plots::AxisKind::Real { low, high, .. } => (0..12)
                .map(|k| low * (high / low).powf(k as f64 / 11.0))
                .collect(),
            crate::report::plots::AxisKind::Integer { low, high } => (*low..=*high)
                .step_by(((high - low) / 10).max(1) as usize)
                .map(|v| v as f64)
                .collect(),
            crate::report::plots::AxisKind::Categorical { labels } => {
                (0..labels.len()).map(|i| i as f64).collect()
            }
        }
    }

    fn synthetic_plot() -> PartialDependencePlot {
        let dimensions = lab_axes();
        let center = [1e-3, 2.0, 256.0, 0.0];
        let curves = (0..4)
            .map(|d| {
                let xs = grid_values(&dimensions, d);
                let values = xs
                    .iter()
                    .map(|&x| {
                        let mut p = center;
                        p[d] = x;
                        bowl(&p)
                    })
                    .collect();
                DependenceCurve { xs, values }
            })
            .collect();
        let mut grids = Vec::new();
        for row in 1..4 {
            for col in 0..row {
                let xs = grid_values(&dimensions, col);
                let ys = grid_values(&dimensions, row);
                let mut values = Vec::new();
                for &y in &ys {
                    for &x in &xs {
                        let mut p = center;
                        p[col] = x;
                        p[row] = y;
                        values.push(bowl(&p));
                    }
                }
                grids.push(DependenceGrid {
                    row,
                    col,
                    xs,
                    ys,
                    values,
                });
            }
        }
        let samples = vec![
            vec![1e-5, 1.0, 16.0, 0.0],
            vec![3e-3, 3.0, 400.0, 1.0],
            vec![1.4e-3, 2.0, 165.0, 0.0],
        ];
        PartialDependencePlot {
            dimensions,
            curves,
            grids,
            samples,
            best: Some(vec![1.4e-3, 2.0, 165.0, 0.0]),
        }
    }

    #[test]
    fn writes_valid_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let plot = synthetic_plot();

        let files = plot_partial_dependence(&plot, &dir.path().join("objective")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, plot.size());
        for text in [
            "learning_rate",
            "num_dense_nodes",
            "relu",
            "sigmoid",
            "1e-4",
            VALUE_LABEL,
        ] {
            assert!(svg.contains(text), "SVG lacks '{text}'");
        }
    }

    #[test]
    fn single_dimension_has_no_heatmap() {
        let dir = tempfile::tempdir().unwrap();
        let plot = PartialDependencePlot {
            dimensions: vec![AxisSpec::log_real("learning_rate", 1e-6, 1e-2)],
            curves: vec![DependenceCurve {
                xs: vec![1e-6, 1e-4, 1e-2],
                values: vec![-0.1, -0.9, -0.5],
            }],
            grids: Vec::new(),
            samples: vec![vec![1e-4]],
            best: None,
        };

        let files = plot_partial_dependence(&plot, &dir.path().join("one")).unwrap();

        assert_valid_png(&files.png, (PANEL_PX, PANEL_PX + TITLE_PX));
    }

    #[test]
    fn missing_grid_is_rejected() {
        let mut plot = synthetic_plot();
        plot.grids.retain(|g| !(g.row == 3 && g.col == 1));

        let error = plot_partial_dependence(&plot, Path::new("unused")).unwrap_err();

        assert!(
            matches!(error, PlotError::DependenceShape { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("(3, 1)"), "{error}");
    }

    #[test]
    fn wrong_grid_size_is_rejected() {
        let mut plot = synthetic_plot();
        plot.grids[0].values.pop();

        let error = plot_partial_dependence(&plot, Path::new("unused")).unwrap_err();

        assert!(
            matches!(error, PlotError::DependenceShape { .. }),
            "{error}"
        );
    }

    #[test]
    fn short_sample_is_rejected() {
        let mut plot = synthetic_plot();
        plot.samples[1].pop();

        let error = plot_partial_dependence(&plot, Path::new("unused")).unwrap_err();

        assert!(
            matches!(
                error,
                PlotError::PointLength {
                    index: 1,
                    len: 3,
                    expected: 4
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn min_max_skips_nan() {
        assert_eq!(
            min_max([3.0, f64::NAN, -1.0, 2.0].into_iter()),
            Some((-1.0, 3.0))
        );
        assert_eq!(min_max([f64::NAN].into_iter()), None);
    }
}
