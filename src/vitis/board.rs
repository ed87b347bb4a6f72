//! Target boards and the DPU arch.json each one compiles against.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Directory of the compiler's arch files inside the Vitis AI 2.5 image,
/// laid out as `<dir>/<DPU>/<BOARD>/arch.json`.
pub const ARCH_ROOT_IN_IMAGE: &str = "/opt/vitis_ai/compiler/arch";

/// A board with a DPU that Vitis AI 2.5 compiles for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Board {
    Zcu102,
    Zcu104,
    Kv260,
    Vck190,
    Vck5000,
    U50,
    U50lv,
    U280,
    U200,
    U250,
}

/// One row of the board table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardSpec {
    pub board: Board,
    /// Name accepted on the command line and printed in messages.
    pub name: &'static str,
    /// DPU IP name, the first directory under [`ARCH_ROOT_IN_IMAGE`].
    pub dpu: &'static str,
    /// Board directory under the DPU directory.
    pub arch_dir: &'static str,
    /// Whether the arch.json path was seen in the Xilinx Vitis-AI repository
    /// or its user guide (UG1414); the others come from community scripts.
    /// `compile.sh` checks every path inside the image before compiling.
    pub arch_confirmed: bool,
}

/// The board table, in the order the error message lists it.
pub const BOARDS: [BoardSpec; 10] = [
    spec(Board::Zcu102, "zcu102", "DPUCZDX8G", "ZCU102", true),
    spec(Board::Zcu104, "zcu104", "DPUCZDX8G", "ZCU104", true),
    spec(Board::Kv260, "kv260", "DPUCZDX8G", "KV260", false),
    spec(Board::Vck190, "vck190", "DPUCVDX8G", "VCK190", true),
    spec(Board::Vck5000, "vck5000", "DPUCVDX8H", "VCK50008PE", true),
    spec(Board::U50, "u50", "DPUCAHX8H", "U50", true),
    spec(Board::U50lv, "u50lv", "DPUCAHX8H", "U50LV", false),
    spec(Board::U280, "u280", "DPUCAHX8H", "U280", false),
    spec(Board::U200, "u200", "DPUCADF8H", "U200", false),
    spec(Board::U250, "u250", "DPUCADF8H", "U250", false),
];

const fn spec(
    board: Board,
    name: &'static str,
    dpu: &'static str,
    arch_dir: &'static str,
    arch_confirmed: bool,
) -> BoardSpec {
    BoardSpec { board, name, dpu, arch_dir, arch_confirmed }
}

impl Board {
    pub fn spec(self) -> &'static BoardSpec {
        BOARDS.iter().find(|row| row.board == self).expect("every board has a row in BOARDS")
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn dpu(self) -> &'static str {
        self.spec().dpu
    }

    /// Absolute path of the board's arch.json inside the Vitis AI image.
    pub fn arch_json_in_image(self) -> String {
        let spec = self.spec();
        format!("{ARCH_ROOT_IN_IMAGE}/{}/{}/arch.json", spec.dpu, spec.arch_dir)
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for a board name that is not in the board table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown board '{name}': expected one of {}, or pass --arch PATH with the board's arch.json",
    known_board_names()
)]
pub struct ParseBoardError {
    pub name: String,
}

fn known_board_names() -> String {
    BOARDS.iter().map(|row| row.name).collect::<Vec<_>>().join(", ")
}

impl FromStr for Board {
    type Err = ParseBoardError;

    /// Parses a board name case-insensitively (`ZCU102`, `zcu102`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        BOARDS
            .iter()
            .find(|row| row.name == name)
            .map(|row| row.board)
            .ok_or_else(|| ParseBoardError { name: s.to_string() })
    }
}

/// Source of the DPU description (arch.json) for the compiler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchSource {
    /// The board's arch.json shipped in the Vitis AI image.
    Image(Board),
    /// A user's arch.json on the host (`--arch PATH`), copied into the bundle
    /// so that the container reads it under /workspace. `board` still names
    /// the target in the bundle's READMEs.
    Custom { board: Board, path: PathBuf },
}

impl ArchSource {
    pub fn board(&self) -> Board {
        match self {
            ArchSource::Image(board) | ArchSource::Custom { board, .. } => *board,
        }
    }
}
