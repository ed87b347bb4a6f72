//! Grid of grey-scale images with their true and predicted labels, for
//! sample test images and for misclassified ones.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::PlotError;
use super::font::FONT_FAMILY;
use super::render::{DrawError, Figure, PlotFiles, render};

/// Pixels per image pixel in the output.
const SCALE_PX: u32 = 5;
/// Height of the caption under each image in pixels.
const CAPTION_PX: u32 = 26;
/// Space around each image in pixels.
const GAP_PX: u32 = 12;
/// Height of the figure title band in pixels.
const TITLE_PX: u32 = 40;

/// Images laid out `columns` wide, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageGrid {
    pub title: String,
    pub columns: usize,
    /// Image width in pixels (28 for MNIST).
    pub width: usize,
    /// Image height in pixels (28 for MNIST).
    pub height: usize,
    /// An empty list draws the title and the note "no images".
    pub images: Vec<LabelledImage>,
}

/// One image, row-major intensities in [0, 1] (0 white, 1 black, as
/// matplotlib's `binary` colormap shows MNIST digits).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledImage {
    pub pixels: Vec<f32>,
    pub true_label: u8,
    /// Predicted label; a wrong prediction is captioned in red.
    pub predicted: Option<u8>,
}

/// Writes the image grid to `<stem>.svg` and `<stem>.png`.
pub fn plot_image_grid(grid: &ImageGrid, stem: &Path) -> Result<PlotFiles, PlotError> {
    let expected = grid.width * grid.height;
    if expected == 0 || grid.columns == 0 {
        return Err(PlotError::NoData {
            plot: "image grid",
            item: "pixel per image and column",
        });
    }
    for (index, image) in grid.images.iter().enumerate() {
        if image.pixels.len() != expected {
            return Err(PlotError::ImageSize {
                index,
                len: image.pixels.len(),
                expected,
                width: grid.width,
                height: grid.height,
            });
        }
    }
    render(grid, stem)
}

impl ImageGrid {
    fn rows(&self) -> usize {
        self.images.len().div_ceil(self.columns).max(1)
    }

    /// Size of one grid cell: the image, its caption and the gaps.
    fn cell_px(&self) -> (u32, u32) {
        let image_width = self.width as u32 * SCALE_PX;
        // Captions need room even for images narrower than MNIST digits.
        let width = image_width.max(130) + GAP_PX;
        let height = self.height as u32 * SCALE_PX + CAPTION_PX + GAP_PX;
        (width, height)
    }

    fn draw_image<DB: DrawingBackend>(
        &self,
        cell: &DrawingArea<DB, Shift>,
        image: &LabelledImage,
    ) -> Result<(), DrawError> {
        let (cell_width, _) = self.cell_px();
        let left = (cell_width - self.width as u32 * SCALE_PX) as i32 / 2;
        let top = (GAP_PX / 2) as i32;
        let scale = SCALE_PX as i32;

        // White pixels are the background already, and skipping them keeps
        // the SVG about five times smaller for MNIST digits.
        for (k, &v) in image.pixels.iter().enumerate() {
            let grey = (255.0 * (1.0 - v.clamp(0.0, 1.0))).round() as u8;
            if grey == 255 {
                continue;
            }
            let (x, y) = ((k % self.width) as i32, (k / self.width) as i32);
            let corner = (left + x * scale, top + y * scale);
            cell.draw(&Rectangle::new(
                [corner, (corner.0 + scale, corner.1 + scale)],
                RGBColor(grey, grey, grey).filled(),
            ))?;
        }
        let frame = [
            (left, top),
            (
                left + self.width as i32 * scale,
                top + self.height as i32 * scale,
            ),
        ];
        cell.draw(&Rectangle::new(
            frame,
            RGBColor(160, 160, 160).stroke_width(1),
        ))?;

        let (caption, color) = match image.predicted {
            Some(predicted) if predicted != image.true_label => (
                format!("True: {}, Pred: {predicted}", image.true_label),
                RED,
            ),
            Some(predicted) => (
                format!("True: {}, Pred: {predicted}", image.true_label),
                BLACK,
            ),
            None => (format!("True: {}", image.true_label), BLACK),
        };
        let style = TextStyle::from((FONT_FAMILY, 15).into_font())
            .color(&color)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let caption_y = frame[1].1 + 5;
        cell.draw_text(&caption, &style, (cell_width as i32 / 2, caption_y))?;
        Ok(())
    }
}

impl Figure for ImageGrid {
    fn size(&self) -> (u32, u32) {
        let (cell_width, cell_height) = self.cell_px();
        let columns = self.columns.min(self.images.len()).max(1) as u32;
        let width = (columns * cell_width).max(300);
        (width, self.rows() as u32 * cell_height + TITLE_PX)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let body = root.titled(&self.title, (FONT_FAMILY, 20))?;
        if self.images.is_empty() {
            let style = TextStyle::from((FONT_FAMILY, 18).into_font())
                .pos(Pos::new(HPos::Center, VPos::Center));
            let (width, height) = body.dim_in_pixel();
            body.draw_text("no images", &style, (width as i32 / 2, height as i32 / 2))?;
            return Ok(());
        }

        let (cell_width, cell_height) = self.cell_px();
        for (k, image) in self.images.iter().enumerate() {
            let (row, column) = ((k / self.columns) as u32, (k % self.columns) as u32);
            let x = (column * cell_width) as i32;
            let y = (row * cell_height) as i32;
            let cell = body.clone().shrink((x, y), (cell_width, cell_height));
            self.draw_image(&cell, image)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::test_support::{assert_valid_png, assert_valid_svg};

    /// Builds a 28 x 28 image with a filled square whose size depends on `seed`.
    fn square_image(seed: usize) -> Vec<f32> {
        let side = 6 + seed % 10;
        (0..28 * 28)
            .map(|k| {
                let (x, y) = (k % 28, k / 28);
                if (6..6 + side).contains(&x) && (6..6 + side).contains(&y) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn three_by_three_grid() {
        let dir = tempfile::tempdir().unwrap();
        let grid = ImageGrid {
            title: "Test images".to_string(),
            columns: 3,
            width: 28,
            height: 28,
            images: (0..9)
                .map(|k| LabelledImage {
                    pixels: square_image(k),
                    true_label: k as u8,
                    predicted: Some(if k == 4 { 9 } else { k as u8 }),
                })
                .collect(),
        };

        let files = plot_image_grid(&grid, &dir.path().join("images")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert_valid_png(&files.png, grid.size());
        assert!(svg.contains("True: 4, Pred: 9"));
        assert!(svg.contains("True: 8, Pred: 8"));
    }

    #[test]
    fn empty_grid_draws_note() {
        let dir = tempfile::tempdir().unwrap();
        let grid = ImageGrid {
            title: "Misclassified test images".to_string(),
            columns: 4,
            width: 28,
            height: 28,
            images: Vec::new(),
        };

        let files = plot_image_grid(&grid, &dir.path().join("misclassified")).unwrap();

        let svg = assert_valid_svg(&files.svg);
        assert!(svg.contains("no images"));
    }

    #[test]
    fn wrong_pixel_count_is_rejected() {
        let grid = ImageGrid {
            title: String::new(),
            columns: 3,
            width: 28,
            height: 28,
            images: vec![LabelledImage {
                pixels: vec![0.0; 780],
                true_label: 1,
                predicted: None,
            }],
        };

        let error = plot_image_grid(&grid, Path::new("unused")).unwrap_err();

        assert!(
            matches!(
                error,
                PlotError::ImageSize {
                    index: 0,
                    len: 780,
                    ..
                }
            ),
            "{error}"
        );
    }
}
