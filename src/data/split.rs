//! The seeded train / validation / test split of the merged pool.

use std::fmt;
use std::str::FromStr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{DataError, Dataset};

/// The official training and test sets of a data source. By default the two
/// are merged (training images first) into one pool that the split shuffles.
#[derive(Debug, Clone)]
pub struct Pool {
    pub official_train: Dataset,
    pub official_test: Dataset,
}

/// Source of the test split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestSplit {
    /// Train, validation and test are all drawn from the merged pool.
    FromPool,
    /// The official test images are the test split; train and validation are
    /// drawn from the official training images only.
    Official,
}

/// The sizes of the three splits: ratios such as `7:2:1` or counts such as
/// `50000,10000,10000`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum SplitSpec {
    /// Parts of the pool: validation and test get `floor(n * part / sum)`
    /// images, and the training split gets the rest, so the remainder of the
    /// integer division goes to training.
    Ratio([u64; 3]),
    /// Exact counts; their sum may be below the pool size, never above.
    Counts([usize; 3]),
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec::Ratio([7, 2, 1])
    }
}

impl SplitSpec {
    /// Returns the (train, validation, test) counts for a pool of `pool_len`
    /// images, or an error when the spec does not fit.
    pub fn counts(&self, pool_len: usize) -> Result<[usize; 3], DataError> {
        match *self {
            SplitSpec::Ratio(parts) => {
                let sum: u64 = parts.iter().sum();
                let share = |part: u64| ((pool_len as u128 * part as u128) / sum as u128) as usize;
                let validation = share(parts[1]);
                let test = share(parts[2]);
                Ok([pool_len - validation - test, validation, test])
            }
            SplitSpec::Counts(counts) => {
                let sum: usize = counts.iter().sum();
                if sum > pool_len {
                    return Err(DataError::InvalidSplit {
                        spec: self.to_string(),
                        reason: format!(
                            "the counts add up to {sum} but the pool has only {pool_len} images; \
                             lower the counts or use a ratio such as 7:2:1"
                        ),
                    });
                }
                Ok(counts)
            }
        }
    }
}

impl fmt::Display for SplitSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitSpec::Ratio([a, b, c]) => write!(f, "{a}:{b}:{c}"),
            SplitSpec::Counts([a, b, c]) => write!(f, "{a},{b},{c}"),
        }
    }
}

impl From<SplitSpec> for String {
    fn from(spec: SplitSpec) -> String {
        spec.to_string()
    }
}

impl TryFrom<String> for SplitSpec {
    type Error = DataError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl FromStr for SplitSpec {
    type Err = DataError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| DataError::InvalidSplit { spec: text.to_string(), reason: reason.to_string() };
        let (separator, is_ratio) = if text.contains(':') { (':', true) } else { (',', false) };
        let parts: Vec<&str> = text.split(separator).map(str::trim).collect();
        if parts.len() != 3 {
            return Err(invalid(
                "expected three parts, train:validation:test ratios such as 7:2:1 \
                 or train,validation,test counts such as 50000,10000,10000",
            ));
        }
        let mut numbers = [0u64; 3];
        for (number, part) in numbers.iter_mut().zip(&parts) {
            *number = part
                .parse::<u64>()
                .map_err(|_| invalid(&format!("'{part}' is not a whole number")))?;
        }
        if numbers.contains(&0) {
            return Err(invalid("every split needs at least one image, so no part may be 0"));
        }
        if is_ratio {
            Ok(SplitSpec::Ratio(numbers))
        } else {
            Ok(SplitSpec::Counts(numbers.map(|n| n as usize)))
        }
    }
}

/// The three splits.
#[derive(Debug, Clone)]
pub struct Splits {
    pub train: Dataset,
    pub validation: Dataset,
    pub test: Dataset,
}

impl Pool {
    pub fn new(official_train: Dataset, official_test: Dataset) -> Pool {
        Pool { official_train, official_test }
    }

