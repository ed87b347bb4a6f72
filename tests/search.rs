//! `vitis-hpo search` and `show` on a small real-MNIST slice.

use std::path::Path;
use std::process::Command;

use vitis_hpo::search::{SearchSpec, TrialStatus, parse_spec_file, read_trials};
use vitis_hpo::tensorboard::read_scalars;

fn vitis_hpo(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_vitis-hpo")).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A 5,000-image slice, 1 epoch per trial.
const SMALL: [&str; 4] = ["--split", "3500,1000,500", "--epochs", "1"];

fn search(run: &Path, extra: &[&str]) -> String {
    let mut args = vec!["search", "--out", run.to_str().unwrap()];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = vitis_hpo(&args);
    assert!(ok, "search failed:\n{stdout}\n{stderr}");
    stdout
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", path.display());
}

fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains("<svg"), "{} is not an SVG", path.display());
    assert!(text.trim_end().ends_with("</svg>"), "{} is cut short", path.display());
}

#[test]
fn short_search_writes_every_artifact() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let stdout = search(&run, &["--n-calls", "4"]);
    assert!(stdout.contains("best hyper-parameters"), "{stdout}");
    assert!(stdout.contains("best model on the test split"), "{stdout}");

    let trials = read_trials(&run).unwrap();
    assert_eq!(trials.len(), 4);
    // The lab's default point is evaluated first.
    assert_eq!(trials[0].params["num_dense_nodes"].as_i64(), Some(16));
    assert_eq!(trials[0].params["learning_rate"].as_f64(), Some(1e-5));
    for trial in &trials {
        assert_eq!(trial.status, TrialStatus::Ok);
        assert_eq!(trial.epochs.len(), 1);
        assert!((trial.fitness + trial.val_accuracy).abs() < 1e-12);
    }
    assert!(run.join("best/model.json").is_file());
    assert!(run.join("best/model.bpk").is_file());
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let best = trials.iter().map(|t| t.val_accuracy).fold(0.0, f64::max);
    assert_eq!(summary["best_val_accuracy"].as_f64(), Some(best));
    assert_eq!(summary["sorted"].as_array().unwrap().len(), 4);
    assert!(summary["test"]["accuracy"].as_f64().unwrap() > 0.0);

    for stem in ["convergence", "evaluations", "objective", "activations", "test_images", "misclassified"] {
        assert_svg(&run.join(format!("plots/{stem}.svg")));
        assert_png(&run.join(format!("plots/{stem}.png")));
    }

    // Each trial's TensorBoard file parses back with valid checksums.
    for trial in &trials {
        let folder = run.join(&trial.log_dir);
        let file = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap().path();
        assert!(file.file_name().unwrap().to_str().unwrap().starts_with("events.out.tfevents."));
        let scalars = read_scalars(&file).unwrap();
        let tags: Vec<&str> = scalars.iter().map(|s| s.tag.as_str()).collect();
        for tag in ["loss", "accuracy", "val_loss", "val_accuracy"] {
            assert!(tags.contains(&tag), "{tag} missing in {}", file.display());
        }
        let val = scalars.iter().find(|s| s.tag == "val_accuracy").unwrap();
        assert!((f64::from(val.value) - trial.val_accuracy).abs() < 1e-6);
    }

    let (ok, shown, _) = vitis_hpo(&["show", run.to_str().unwrap()]);
    assert!(ok);
    assert!(shown.contains("best trial"), "{shown}");
    assert_eq!(shown.matches("  trial ").count(), 4, "{shown}");
}

#[test]
fn resume_continues_without_rerunning() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    search(&run, &["--n-calls", "2", "--jobs", "1"]);
    let first = read_trials(&run).unwrap();
    assert_eq!(first.len(), 2);

    let (ok, stdout, stderr) = vitis_hpo(&["search", "--resume", run.to_str().unwrap(), "--n-calls", "4", "--jobs", "1"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("resuming: 2 of 4 trials already done"), "{stdout}");
    let all = read_trials(&run).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[..2], first[..]);
    // The new trials are new points.
    assert!(all[2..].iter().all(|t| first.iter().all(|f| f.point != t.point)));

    // Searching again into a used folder without --resume is an error.
    let (ok, _, stderr) = vitis_hpo(&["search", "--out", run.to_str().unwrap(), "--n-calls", "1"]);
    assert!(!ok);
    assert!(stderr.contains("--resume"), "{stderr}");
}

