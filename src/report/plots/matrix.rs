//! Shared layout of the matrix figures (partial dependence, evaluations):
//! one panel per pair of dimensions, with dimension-aware axes.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::AxisSpec;
use super::colormap::viridis;
use super::font::FONT_FAMILY;
use super::linear::TickedRange;
use super::render::DrawError;
use super::ticks::{format_tick, nice_step, ticks_in};

/// Side of one panel in pixels.
pub(crate) const PANEL_PX: u32 = 280;
/// Height of the figure title band in pixels.
pub(crate) const TITLE_PX: u32 = 40;

pub(crate) type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickedRange, TickedRange>>;

/// One axis of a panel: plot-coordinate range, ticks, their labels and the
/// axis description.
pub(crate) struct PanelAxis {
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    pub description: String,
}

impl PanelAxis {
    /// Axis of a search dimension.
    pub fn dimension(spec: &AxisSpec) -> Self {
        let ticks = spec.ticks();
        let labels = ticks.iter().map(|&t| spec.tick_label(t)).collect();
        Self {
            range: spec.plot_range(),
            ticks,
            labels,
            description: spec.name.clone(),
        }
    }

    /// Linear value axis over `[low, high]`, padded by 5 %.
    pub fn values(low: f64, high: f64, description: &str) -> Self {
        let (low, high) = if high > low {
            (low, high)
        } else {
            (low - 0.5, high + 0.5)
        };
        let pad = 0.05 * (high - low);
        let range = (low - pad)..(high + pad);
        let step = nice_step(range.end - range.start, 5);
        let ticks = ticks_in(range.start, range.end, step);
        let labels = ticks.iter().map(|&t| format_tick(t, step)).collect();
        Self {
            range,
            ticks,
            labels,
            description: description.to_string(),
        }
    }

    /// Count axis from 0 to `max_count`, with integer ticks.
    pub fn counts(max_count: usize, description: &str) -> Self {
        let high = max_count.max(1) as f64 * 1.1;
        let step = nice_step(high, 4).max(1.0);
        let ticks = ticks_in(0.0, high, step);
        let labels = ticks
            .iter()
            .map(|&t| format!("{}", t.round() as i64))
            .collect();
        Self {
            range: 0.0..high,
            ticks,
            labels,
            description: description.to_string(),
        }
    }

    pub fn ticked_range(&self) -> TickedRange {
        TickedRange::new(self.range.clone(), self.ticks.clone())
    }

    pub fn label_at(&self, position: f64) -> String {
        self.ticks
            .iter()
            .position(|&t| (t - position).abs() < 1e-9 * (1.0 + t.abs()))
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

/// Splits the figure below its title into `n` x `n` panels, row-major.
pub(crate) fn split_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    n: usize,
) -> Result<Vec<DrawingArea<DB, Shift>>, DrawError> {
    let body = root.titled(title, (FONT_FAMILY, 22))?;
    Ok(body.split_evenly((n, n)))
}

/// Builds a panel with labelled mesh on `area`.
pub(crate) fn build_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &PanelAxis,
    y: &PanelAxis,
) -> Result<PanelChart<'a, DB>, DrawError> {
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .build_cartesian_2d(x.ticked_range(), y.ticked_range())?;

    let x_format = |v: &f64| x.label_at(*v);
    let y_format = |v: &f64| y.label_at(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x.description.as_str())
        .y_desc(y.description.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style((FONT_FAMILY, 12))
        .axis_desc_style((FONT_FAMILY, 14))
        .draw()?;
    Ok(chart)
}

/// Marker style of the best point: a red filled circle with a black rim.
pub(crate) fn draw_best_point<DB: DrawingBackend>(
    chart: &mut PanelChart<'_, DB>,
    point: (f64, f64),
) -> Result<(), DrawError> {
    chart.draw_series([
        Circle::new(point, 6, RED.filled()),
        Circle::new(point, 6, BLACK.stroke_width(1)),
    ])?;
    Ok(())
}

/// Draws a vertical viridis colour bar for values `low..high` in the
/// middle of `area`, with tick labels on its right and the description on
/// its left. With `reversed`, low values are yellow (as skopt's `viridis_r`).
pub(crate) fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    low: f64,
    high: f64,
    description: &str,
    reversed: bool,
) -> Result<(), DrawError> {
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let (left, right) = (width * 2 / 5, width * 2 / 5 + 20);
    let (top, bottom) = (height / 8, height * 7 / 8);
    let span = if high > low { high - low } else { 1.0 };
    let pixel_of =
        |value: f64| bottom - ((value - low) / span * f64::from(bottom - top)).round() as i32;

    const STEPS: i32 = 64;
    for k in 0..STEPS {
        let y0 = bottom - (bottom - top) * k / STEPS;
        let y1 = bottom - (bottom - top) * (k + 1) / STEPS;
        let t = (f64::from(k) + 0.5) / f64::from(STEPS);
        let color = viridis(if reversed { 1.0 - t } else { t });
        area.draw(&Rectangle::new([(left, y1), (right, y0)], color.filled()))?;
    }
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        BLACK.stroke_width(1),
    ))?;

    let step = nice_step(span, 6);
    let label_style =
        TextStyle::from((FONT_FAMILY, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for tick in ticks_in(low, high, step) {
        let y = pixel_of(tick);
        area.draw(&PathElement::new(
            [(right, y), (right + 5, y)],
            BLACK.stroke_width(1),
        ))?;
        area.draw_text(&format_tick(tick, step), &label_style, (right + 8, y))?;
    }

    let description_style = TextStyle::from((FONT_FAMILY, 14).into_font())
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    area.draw_text(
        description,
        &description_style,
        (left - 10, (top + bottom) / 2),
    )?;
    Ok(())
}

/// Cell boundaries around sorted grid `centers` in plot coordinates:
/// midpoints between neighbours, and the outer cells extended to `range`.
pub(crate) fn cell_edges(centers: &[f64], range: &Range<f64>) -> Vec<f64> {
    let mut edges = Vec::with_capacity(centers.len() + 1);
    edges.push(range.start.min(centers[0]));
    for pair in centers.windows(2) {
        edges.push((pair[0] + pair[1]) / 2.0);
    }
    edges.push(range.end.max(centers[centers.len() - 1]));
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_edges_are_midpoints() {
        assert_eq!(cell_edges(&[0.0, 1.0], &(-0.5..1.5)), [-0.5, 0.5, 1.5]);
        assert_eq!(
            cell_edges(&[1.0, 2.0, 4.0], &(0.0..5.0)),
            [0.0, 1.5, 3.0, 5.0]
        );
        assert_eq!(cell_edges(&[3.0], &(2.0..4.0)), [2.0, 4.0]);
    }

    #[test]
    fn value_axis_ticks_inside_range() {
        let axis = PanelAxis::values(-0.98, -0.1, "f");

        assert!(!axis.ticks.is_empty());
        assert!(axis.ticks.iter().all(|t| axis.range.contains(t)));
        assert_eq!(axis.label_at(axis.ticks[0]), axis.labels[0]);
        assert_eq!(axis.label_at(0.123_456), "");
    }
}
