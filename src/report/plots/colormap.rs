use plotters::style::RGBColor;

/// Samples of matplotlib's viridis colormap at 0, 1/8, ..., 1.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 45, 123),
    (59, 82, 139),
    (44, 114, 142),
    (33, 145, 140),
    (40, 174, 128),
    (94, 201, 98),
    (173, 220, 48),
    (253, 231, 37),
];

/// Viridis at `t` in [0, 1] (clamped), dark purple at 0 and yellow at 1,
/// interpolated linearly between the samples.
pub(crate) fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let position = t * (VIRIDIS.len() - 1) as f64;
    let index = (position.floor() as usize).min(VIRIDIS.len() - 2);
    let fraction = position - index as f64;

    let (r0, g0, b0) = VIRIDIS[index];
    let (r1, g1, b1) = VIRIDIS[index + 1];
    let mix =
        |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * fraction).round() as u8;
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_midpoints() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(1.0 / 16.0), RGBColor(70, 23, 104));
        assert_eq!(viridis(-1.0), viridis(0.0));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }
}
