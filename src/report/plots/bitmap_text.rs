//! A bitmap backend wrapper that rasterizes text itself. plotters 0.3.7's
//! ab_glyph text drawing places every glyph at its advance position without
//! its left side bearing, so PNG labels come out unevenly spaced ("T rue").
//! The wrapper draws each glyph at its outline bounds, and the SVG backend
//! is left alone because SVG viewers lay text out themselves.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use super::font::dejavu_sans;

/// Fraction of the font size from the top of the text box to the baseline,
/// which centres capitals in plotters' layout box (height size / 1.24).
const BASELINE_FRACTION: f32 = 0.72;

/// Delegates everything to `B` except `draw_text`.
pub(crate) struct BitmapText<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for BitmapText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vertices, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    /// Draws `text` in DejaVu Sans whatever the requested family, anchored
    /// and rotated as plotters' default implementation does.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }

        // The anchor refers to plotters' layout box so that text sits where
        // the chart layout reserved room for it.
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };

        let transform = style.transform();
        let (canvas_width, canvas_height) = self.get_size();
        for (x, y, coverage) in rasterize(dejavu_sans(), style.size() as f32, text) {
            let (x, y) = transform.transform(x + dx, y + dy);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && x < canvas_width as i32 && y < canvas_height as i32 {
                let alpha = color.alpha * f64::from(coverage);
                self.0.draw_pixel(
                    (x, y),
                    BackendColor {
                        alpha,
                        rgb: color.rgb,
                    },
                )?;
            }
        }
        Ok(())
    }
}

/// Rasterizes one line of text with its box's top-left corner at the
/// origin: `(x, y, coverage)` per covered pixel, coverage in (0, 1].
fn rasterize(font: &FontRef<'static>, size_px: f32, text: &str) -> Vec<(i32, i32, f32)> {
    let scale = PxScale::from(size_px);
    let scaled = font.as_scaled(scale);
    let baseline = size_px * BASELINE_FRACTION;

    let mut pixels = Vec::new();
    let mut caret = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        previous = Some(id);

        let glyph = id.with_scale_and_position(scale, point(caret, baseline));
        caret += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue; // spaces have no outline
        };
        let bounds = outline.px_bounds();
        outline.draw(|x, y, coverage| {
            if coverage > 0.0 {
                let px = bounds.min.x as i32 + x as i32;
                let py = bounds.min.y as i32 + y as i32;
                pixels.push((px, py, coverage.min(1.0)));
            }
        });
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns that contain ink, left to right.
    fn inked_columns(pixels: &[(i32, i32, f32)]) -> Vec<i32> {
        let mut columns: Vec<i32> = pixels.iter().filter(|p| p.2 > 0.5).map(|p| p.0).collect();
        columns.sort_unstable();
        columns.dedup();
        columns
    }

    #[test]
    fn glyphs_start_at_their_bearing() {
        let font = dejavu_sans();
        let size = 20.0;
        let scaled = font.as_scaled(PxScale::from(size));

        let pixels = rasterize(font, size, "ir");
        let columns = inked_columns(&pixels);

        // 'r' starts after the advance of 'i' plus its own left bearing.
        let i_advance = scaled.h_advance(scaled.glyph_id('i'));
        let r_bearing = scaled.h_side_bearing(scaled.glyph_id('r'));
        let r_start = (i_advance + r_bearing).floor() as i32;
        let gap_start = columns.windows(2).find(|w| w[1] > w[0] + 1).map(|w| w[1]);
        assert!(r_bearing > 1.0, "bearing {r_bearing}");
        assert!(
            gap_start.is_some_and(|start| (start - r_start).abs() <= 1),
            "'r' starts at {gap_start:?}, expected {r_start}"
        );
    }

    #[test]
    fn text_stays_inside_its_layout_box_horizontally() {
        let font = dejavu_sans();
        let size = 15.0;
        let scaled = font.as_scaled(PxScale::from(size));
        let text = "True: 7, Pred: 1";
        let advance: f32 = text
            .chars()
            .map(|c| scaled.h_advance(scaled.glyph_id(c)))
            .sum();

        let pixels = rasterize(font, size, text);

        let (min_x, max_x) = pixels.iter().fold((i32::MAX, i32::MIN), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
        // Antialiasing may touch one pixel left of a glyph with no bearing.
        assert!(min_x >= -1, "{min_x}");
        assert!(max_x <= advance.ceil() as i32, "{max_x} > {advance}");
        assert!(pixels.iter().all(|p| p.1 >= 0 && (p.1 as f32) < size * 1.2));
    }
}
