//! Figures of a search run, each written as SVG and PNG by the same drawing
//! code with plotters and the DejaVu Sans font shipped in `assets/fonts`.
//! The inputs are plain data types, so the caller converts optimizer and
//! model results into them.
//!
//! NOTE: the SVG files name the font family `sans-serif` and leave glyph
//! rendering to the viewer, so their text may look slightly different from
//! the PNG files, whose layout and glyphs both come from DejaVu Sans.

mod axis;
mod bitmap_text;
mod categories;
mod colormap;
mod convergence;
mod error;
mod evaluations;
mod font;
mod images;
mod linear;
mod matrix;
mod partial_dependence;
mod render;
#[cfg(test)]
mod test_support;
mod ticks;

pub use axis::{AxisKind, AxisSpec};
pub use categories::{CategoryCounts, plot_category_counts};
pub use convergence::{ConvergencePlot, ConvergenceSeries, plot_convergence};
pub use error::PlotError;
pub use evaluations::{EvaluationsPlot, plot_evaluations};
pub use images::{ImageGrid, LabelledImage, plot_image_grid};
pub use partial_dependence::{
    DependenceCurve, DependenceGrid, PartialDependencePlot, plot_partial_dependence,
};
pub use render::PlotFiles;
