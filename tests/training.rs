//! Training on real MNIST slices with burn.

use vitis_hpo::data::{DataSource, Dataset, SplitSpec, Splits, TestSplit, load_pool, split_pool};
use vitis_hpo::model::Activation;
use vitis_hpo::training::{NoProgress, TrainConfig, TrainedModel, evaluate, predict_probabilities, train};

/// 10,000 training, 2,000 validation and 1,000 test images of real MNIST.
fn small_splits() -> Splits {
    let pool = load_pool(&DataSource::EmbeddedMnist).unwrap();
    let spec: SplitSpec = "10000,2000,1000".parse().unwrap();
    split_pool(&pool, &spec, TestSplit::FromPool, 3).unwrap()
}

fn config(activation: Activation) -> TrainConfig {
    TrainConfig {
        learning_rate: 1e-3,
        num_dense_layers: 1,
        num_dense_nodes: 64,
        activation,
        batch_size: 128,
        epochs: 1,
        seed: 5,
    }
}

#[test]
fn relu_model_reaches_90_percent() {
    let splits = small_splits();
    // Batch 32 gives 313 Adam steps in the one epoch over 10,000 images.
    let mut config = config(Activation::Relu);
    config.batch_size = 32;
    let trained = train(&config, &splits.train, &splits.validation, &mut NoProgress).unwrap();
    let last = trained.last_epoch().unwrap();
    assert_eq!(trained.history.len(), 1);
    assert!(last.val_accuracy >= 0.90, "validation accuracy {}", last.val_accuracy);
    assert!(last.loss.is_finite());
    assert!(last.loss > 0.0);
    assert!(last.accuracy > 0.5);
    assert!(last.accuracy <= 1.0);
    // The reported validation metrics equal a fresh evaluation.
    let again = evaluate(&trained, &splits.validation);
    assert!((again.accuracy - last.val_accuracy).abs() < 1e-12);
    assert!((again.loss - last.val_loss).abs() < 1e-6);
}

#[test]
fn sigmoid_model_learns() {
    let splits = small_splits();
    let mut config = config(Activation::Sigmoid);
    config.epochs = 2;
    let trained = train(&config, &splits.train, &splits.validation, &mut NoProgress).unwrap();
    let first = trained.history[0];
    let last = trained.history[1];
    assert!(last.val_accuracy >= 0.85, "validation accuracy {}", last.val_accuracy);
    assert!(last.loss < first.loss, "loss {} then {}", first.loss, last.loss);
}

#[test]
fn same_seed_same_model() {
    let splits = small_splits();
    let head = |d: &Dataset| d.head(2000);
    let a = train(&config(Activation::Relu), &head(&splits.train), &splits.validation, &mut NoProgress).unwrap();
    let b = train(&config(Activation::Relu), &head(&splits.train), &splits.validation, &mut NoProgress).unwrap();
    assert_eq!(a.weights(), b.weights());
}

#[test]
fn weights_match_reference_forward() {
    let splits = small_splits();
    let mut config = config(Activation::Sigmoid);
    config.num_dense_layers = 2;
    let trained = train(&config, &splits.train.head(1000), &splits.validation, &mut NoProgress).unwrap();
    let weights = trained.weights();
    weights.validate().unwrap();
    assert_eq!(weights.layers.len(), 3);
    assert_eq!(weights.layers[0].name, "dense_1");
    assert_eq!(weights.layers[2].name, "logits");

    let test = splits.test.head(100);
    let logits = weights.forward_reference(&test.images);
    let probabilities = predict_probabilities(&trained, &test);
    for (row, expected) in logits.chunks(10).zip(probabilities.chunks(10)) {
        let max = row.iter().cloned().fold(f32::MIN, f32::max);
        let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
        for (v, e) in row.iter().zip(expected) {
            assert!(((v - max).exp() / sum - e).abs() < 1e-5);
        }
    }
}

#[test]
fn save_then_load_predicts_identically() {
    let splits = small_splits();
    let trained = train(&config(Activation::Relu), &splits.train.head(2000), &splits.validation, &mut NoProgress).unwrap();
    let folder = tempfile::tempdir().unwrap();
    trained.save(folder.path(), None, &Default::default()).unwrap();
    assert!(folder.path().join("model.bpk").is_file());
    assert!(folder.path().join("model.json").is_file());

    let (loaded, saved) = TrainedModel::load(folder.path()).unwrap();
    assert_eq!(saved.config, trained.config);
    assert_eq!(saved.layer_sizes, vec![784, 64, 10]);
    assert_eq!(loaded.history, trained.history);
    assert_eq!(loaded.weights(), trained.weights());
    assert_eq!(predict_probabilities(&loaded, &splits.test), predict_probabilities(&trained, &splits.test));
}

#[test]
fn load_missing_model_is_clear() {
    let folder = tempfile::tempdir().unwrap();
    let error = TrainedModel::load(folder.path()).unwrap_err().to_string();
    assert!(error.contains("model.json"), "{error}");
    assert!(error.contains("not found"), "{error}");
}

#[test]
fn invalid_settings_rejected() {
    let splits = small_splits();
    let cases: [(&str, fn(&mut TrainConfig)); 4] = [
        ("learning rate", |c| c.learning_rate = 0.0),
        ("dense layers", |c| c.num_dense_layers = 0),
        ("batch size", |c| c.batch_size = 0),
        ("epochs", |c| c.epochs = 0),
    ];
    for (name, change) in cases {
        let mut config = config(Activation::Relu);
        change(&mut config);
        let error = train(&config, &splits.train, &splits.validation, &mut NoProgress).unwrap_err().to_string();
        assert!(error.contains(name), "{name}: {error}");
    }
}

#[test]
fn divergence_reported() {
    let splits = small_splits();
    let mut config = config(Activation::Relu);
    config.learning_rate = 1e30;
    let error = train(&config, &splits.train.head(3000), &splits.validation, &mut NoProgress).unwrap_err().to_string();
    assert!(error.contains("diverged"), "{error}");
}