    pub fn len(&self) -> usize {
        self.official_train.len() + self.official_test.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Splits the pool with a shuffle seeded by `seed`. The shuffle uses ChaCha8
/// and a Fisher-Yates pass over u64 ranges, so a seed gives the same split
/// on every platform.
pub fn split_pool(pool: &Pool, spec: &SplitSpec, test_split: TestSplit, seed: u64) -> Result<Splits, DataError> {
    match test_split {
        TestSplit::FromPool => {
            let total = pool.official_train.len() + pool.official_test.len();
            let [train, validation, test] = spec.counts(total)?;
            let order = shuffled_indices(total, seed);
            let select = |indices: &[usize]| select_merged(pool, indices);
            Ok(Splits {
                train: select(&order[..train]),
                validation: select(&order[train..train + validation]),
                test: select(&order[train + validation..train + validation + test]),
            })
        }
        TestSplit::Official => {
            let source = &pool.official_train;
            let ([train, validation], test) = match *spec {
                SplitSpec::Ratio([a, b, _]) => {
                    // The test part is ignored: train and validation share
                    // the official training images in the ratio a:b.
                    let validation = ((source.len() as u128 * b as u128) / (a + b) as u128) as usize;
                    ([source.len() - validation, validation], pool.official_test.len())
                }
                SplitSpec::Counts([train, validation, test]) => {
                    if train + validation > source.len() {
                        return Err(DataError::InvalidSplit {
                            spec: spec.to_string(),
                            reason: format!(
                                "with --official-test, train and validation come from the {} official \
                                 training images, but {} were requested",
                                source.len(),
                                train + validation
                            ),
                        });
                    }
                    if test > pool.official_test.len() {
                        return Err(DataError::InvalidSplit {
                            spec: spec.to_string(),
                            reason: format!(
                                "--official-test has only {} test images but {test} were requested",
                                pool.official_test.len()
                            ),
                        });
                    }
                    ([train, validation], test)
                }
            };
            let order = shuffled_indices(source.len(), seed);
            Ok(Splits {
                train: source.select(&order[..train]),
                validation: source.select(&order[train..train + validation]),
                test: pool.official_test.head(test),
            })
        }
    }
}

/// Builds a data set from `indices` into the merged pool: the official
/// training images, then the official test images. Selecting from the two
/// parts saves copying the whole pool (about 220 MB of f32 for MNIST).
fn select_merged(pool: &Pool, indices: &[usize]) -> Dataset {
    let first = &pool.official_train;
    let mut images = Vec::with_capacity(indices.len() * Dataset::IMAGE_SIZE);
    let mut labels = Vec::with_capacity(indices.len());
    for &index in indices {
        let (part, index) = if index < first.len() {
            (first, index)
        } else {
            (&pool.official_test, index - first.len())
        };
        images.extend_from_slice(part.image(index));
        labels.push(part.labels[index]);
    }
    Dataset { images, labels }
}

/// Returns a seeded permutation of `0..len`.
pub(crate) fn shuffled_indices(len: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        let j = rng.random_range(0..=i as u64) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a data set whose image `i` has every pixel equal to `first + i`.
    fn numbered(first: usize, count: usize) -> Dataset {
        Dataset {
            images: (first..first + count)
                .flat_map(|value| std::iter::repeat_n(value as f32, Dataset::IMAGE_SIZE))
                .collect(),
            labels: (first..first + count).map(|value| (value % 10) as u8).collect(),
        }
    }

    #[test]
    fn select_merged_equals_select_on_copy() {
        let pool = Pool::new(numbered(0, 7), numbered(7, 4));
        let mut merged = pool.official_train.clone();
        merged.extend(&pool.official_test);
        let indices = [10, 0, 6, 7, 3, 9];
        let selected = select_merged(&pool, &indices);
        assert_eq!(selected.labels, merged.select(&indices).labels);
        assert_eq!(selected.images, merged.select(&indices).images);
    }
}
