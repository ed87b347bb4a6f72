use std::path::PathBuf;

/// Failure to draw or write a figure, or input data that cannot be plotted.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The output folder could not be created.
    #[error("failed to create plot folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// plotters failed to draw or to write the file.
    #[error("failed to draw {path}: {message}")]
    Draw { path: PathBuf, message: String },
    /// The bundled DejaVu Sans font could not be parsed.
    #[error("the bundled font assets/fonts/DejaVuSans.ttf is not a valid TrueType font")]
    Font,
    /// The figure has nothing to show.
    #[error("no data for the {plot} plot: pass at least one {item}")]
    NoData {
        plot: &'static str,
        item: &'static str,
    },
    /// An axis specification cannot be drawn.
    #[error("invalid axis '{name}': {reason}")]
    InvalidAxis { name: String, reason: String },
    /// A point has a different number of coordinates than there are axes.
    #[error("point {index} has {len} coordinates but the plot has {expected} dimensions")]
    PointLength {
        index: usize,
        len: usize,
        expected: usize,
    },
    /// Precomputed curves or grids do not match the dimensions.
    #[error("invalid partial dependence data: {reason}")]
    DependenceShape { reason: String },
    /// An image has the wrong number of pixels.
    #[error("image {index} has {len} pixels, expected {expected} ({width} x {height})")]
    ImageSize {
        index: usize,
        len: usize,
        expected: usize,
        width: usize,
        height: usize,
    },
    /// Category names and counts differ in length.
    #[error("{names} category names but {counts} counts: pass one count per category")]
    CategoryCounts { names: usize, counts: usize },
}
