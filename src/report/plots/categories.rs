//! Bar chart of how often each category was chosen, such as the activation
//! functions proposed during a search.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::AxisSpec;
use super::error::PlotError;
use super::font::FONT_FAMILY;
use super::matrix::PanelAxis;
use super::render::{DrawError, Figure, PlotFiles, render};

/// Count per category, in display order.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryCounts {
    pub title: String,
    /// Axis label of the categories, for example `activation`.
    pub name: String,
    pub categories: Vec<String>,
    pub counts: Vec<usize>,
}

/// Writes the bar chart to `<stem>.svg` and `<stem>.png`.
pub fn plot_category_counts(plot: &CategoryCounts, stem: &Path) -> Result<PlotFiles, PlotError> {
    if plot.categories.len() != plot.counts.len() {
        return Err(PlotError::CategoryCounts {
            names: plot.categories.len(),
            counts: plot.counts.len(),
        });
    }
    if plot.categories.is_empty() {
        return Err(PlotError::NoData {
            plot: "category count",
            item: "category",
        });
    }
    render(plot, stem)
}

impl Figure for CategoryCounts {
    fn size(&self) -> (u32, u32) {
        let width = (160 * self.categories.len() as u32 + 200).clamp(500, 1600);
        (width, 450)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let labels: Vec<&str> = self.categories.iter().map(String::as_str).collect();
        let x_axis = PanelAxis::dimension(&AxisSpec::categorical(&self.name, &labels));
        let max_count = self.counts.iter().copied().max().unwrap_or(0);
        let y_axis = PanelAxis::counts(max_count, "number of trials");

        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x_axis.ticked_range(), y_axis.ticked_range())?;
        let x_format = |x: &f64| x_axis.label_at(*x);
        let y_format = |y: &f64| y_axis.label_at(*y);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(self.name.as_str())
            .y_desc("number of trials")
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format)
            .label_style((FONT_FAMILY, 16))
            .axis_desc_style((FONT_FAMILY, 16))
            .draw()?;

        let fill = RGBColor(31, 119, 180);
        chart.draw_series(self.counts.iter().enumerate().map(|(i, &count)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, count as f64)], fill.filled())
        }))?;
        // Each count sits 4 pixels above its bar.
        let style = TextStyle::from((FONT_FAMILY, 16).into_font())
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(self.counts.iter().enumerate().map(|(i, &count)| {
            EmptyElement::at((i as f64, count as f64))
                + Text::new(count.to_string(), (0, -4), style.clone())
        }))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::test_support::{assert_valid_png, assert_valid_svg};

    #[test]
    fn writes_valid_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let plot = CategoryCounts {
            title: "Activation functions chosen".to_string(),
            name: "activation".to_string(),
            categories: vec!["relu".to_string(), "sigmoid".to_string()],
            counts: vec![11, 4],
        };

        let files = plot_category_counts(&plot, &dir.path().join("activations")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, plot.size());
        for text in [
            "relu",
            "sigmoid",
            "activation",
            "number of trials",
            "11\n</text>",
        ] {
            assert!(svg.contains(text), "SVG lacks '{text}'");
        }
    }

    #[test]
    fn mismatched_counts_are_rejected() {
        let plot = CategoryCounts {
            title: String::new(),
            name: "activation".to_string(),
            categories: vec!["relu".to_string()],
            counts: vec![1, 2],
        };

        let error = plot_category_counts(&plot, Path::new("unused")).unwrap_err();

        assert!(
            matches!(
                error,
                PlotError::CategoryCounts {
                    names: 1,
                    counts: 2
                }
            ),
            "{error}"
        );
    }
}
