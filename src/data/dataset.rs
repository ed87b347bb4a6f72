use super::IMAGE_SIDE;

/// Images and labels in memory: pixels as f32 in [0, 1], row-major
/// `[len, 784]`, labels 0 to 9.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
}

impl Dataset {
    /// Pixels per image.
    pub const IMAGE_SIZE: usize = IMAGE_SIDE * IMAGE_SIDE;

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, index: usize) -> &[f32] {
        &self.images[index * Self::IMAGE_SIZE..(index + 1) * Self::IMAGE_SIZE]
    }

    /// Builds a data set from the given indices of `self`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        let mut images = Vec::with_capacity(indices.len() * Self::IMAGE_SIZE);
        let mut labels = Vec::with_capacity(indices.len());
        for &index in indices {
            images.extend_from_slice(self.image(index));
            labels.push(self.labels[index]);
        }
        Dataset { images, labels }
    }

    /// Returns the first `count` images (all of them when `count` exceeds the length).
    pub fn head(&self, count: usize) -> Dataset {
        let count = count.min(self.len());
        Dataset {
            images: self.images[..count * Self::IMAGE_SIZE].to_vec(),
            labels: self.labels[..count].to_vec(),
        }
    }

    /// Appends the images and labels of `other`.
    pub fn extend(&mut self, other: &Dataset) {
        self.images.extend_from_slice(&other.images);
        self.labels.extend_from_slice(&other.labels);
    }

    /// Number of images of each class 0 to 9.
    pub fn class_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &label in &self.labels {
            counts[label as usize] += 1;
        }
        counts
    }
}
