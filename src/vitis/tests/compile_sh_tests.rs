//! compile.sh under shellcheck and against a fake `docker` that records the
//! arguments of each call and prints a compiler log.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::fixture::{self, NET_NAME};
use super::python_env::describe;
use crate::model::Activation;
use crate::vitis::{ArchSource, BOARDS, Board, BundleInputs, DEFAULT_IMAGE, write_bundle};

/// Emulates `docker info`, `docker image inspect`, the arch listing run and
/// the compile run. Each call appends its arguments to $FAKE_DOCKER_LOG, one
/// per line, followed by a `--end--` line.
const FAKE_DOCKER: &str = r#"#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$@" --end-- >>"$FAKE_DOCKER_LOG"
case "$1" in
  info) exit 0 ;;
  image)
    if [ "$2" = inspect ] && [ "$3" = "$FAKE_DOCKER_IMAGE" ]; then exit 0; fi
    echo "Error: No such image: $3" >&2
    exit 1 ;;
  run)
    script="${!#}"
    if [[ "$script" == *"ls /opt/vitis_ai/compiler/arch/"* ]]; then
      printf '%s\n' "$FAKE_ARCH_LIST"
      exit 0
    fi
    host="" previous=""
    for arg in "$@"; do
      if [ "$previous" = -v ]; then host="${arg%:/workspace}"; fi
      previous="$arg"
    done
    net="$(sed -n 's/.* -n \([A-Za-z0-9_-]*\)$/\1/p' <<<"$script")"
    mkdir -p "$host/compiled"
    echo "fake xmodel" >"$host/compiled/$net.xmodel"
    echo "[UNILOG][INFO] Compile mode: dpu"
    printf '%s\n' "${FAKE_COMPILER_LOG:-[UNILOG][INFO] Total device subgraph number 3, DPU subgraph number 1}"
    exit "${FAKE_RUN_STATUS:-0}" ;;
esac
echo "fake docker: unexpected command $1" >&2
exit 2
"#;

/// A bundle in a temporary directory with a fake docker next to it.
struct Harness {
    _dir: tempfile::TempDir,
    bundle: PathBuf,
    bin: PathBuf,
    docker_log: PathBuf,
}

fn all_arch_files() -> String {
    BOARDS.iter().map(|row| row.board.arch_json_in_image()).collect::<Vec<_>>().join("\n")
}

fn harness(inputs: &BundleInputs) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("run/deploy");
    write_bundle(inputs, &bundle).unwrap();

    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let docker = bin.join("docker");
    std::fs::write(&docker, FAKE_DOCKER).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();

    let docker_log = dir.path().join("docker.log");
    Harness { _dir: dir, bundle, bin, docker_log }
}

impl Harness {
    /// Runs compile.sh with only the fake docker and /usr/bin:/bin on PATH,
    /// so that no real docker can be reached.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(self.bundle.join("compile.sh"));
        command
            .args(args)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", self.bin.display()))
            .env("FAKE_DOCKER_LOG", &self.docker_log)
            .env("FAKE_DOCKER_IMAGE", DEFAULT_IMAGE)
            .env("FAKE_ARCH_LIST", all_arch_files())
            .current_dir("/");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    }

    /// Returns the recorded docker calls, each as its argument list.
    fn docker_calls(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(&self.docker_log).unwrap_or_default();
        let mut calls = Vec::new();
        let mut current = Vec::new();
        for line in text.lines() {
            if line == "--end--" {
                calls.push(std::mem::take(&mut current));
            } else {
                current.push(line.to_string());
            }
        }
        calls
    }
}

fn small_fixture_inputs(board: Board) -> BundleInputs {
    fixture::bundle_inputs(Activation::Relu, board)
}

fn id(flag: &str) -> String {
    let output = Command::new("id").arg(flag).output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// Returns the value after `flag` in `args`.
fn value_after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().position(|arg| arg == flag).and_then(|index| args.get(index + 1)).map(String::as_str)
}

#[test]
fn compile_sh_passes_shellcheck() {
    if Command::new("shellcheck").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shellcheck is not installed; CI must install it (apt-get install -y shellcheck)"
        );
        eprintln!("NOTE: shellcheck is not installed, compile_sh_passes_shellcheck checked nothing");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = small_fixture_inputs(Board::Zcu102);
    write_bundle(&inputs, &dir.path().join("image")).unwrap();
    let arch = dir.path().join("arch.json");
    std::fs::write(&arch, r#"{"target": "custom"}"#).unwrap();
    inputs.arch = ArchSource::Custom { board: Board::Zcu102, path: arch };
    write_bundle(&inputs, &dir.path().join("custom")).unwrap();

    for variant in ["image", "custom"] {
        let script = dir.path().join(variant).join("compile.sh");
        let output =
            Command::new("shellcheck").args(["--severity=style", "--shell=bash"]).arg(&script).output().unwrap();
        assert!(output.status.success(), "shellcheck on the {variant} variant:\n{}", describe(&output));
    }
}

