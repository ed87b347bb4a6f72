//! Checks shared by the plot tests: SVG well-formedness and PNG decoding.

use std::path::Path;

use super::axis::AxisSpec;

/// Returns the axes of the lab's search space.
pub(crate) fn lab_axes() -> Vec<AxisSpec> {
    vec![
        AxisSpec::log_real("learning_rate", 1e-6, 1e-2),
        AxisSpec::integer("num_dense_layers", 1, 5),
        AxisSpec::integer("num_dense_nodes", 5, 512),
        AxisSpec::categorical("activation", &["relu", "sigmoid"]),
    ]
}

/// Asserts that the file is an `<svg>` document whose tags nest properly,
/// and returns its text.
pub(crate) fn assert_valid_svg(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.trim_start().starts_with("<svg"),
        "{} does not start with <svg",
        path.display()
    );
    assert!(
        text.trim_end().ends_with("</svg>"),
        "{} does not end with </svg>",
        path.display()
    );

    let mut open: Vec<&str> = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>').expect("unterminated tag");
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop(),
                Some(name.trim()),
                "mismatched </{name}> in {}",
                path.display()
            );
        } else {
            open.push(tag.split_whitespace().next().expect("empty tag"));
        }
    }
    assert!(
        open.is_empty(),
        "unclosed tags {open:?} in {}",
        path.display()
    );
    text
}

/// Asserts that the file decodes as a PNG of `size` pixels that is not a
/// single flat colour.
pub(crate) fn assert_valid_png(path: &Path, size: (u32, u32)) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} lacks the PNG signature",
        path.display()
    );

    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();

    assert_eq!((frame.width, frame.height), size, "{}", path.display());
    let first = &pixels[..3];
    assert!(
        pixels[..frame.buffer_size()].chunks(3).any(|p| p != first),
        "{} is a single colour",
        path.display()
    );
}
