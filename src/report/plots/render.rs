use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bitmap_text::BitmapText;
use super::error::PlotError;
use super::font::ensure_font;

/// Paths of the two files written for one figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotFiles {
    pub svg: PathBuf,
    pub png: PathBuf,
}

/// Message of a plotters failure, without the backend's error type.
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        DrawError(error.to_string())
    }
}

/// A figure that draws itself on any plotters backend.
pub(crate) trait Figure {
    /// Size in pixels of the PNG, and in SVG user units.
    fn size(&self) -> (u32, u32);

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError>;
}

/// Writes `figure` to `<stem>.svg` and `<stem>.png`, creating the folder.
pub(crate) fn render(figure: &impl Figure, stem: &Path) -> Result<PlotFiles, PlotError> {
    ensure_font()?;
    if let Some(dir) = stem.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| PlotError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }

    let files = PlotFiles {
        svg: stem.with_extension("svg"),
        png: stem.with_extension("png"),
    };
    let draw_error = |path: &Path| {
        let path = path.to_path_buf();
        move |DrawError(message): DrawError| PlotError::Draw { path, message }
    };

    {
        let svg = SVGBackend::new(&files.svg, figure.size()).into_drawing_area();
        draw_on(figure, &svg).map_err(draw_error(&files.svg))?;
    }
    {
        let png = BitmapText(BitMapBackend::new(&files.png, figure.size())).into_drawing_area();
        draw_on(figure, &png).map_err(draw_error(&files.png))?;
    }

    log::debug!("wrote {} and {}", files.svg.display(), files.png.display());
    Ok(files)
}

fn draw_on<DB: DrawingBackend>(
    figure: &impl Figure,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DrawError> {
    root.fill(&WHITE)?;
    figure.draw(root)?;
    root.present()?;
    Ok(())
}