#[test]
fn fixed_activation_respected() {
    let dir = tempfile::tempdir().unwrap();
    let space = dir.path().join("space.toml");
    std::fs::write(
        &space,
        "n_calls = 3\n[dimensions.activation]\nvalue = \"sigmoid\"\n[dimensions.num_dense_nodes]\nlow = 8\nhigh = 32\n\
         [[x0]]\nlearning_rate = 1e-3\nnum_dense_layers = 1\nnum_dense_nodes = 16\n",
    )
    .unwrap();
    let run = dir.path().join("run");
    search(&run, &["--space", space.to_str().unwrap()]);
    let trials = read_trials(&run).unwrap();
    assert_eq!(trials.len(), 3);
    for trial in &trials {
        assert_eq!(trial.params["activation"].as_str(), Some("sigmoid"));
        let nodes = trial.params["num_dense_nodes"].as_i64().unwrap();
        assert!((8..=32).contains(&nodes), "{nodes}");
        assert_eq!(trial.point.len(), 3, "activation must not be searched");
    }
}

#[test]
fn space_file_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("space.toml");
    std::fs::write(
        &path,
        "n_calls = 20\nsurrogate = \"forest\"\nacquisition = \"lcb\"\nseed = 7\n\
         [dimensions.batch_size]\nlow = 16\nhigh = 256\n\
         [dimensions.learning_rate]\nlow = 1e-4\nhigh = 1e-1\n\
         [[x0]]\nlearning_rate = 1e-3\nnum_dense_layers = 2\nnum_dense_nodes = 64\nactivation = \"relu\"\nbatch_size = 64\n",
    )
    .unwrap();
    let mut spec = SearchSpec::default();
    parse_spec_file(&path, &mut spec).unwrap();
    assert_eq!(spec.n_calls, 20);
    assert_eq!(spec.seed, 7);
    let (space, config) = spec.build().unwrap();
    let names: Vec<&str> = space.dimensions().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["learning_rate", "num_dense_layers", "num_dense_nodes", "activation", "batch_size"]);
    assert_eq!(config.x0.len(), 1);
    assert_eq!(config.seed, 7);
}

/// Two x0 points, a fair one and a hopeless one (sigmoid at lr 1e-6 stays
/// near chance), trained one after the other for 2 epochs.
fn fair_then_hopeless(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("space.toml");
    std::fs::write(
        &path,
        "n_calls = 2\nepochs = 2\n\
         [[x0]]\nlearning_rate = 1e-3\nnum_dense_layers = 1\nnum_dense_nodes = 64\nactivation = \"relu\"\n\
         [[x0]]\nlearning_rate = 1e-6\nnum_dense_layers = 1\nnum_dense_nodes = 16\nactivation = \"sigmoid\"\n",
    )
    .unwrap();
    path
}

#[test]
fn hopeless_trial_pruned_after_first_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let space = fair_then_hopeless(dir.path());
    let search_two_epochs = |run: &Path, extra: &[&str]| {
        let mut args = vec!["search", "--out", run.to_str().unwrap(), "--split", "3500,1000,500"];
        args.extend_from_slice(&["--space", space.to_str().unwrap(), "--jobs", "1"]);
        args.extend_from_slice(extra);
        let (ok, stdout, stderr) = vitis_hpo(&args);
        assert!(ok, "search failed:\n{stdout}\n{stderr}");
        stdout
    };
    let run = dir.path().join("pruned");
    let stdout = search_two_epochs(&run, &[]);
    let trials = read_trials(&run).unwrap();
    assert_eq!(trials[0].status, TrialStatus::Ok);
    assert_eq!(trials[0].epochs.len(), 2);
    let hopeless = &trials[1];
    assert_eq!(hopeless.status, TrialStatus::Pruned, "{stdout}");
    assert_eq!(hopeless.epochs.len(), 1);
    assert!(hopeless.val_accuracy < trials[0].val_accuracy - 0.2);
    assert_eq!(hopeless.fitness, -hopeless.epochs[0].val_accuracy);
    assert!(stdout.contains("[trial 2/2] pruned after epoch 1"), "{stdout}");
    // The sorted trial list marks it too.
    assert!(stdout.matches("pruned after epoch 1").count() >= 2, "{stdout}");

    // --no-prune trains the same trial for both epochs.
    let run = dir.path().join("full");
    search_two_epochs(&run, &["--no-prune"]);
    let trials = read_trials(&run).unwrap();
    assert_eq!(trials[1].status, TrialStatus::Ok);
    assert_eq!(trials[1].epochs.len(), 2);
}

