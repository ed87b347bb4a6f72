use std::path::PathBuf;

use crate::vitis::{ARCH_ROOT_IN_IMAGE, ArchSource, BOARDS, Board};

#[test]
fn board_names_parse_case_insensitively() {
    for row in BOARDS {
        assert_eq!(row.name.parse::<Board>(), Ok(row.board));
        assert_eq!(row.name.to_ascii_uppercase().parse::<Board>(), Ok(row.board));
    }
    assert_eq!(" Kv260 ".parse::<Board>(), Ok(Board::Kv260));
}

#[test]
fn unknown_board_lists_known_ones() {
    let error = "zcu999".parse::<Board>().unwrap_err();
    let message = error.to_string();
    assert!(message.contains("'zcu999'"), "{message}");
    for row in BOARDS {
        assert!(message.contains(row.name), "{message} lacks {}", row.name);
    }
    assert!(message.contains("--arch"), "{message}");
}

#[test]
fn board_table_arch_paths() {
    let expected = [
        (Board::Zcu102, "DPUCZDX8G/ZCU102", true),
        (Board::Zcu104, "DPUCZDX8G/ZCU104", true),
        (Board::Kv260, "DPUCZDX8G/KV260", false),
        (Board::Vck190, "DPUCVDX8G/VCK190", true),
        (Board::Vck5000, "DPUCVDX8H/VCK50008PE", true),
        (Board::U50, "DPUCAHX8H/U50", true),
        (Board::U50lv, "DPUCAHX8H/U50LV", false),
        (Board::U280, "DPUCAHX8H/U280", false),
        (Board::U200, "DPUCADF8H/U200", false),
        (Board::U250, "DPUCADF8H/U250", false),
    ];
    assert_eq!(BOARDS.len(), expected.len());
    for (board, dir, confirmed) in expected {
        assert_eq!(board.arch_json_in_image(), format!("{ARCH_ROOT_IN_IMAGE}/{dir}/arch.json"));
        assert_eq!(board.spec().arch_confirmed, confirmed, "{board}");
        assert_eq!(board.dpu(), dir.split('/').next().unwrap());
    }
}

#[test]
fn arch_source_keeps_board() {
    let custom = ArchSource::Custom { board: Board::U280, path: PathBuf::from("/tmp/arch.json") };
    assert_eq!(custom.board(), Board::U280);
    assert_eq!(ArchSource::Image(Board::Kv260).board(), Board::Kv260);
}