#[test]
fn compile_sh_runs_container_as_caller() {
    let harness = harness(&small_fixture_inputs(Board::Zcu102));
    let output = harness.run(&[], &[]);
    assert!(output.status.success(), "{}", describe(&output));

    let calls = harness.docker_calls();
    assert_eq!(calls[0], vec!["info"]);
    assert_eq!(calls[1], vec!["image", "inspect", DEFAULT_IMAGE]);
    assert_eq!(calls.len(), 4, "info, inspect, arch listing, compile: {calls:?}");
    let run = &calls[3];
    assert_eq!(run[0], "run");
    assert!(run.contains(&"--rm".to_string()), "{run:?}");
    for interactive in ["-it", "-i", "-t", "--interactive", "--tty"] {
        assert!(!run.contains(&interactive.to_string()), "{run:?} must not be interactive");
    }
    assert_eq!(value_after(run, "--user"), Some(format!("{}:{}", id("-u"), id("-g")).as_str()));
    assert_eq!(value_after(run, "-e"), Some("HOME=/workspace/.home"));
    assert_eq!(value_after(run, "-v"), Some(format!("{}:/workspace", harness.bundle.display()).as_str()));
    assert_eq!(value_after(run, "-w"), Some("/workspace"));
    assert_eq!(value_after(run, "bash"), Some("-c"));
    assert_eq!(run[run.len() - 4], DEFAULT_IMAGE, "{run:?}");

    let script = run.last().unwrap();
    let steps: Vec<&str> = script.split(" && ").map(str::trim).collect();
    assert_eq!(
        steps,
        vec![
            "source /opt/vitis_ai/conda/etc/profile.d/conda.sh",
            "conda activate vitis-ai-tensorflow2",
            "python quantize_compile.py",
            &format!(
                "vai_c_tensorflow2 -m quantized.h5 -a /opt/vitis_ai/compiler/arch/DPUCZDX8G/ZCU102/arch.json -o compiled -n {NET_NAME}"
            ),
        ]
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("DPU subgraphs: 1"), "{stdout}");
    assert!(stdout.contains("CPU subgraphs: 2"), "{stdout}");
    let xmodel = harness.bundle.join(format!("compiled/{NET_NAME}.xmodel"));
    assert!(stdout.contains(&format!("xmodel: {}", xmodel.display())), "{stdout}");
    assert!(harness.bundle.join(format!("board/{NET_NAME}.xmodel")).is_file());
    assert!(harness.bundle.join("compiled/compile.log").is_file());
}

#[test]
fn compile_sh_uses_each_boards_arch() {
    for row in BOARDS {
        let harness = harness(&small_fixture_inputs(row.board));
        let output = harness.run(&[], &[]);
        assert!(output.status.success(), "{}: {}", row.name, describe(&output));
        let calls = harness.docker_calls();
        let script = calls.last().unwrap().last().unwrap();
        let expected = format!("-a /opt/vitis_ai/compiler/arch/{}/{}/arch.json -o compiled", row.dpu, row.arch_dir);
        assert!(script.contains(&expected), "{}: {script}", row.name);
    }
}

