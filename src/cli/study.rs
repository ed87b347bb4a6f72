//! `vitis-hpo study`: the experiments of the lab report, each a search, with
//! their tables in Markdown (English or Korean) and JSON, and report.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::data_args::DataArgs;
use super::search::{search, stored_spec_matching};
use crate::data::SplitSpec;
use crate::optimizer::Value;
use crate::search::{SearchSpec, Summary, read_summary};

/// An experiment of the lab report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Experiment {
    /// The search at batch sizes 16, 32, 64 and 128.
    BatchSize,
    /// The search with the splits 50000/10000/10000, 50000/15000/5000 and 50000/5000/15000.
    Split,
    /// The search with the activation fixed to relu and to sigmoid.
    Activation,
    /// All three.
    All,
}

/// Language of the Markdown tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Ko,
}

/// Options of `vitis-hpo study`.
#[derive(Debug, Args)]
pub struct StudyArgs {
    #[arg(value_enum)]
    pub experiment: Experiment,

    /// Folder of the study: one run folder per search, the tables and report.md.
    #[arg(long, default_value = "runs/study", value_name = "DIR")]
    pub out: PathBuf,

    /// Trials of every search.
    #[arg(long, default_value_t = 15, value_parser = super::train::parse_count, value_name = "N")]
    pub calls: usize,

    /// Epochs of every trial.
    #[arg(long, default_value_t = 3, value_parser = super::train::parse_count, value_name = "N")]
    pub epochs: usize,

    /// Seed of every search's optimizer.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub seed: u64,

    /// Language of the Markdown tables: en or ko.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,

    /// Trials trained at the same time.
    #[arg(long, default_value_t = 2, value_parser = super::train::parse_count, value_name = "N")]
    pub jobs: usize,

    #[command(flatten)]
    pub data: DataArgs,
}

/// One row of a study table: the best trial of one search.
#[derive(Debug, Clone, Serialize)]
pub struct StudyRow {
    /// The varied setting, e.g. `16` or `50000/10000/10000` or `relu`.
    pub setting: String,
    pub learning_rate: f64,
    pub num_dense_nodes: i64,
    pub num_dense_layers: i64,
    pub activation: String,
    pub val_accuracy: f64,
    pub test_loss: f64,
    pub test_accuracy: f64,
    pub run: PathBuf,
}

const BATCH_SIZES: [usize; 4] = [16, 32, 64, 128];
const SPLITS: [[usize; 3]; 3] = [[50_000, 10_000, 10_000], [50_000, 15_000, 5_000], [50_000, 5_000, 15_000]];

pub fn run(args: StudyArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let experiments: &[Experiment] = match args.experiment {
        Experiment::All => &[Experiment::BatchSize, Experiment::Split, Experiment::Activation],
        ref one => std::slice::from_ref(one),
    };
    let mut report = String::new();
    let _ = writeln!(report, "{}\n", text(args.lang, "# Hyper-parameter study", "# 하이퍼파라미터 실험 보고서"));
    for &experiment in experiments {
        let rows = run_experiment(&args, experiment)?;
        let (name, table) = render_table(experiment, &rows, args.lang);
        std::fs::write(args.out.join(format!("{name}.md")), &table)?;
        std::fs::write(args.out.join(format!("{name}.json")), serde_json::to_string_pretty(&rows)? + "\n")?;
        report.push_str(&table);
        for row in &rows {
            let plot = row.run.strip_prefix(&args.out).unwrap_or(&row.run).join("plots/convergence.png");
            let _ = writeln!(report, "\n![{} {}]({})", text(args.lang, "convergence", "수렴 그래프"), row.setting, plot.display());
        }
        report.push('\n');
    }
    let report_path = args.out.join("report.md");
    std::fs::write(&report_path, &report)?;
    println!("\n{report}");
    println!("wrote {}", report_path.display());
    Ok(())
}

