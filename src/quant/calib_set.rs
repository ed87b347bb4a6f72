//! Drawing the calibration images from the training split.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::QuantError;
use crate::model::{INPUT_SIZE, NUM_CLASSES};

/// Calibration images drawn from a larger pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSet {
    /// Row-major `[n, 784]`, pixels in [0, 1].
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
    /// Index of each drawn image in the pool, ascending, so that another tool
    /// (the Vitis AI quantizer in the deployment bundle) can use the same images.
    pub indices: Vec<usize>,
}

impl CalibrationSet {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Checks that `images` is `[labels.len(), 784]` and every label is a class.
pub fn check_image_set(images: &[f32], labels: &[u8]) -> Result<(), QuantError> {
    if !images.len().is_multiple_of(INPUT_SIZE) {
        return Err(QuantError::ImageBufferShape {
            len: images.len(),
            width: INPUT_SIZE,
        });
    }
    let count = images.len() / INPUT_SIZE;
    if count != labels.len() {
        return Err(QuantError::LabelCount {
            images: count,
            labels: labels.len(),
        });
    }
    if let Some((index, &label)) = labels
        .iter()
        .enumerate()
        .find(|(_, label)| **label as usize >= NUM_CLASSES)
    {
        return Err(QuantError::InvalidLabel {
            index,
            label,
            classes: NUM_CLASSES,
        });
    }
    Ok(())
}

/// Draws `size` images stratified by class: each class gets a share of
/// `size` proportional to its share of the pool (largest remainders break
/// ties, lower class first), and its images are a seeded random sample.
/// The same pool, size and seed always give the same set.
pub fn draw_calibration_set(
    images: &[f32],
    labels: &[u8],
    size: usize,
    seed: u64,
) -> Result<CalibrationSet, QuantError> {
    check_image_set(images, labels)?;
    if size == 0 {
        return Err(QuantError::CalibSizeZero);
    }
    if size > labels.len() {
        return Err(QuantError::CalibSizeTooLarge {
            requested: size,
            available: labels.len(),
        });
    }

    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); NUM_CLASSES];
    for (index, &label) in labels.iter().enumerate() {
        by_class[label as usize].push(index);
    }
    let quotas = class_quotas(&by_class.iter().map(Vec::len).collect::<Vec<_>>(), size);

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut indices = Vec::with_capacity(size);
    for (members, quota) in by_class.iter_mut().zip(quotas) {
        members.shuffle(&mut rng);
        indices.extend_from_slice(&members[..quota]);
    }
    indices.sort_unstable();

    let mut drawn_images = Vec::with_capacity(size * INPUT_SIZE);
    for &index in &indices {
        drawn_images.extend_from_slice(&images[index * INPUT_SIZE..(index + 1) * INPUT_SIZE]);
    }
    let drawn_labels = indices.iter().map(|&index| labels[index]).collect();
    Ok(CalibrationSet {
        images: drawn_images,
        labels: drawn_labels,
        indices,
    })
}