#[test]
fn compile_sh_lists_arch_files_when_missing() {
    let harness = harness(&small_fixture_inputs(Board::Kv260));
    let listing = "/opt/vitis_ai/compiler/arch/DPUCZDX8G/ZCU102/arch.json\n/opt/vitis_ai/compiler/arch/DPUCZDX8G/ZCU104/arch.json";
    let output = harness.run(&[], &[("FAKE_ARCH_LIST", listing)]);
    assert!(!output.status.success(), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/opt/vitis_ai/compiler/arch/DPUCZDX8G/KV260/arch.json not found"), "{stderr}");
    assert!(stderr.contains("DPUCZDX8G/ZCU102/arch.json"), "{stderr}");
    assert!(stderr.contains("DPUCZDX8G/ZCU104/arch.json"), "{stderr}");
    assert!(stderr.contains("--arch PATH"), "{stderr}");
    assert_eq!(harness.docker_calls().len(), 3, "quantization must not start");
}

#[test]
fn compile_sh_custom_arch_skips_listing() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("my_arch.json");
    std::fs::write(&arch, r#"{"target": "DPUCZDX8G_CUSTOM"}"#).unwrap();
    let mut inputs = small_fixture_inputs(Board::Zcu104);
    inputs.arch = ArchSource::Custom { board: Board::Zcu104, path: arch.clone() };
    let harness = harness(&inputs);
    assert_eq!(std::fs::read(harness.bundle.join("arch/arch.json")).unwrap(), std::fs::read(&arch).unwrap());

    let output = harness.run(&[], &[("FAKE_ARCH_LIST", "")]);
    assert!(output.status.success(), "{}", describe(&output));
    let calls = harness.docker_calls();
    assert_eq!(calls.len(), 3, "no arch listing run: {calls:?}");
    assert!(calls[2].last().unwrap().contains("-a /workspace/arch/arch.json -o compiled"), "{calls:?}");
}

#[test]
fn compile_sh_image_argument_overrides() {
    let mut inputs = small_fixture_inputs(Board::Zcu102);
    inputs.image = "xilinx/vitis-ai-cpu:2.5.0.1260".into();
    let harness = harness(&inputs);

    let output = harness.run(&[], &[("FAKE_DOCKER_IMAGE", "xilinx/vitis-ai-cpu:2.5.0.1260")]);
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(harness.docker_calls()[1], vec!["image", "inspect", "xilinx/vitis-ai-cpu:2.5.0.1260"]);

    let output = harness.run(&["local/vitis:2.5"], &[("FAKE_DOCKER_IMAGE", "local/vitis:2.5")]);
    assert!(output.status.success(), "{}", describe(&output));
    let calls = harness.docker_calls();
    let run = calls.last().unwrap();
    assert_eq!(run[run.len() - 4], "local/vitis:2.5");
}

#[test]
fn compile_sh_missing_image_says_pull() {
    let harness = harness(&small_fixture_inputs(Board::Zcu102));
    let output = harness.run(&[], &[("FAKE_DOCKER_IMAGE", "other/image:1")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("docker pull {DEFAULT_IMAGE}")), "{stderr}");
    assert_eq!(harness.docker_calls().len(), 2);
}

#[test]
fn compile_sh_without_docker_fails() {
    let harness = harness(&small_fixture_inputs(Board::Zcu102));
    assert!(!Path::new("/usr/bin/docker").exists(), "a real docker is in /usr/bin");
    assert!(!Path::new("/bin/docker").exists(), "a real docker is in /bin");
    std::fs::remove_file(harness.bin.join("docker")).unwrap();
    let output = harness.run(&[], &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("docker not found on PATH"), "{stderr}");
}

#[test]
fn compile_sh_fails_on_container_error() {
    let harness = harness(&small_fixture_inputs(Board::Zcu102));
    let output = harness.run(&[], &[("FAKE_RUN_STATUS", "1")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("quantization or compilation failed"), "{stderr}");
    assert!(!harness.bundle.join(format!("board/{NET_NAME}.xmodel")).exists());
}

#[test]
fn compile_sh_reports_split_graph() {
    let harness = harness(&small_fixture_inputs(Board::U50));
    let log = "[UNILOG][INFO] Total device subgraph number 5, DPU subgraph number 2";
    let output = harness.run(&[], &[("FAKE_COMPILER_LOG", log)]);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("DPU subgraphs: 2"), "{stdout}");
    assert!(stdout.contains("CPU subgraphs: 3"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("expected 1 DPU subgraph, got 2"), "{stderr}");

    let output = harness.run(&[], &[("FAKE_COMPILER_LOG", "compiler crashed")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no subgraph counts"), "{}", describe(&output));
}

#[test]
fn rewriting_bundle_removes_old_compile() {
    let inputs = small_fixture_inputs(Board::Zcu102);
    let harness = harness(&inputs);
    let output = harness.run(&[], &[]);
    assert!(output.status.success(), "{}", describe(&output));
    std::fs::write(harness.bundle.join("quantized.h5"), "old").unwrap();
    let old_xmodel = harness.bundle.join(format!("board/{NET_NAME}.xmodel"));
    assert!(old_xmodel.is_file());

    write_bundle(&inputs, &harness.bundle).unwrap();
    assert!(!old_xmodel.exists(), "an old xmodel must not stay next to new test images");
    assert!(!harness.bundle.join("compiled").exists());
    assert!(!harness.bundle.join("quantized.h5").exists());
    assert!(harness.bundle.join("compile.sh").is_file());
}