fn run_experiment(args: &StudyArgs, experiment: Experiment) -> anyhow::Result<Vec<StudyRow>> {
    let base = SearchSpec { n_calls: args.calls, epochs: args.epochs, seed: args.seed, data: args.data.settings(), ..SearchSpec::default() };
    let mut variants: Vec<(String, String, SearchSpec)> = Vec::new();
    match experiment {
        Experiment::BatchSize => {
            for batch in BATCH_SIZES {
                variants.push((batch.to_string(), format!("batch_{batch}"), SearchSpec { batch_size: batch, ..base.clone() }));
            }
        }
        Experiment::Split => {
            for counts in SPLITS {
                let mut spec = base.clone();
                spec.data.split = SplitSpec::Counts(counts);
                let label = format!("{}/{}/{}", counts[0], counts[1], counts[2]);
                variants.push((label, format!("split_{}_{}_{}", counts[0], counts[1], counts[2]), spec));
            }
        }
        Experiment::Activation => {
            for activation in ["relu", "sigmoid"] {
                let mut spec = base.clone();
                spec.fix("activation", Value::Categorical(activation.into()));
                variants.push((activation.to_string(), format!("activation_{activation}"), spec));
            }
        }
        Experiment::All => unreachable!("expanded by the caller"),
    }

    let mut rows = Vec::new();
    for (setting, folder, spec) in variants {
        let run_dir = args.out.join(&folder);
        println!("\n== {folder} ==");
        if run_dir.join(crate::search::RUN_JSON).is_file() {
            // A folder searched with other --epochs, --seed or data must not
            // fill this table.
            stored_spec_matching(&run_dir, &spec, "run the study with the settings that made it, or choose a new --out")?;
        }
        let resuming = run_dir.join(crate::search::TRIALS_JSONL).exists();
        let finished = read_summary(&run_dir)?.is_some_and(|s| !s.interrupted && s.trials >= spec.n_calls);
        if !finished {
            let outcome = search(&spec, &run_dir, args.jobs, resuming)?;
            anyhow::ensure!(!outcome.interrupted, "study interrupted; run the same command again to resume");
        }
        let summary = read_summary(&run_dir)?.with_context(|| format!("{} has no summary", run_dir.display()))?;
        rows.push(row(setting, &summary, &spec, &run_dir));
    }
    Ok(rows)
}

fn row(setting: String, summary: &Summary, spec: &SearchSpec, run_dir: &Path) -> StudyRow {
    let param = |name: &str| summary.best_params.get(name).cloned();
    let fixed_activation = spec.fixed().get("activation").and_then(|v| v.as_str().map(String::from));
    StudyRow {
        setting,
        learning_rate: param("learning_rate").and_then(|v| v.as_f64()).unwrap_or(f64::NAN),
        num_dense_nodes: param("num_dense_nodes").and_then(|v| v.as_i64()).unwrap_or(0),
        num_dense_layers: param("num_dense_layers").and_then(|v| v.as_i64()).unwrap_or(0),
        activation: param("activation").and_then(|v| v.as_str().map(String::from)).or(fixed_activation).unwrap_or_default(),
        val_accuracy: summary.best_val_accuracy,
        test_loss: summary.test.map_or(f64::NAN, |t| t.loss),
        test_accuracy: summary.test.map_or(f64::NAN, |t| t.accuracy),
        run: run_dir.to_path_buf(),
    }
}

fn text(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// Returns the table's file stem and its Markdown.
pub fn render_table(experiment: Experiment, rows: &[StudyRow], lang: Lang) -> (&'static str, String) {
    let (name, title, first) = match experiment {
        Experiment::BatchSize => ("batch_size", text(lang, "## Batch size", "## 배치 크기"), text(lang, "batch size", "배치 크기")),
        Experiment::Split => ("split", text(lang, "## Train / validation / test split", "## 학습 / 검증 / 테스트 분할"), text(lang, "split", "분할")),
        Experiment::Activation => ("activation", text(lang, "## Fixed activation", "## 활성화 함수 고정"), text(lang, "fixed activation", "고정한 활성화 함수")),
        Experiment::All => unreachable!("one table per experiment"),
    };
    let headers = [
        first,
        text(lang, "learning rate", "학습률"),
        text(lang, "dense nodes", "노드 수"),
        text(lang, "dense layers", "층 수"),
        text(lang, "activation", "활성화 함수"),
        text(lang, "validation accuracy", "검증 정확도"),
        text(lang, "test loss", "테스트 손실"),
        text(lang, "test accuracy", "테스트 정확도"),
    ];
    let mut table = format!("{title}\n\n| {} |\n|{}\n", headers.join(" | "), "---|".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(
            table,
            "| {} | {:.2e} | {} | {} | {} | {:.4} | {:.4} | {:.4} |",
            row.setting, row.learning_rate, row.num_dense_nodes, row.num_dense_layers, row.activation, row.val_accuracy, row.test_loss, row.test_accuracy
        );
    }
    (name, table)
}
