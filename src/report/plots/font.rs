use std::sync::OnceLock;

use ab_glyph::FontRef;
use plotters::style::{FontStyle, register_font};

use super::error::PlotError;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/fonts/DejaVuSans-LICENSE.txt),
/// embedded so that plots never depend on the fonts of the host.
static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Font family name every plot uses for its text.
pub(crate) const FONT_FAMILY: &str = "sans-serif";

/// Registers the bundled font under [`FONT_FAMILY`] once per process.
pub(crate) fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// Returns the bundled font, parsed once, for rasterizing text outside plotters.
pub(crate) fn dejavu_sans() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(DEJAVU_SANS)
            .expect("the bundled DejaVu Sans parses, ensure_font checks it")
    })
}