/// Splits `size` over classes in proportion to `class_sizes` (largest
/// remainder method); no class gets more than it has. Requires `size <= sum`.
fn class_quotas(class_sizes: &[usize], size: usize) -> Vec<usize> {
    let total: usize = class_sizes.iter().sum();
    let mut quotas: Vec<usize> = class_sizes.iter().map(|&n| n * size / total).collect();
    let mut by_remainder: Vec<usize> = (0..class_sizes.len()).collect();
    // Sort is stable, so equal remainders keep the lower class first.
    by_remainder.sort_by_key(|&class| std::cmp::Reverse(class_sizes[class] * size % total));
    let mut missing = size - quotas.iter().sum::<usize>();
    for class in by_remainder.into_iter().cycle() {
        if missing == 0 {
            break;
        }
        if quotas[class] < class_sizes[class] {
            quotas[class] += 1;
            missing -= 1;
        }
    }
    quotas
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a pool of `per_class[c]` images of class c; pixel 0 of image i is i / 1000 to tell images apart.
    fn pool(per_class: &[usize]) -> (Vec<f32>, Vec<u8>) {
        let mut labels = Vec::new();
        for (class, &n) in per_class.iter().enumerate() {
            labels.extend(std::iter::repeat_n(class as u8, n));
        }
        let mut images = vec![0.0; labels.len() * INPUT_SIZE];
        for i in 0..labels.len() {
            images[i * INPUT_SIZE] = i as f32 / 1000.0;
        }
        (images, labels)
    }

    #[test]
    fn calibration_set_is_stratified() {
        let (images, labels) = pool(&[100, 200, 100, 100, 100, 100, 100, 100, 50, 50]);
        let set = draw_calibration_set(&images, &labels, 100, 7).unwrap();
        let mut counts = [0usize; NUM_CLASSES];
        for &label in &set.labels {
            counts[label as usize] += 1;
        }
        assert_eq!(counts, [10, 20, 10, 10, 10, 10, 10, 10, 5, 5]);
        assert_eq!(set.images.len(), 100 * INPUT_SIZE);
    }

    #[test]
    fn calibration_set_matches_pool_rows() {
        let (images, labels) = pool(&[30; 10]);
        let set = draw_calibration_set(&images, &labels, 25, 3).unwrap();
        for (row, &index) in set.indices.iter().enumerate() {
            assert_eq!(set.labels[row], labels[index]);
            assert_eq!(set.images[row * INPUT_SIZE], images[index * INPUT_SIZE]);
        }
        assert!(
            set.indices.windows(2).all(|pair| pair[0] < pair[1]),
            "indices ascending and distinct"
        );
    }

    #[test]
    fn calibration_set_same_seed_same_images() {
        let (images, labels) = pool(&[50; 10]);
        let first = draw_calibration_set(&images, &labels, 77, 42).unwrap();
        let second = draw_calibration_set(&images, &labels, 77, 42).unwrap();
        let other_seed = draw_calibration_set(&images, &labels, 77, 43).unwrap();
        assert_eq!(first, second);
        assert_ne!(first.indices, other_seed.indices);
    }

    #[test]
    fn calibration_size_zero_rejected() {
        let (images, labels) = pool(&[5; 10]);
        let error = draw_calibration_set(&images, &labels, 0, 1).unwrap_err();
        assert!(matches!(error, QuantError::CalibSizeZero), "{error}");
    }

    #[test]
    fn calibration_size_above_pool_rejected() {
        let (images, labels) = pool(&[5; 10]);
        let error = draw_calibration_set(&images, &labels, 51, 1).unwrap_err();
        assert!(
            matches!(
                error,
                QuantError::CalibSizeTooLarge {
                    requested: 51,
                    available: 50
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("at most 50"), "{error}");
    }

    #[test]
    fn whole_pool_can_be_drawn() {
        let (images, labels) = pool(&[3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
        let set = draw_calibration_set(&images, &labels, labels.len(), 1).unwrap();
        assert_eq!(set.indices, (0..labels.len()).collect::<Vec<_>>());
    }

    #[test]
    fn quotas_fill_small_classes_first_when_needed() {
        // 7 of 10 with sizes 1 and 9: proportional gives 0.7 and 6.3.
        assert_eq!(class_quotas(&[1, 9], 7), vec![1, 6]);
        assert_eq!(class_quotas(&[0, 4], 4), vec![0, 4]);
    }

    #[test]
    fn bad_image_buffers_rejected() {
        let error = draw_calibration_set(&[0.0; 785], &[1], 1, 1).unwrap_err();
        assert!(
            matches!(error, QuantError::ImageBufferShape { .. }),
            "{error}"
        );
        let error = draw_calibration_set(&[0.0; 784], &[1, 2], 1, 1).unwrap_err();
        assert!(
            matches!(
                error,
                QuantError::LabelCount {
                    images: 1,
                    labels: 2
                }
            ),
            "{error}"
        );
        let error = draw_calibration_set(&[0.0; 784], &[10], 1, 1).unwrap_err();
        assert!(
            matches!(error, QuantError::InvalidLabel { label: 10, .. }),
            "{error}"
        );
    }
}