#[test]
fn invalid_spaces_rejected() {
    let cases = [
        ("[dimensions.learning_rate]\nlow = 1e-2\nhigh = 1e-6\n", "learning_rate"),
        ("[dimensions.learning_rate]\nlow = 0.0\nhigh = 1e-2\n", "learning_rate"),
        ("[dimensions.num_dense_layers]\nlow = 0\nhigh = 3\n", "num_dense_layers"),
        ("[dimensions.activation]\ncategories = [\"relu\", \"tanh\"]\n", "tanh"),
        ("[dimensions.dropout]\nlow = 0.1\nhigh = 0.5\n", "dropout"),
        ("[dimensions.activation]\ncategories = []\n", "activation"),
        ("n_calls = 0\n", "n_calls"),
        ("[[x0]]\nlearning_rate = 1.0\nnum_dense_layers = 1\nnum_dense_nodes = 16\nactivation = \"relu\"\n", "x0"),
        ("[[x0]]\nlearning_rate = 1e-3\n", "x0"),
        ("surrogate = \"svm\"\n", "svm"),
        ("prune_margin = 1.5\n", "prune margin"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (index, (text, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("space{index}.toml"));
        std::fs::write(&path, text).unwrap();
        let mut spec = SearchSpec::default();
        let error = parse_spec_file(&path, &mut spec).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains(expected), "case {index}: {message}");
    }
}

#[test]
fn resume_repairs_truncated_log() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    search(&run, &["--n-calls", "2", "--jobs", "1"]);
    let path = run.join("trials.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 40]).unwrap();

    let (ok, stdout, stderr) = vitis_hpo(&["search", "--resume", run.to_str().unwrap(), "--n-calls", "2", "--jobs", "1"]);
    assert!(ok, "{stdout}\n{stderr}");
    let trials = read_trials(&run).unwrap();
    assert_eq!(trials.len(), 2, "the cut trial is dropped and one new trial added");
    assert!(std::fs::read_to_string(&path).unwrap().ends_with('\n'));
    let (ok, _, stderr) = vitis_hpo(&["show", run.to_str().unwrap()]);
    assert!(ok, "{stderr}");
}

#[test]
fn resume_rejects_ignored_flags() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    search(&run, &["--n-calls", "1"]);
    let (ok, _, stderr) = vitis_hpo(&["search", "--resume", run.to_str().unwrap(), "--epochs", "5"]);
    assert!(!ok);
    assert!(stderr.contains("only --n-calls and --jobs"), "{stderr}");
}

#[test]
fn running_search_locks_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    search(&run, &["--n-calls", "1"]);
    assert!(!run.join("search.lock").exists(), "the lock is released");

    // A live process owns the lock: this test's own process.
    std::fs::write(run.join("search.lock"), std::process::id().to_string()).unwrap();
    let (ok, _, stderr) = vitis_hpo(&["search", "--resume", run.to_str().unwrap(), "--n-calls", "2"]);
    assert!(!ok);
    assert!(stderr.contains("another vitis-hpo"), "{stderr}");
    assert_eq!(read_trials(&run).unwrap().len(), 1);

    // A lock left by a process that no longer runs is replaced.
    std::fs::write(run.join("search.lock"), "999999999").unwrap();
    let (ok, _, stderr) = vitis_hpo(&["search", "--resume", run.to_str().unwrap(), "--n-calls", "2"]);
    assert!(ok, "{stderr}");
    assert_eq!(read_trials(&run).unwrap().len(), 2);
}
