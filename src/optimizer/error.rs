//! Errors of the optimizer module: invalid spaces, points, settings and the
//! end of a finite space.

use thiserror::Error;

/// Failures of space validation, configuration and proposal.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OptimizerError {
    /// The space has no dimensions.
    #[error("search space has no dimensions: add at least one real, integer or categorical dimension")]
    EmptySpace,

    /// Two dimensions share a name.
    #[error("dimension name `{name}` is used twice: give every dimension a unique name")]
    DuplicateName { name: String },

    /// A bound is NaN or infinite.
    #[error("dimension `{name}`: bound {value} is not finite")]
    NonFiniteBound { name: String, value: f64 },

    /// The lower bound is not below the upper bound.
    #[error("dimension `{name}`: low {low} must be less than high {high}")]
    InvalidBounds { name: String, low: String, high: String },

    /// A log-uniform real has a lower bound of zero or less.
    #[error("dimension `{name}`: log-uniform prior needs low > 0, got {low}; use a uniform prior or a positive low")]
    NonPositiveLogLow { name: String, low: f64 },

    /// A categorical dimension has no categories.
    #[error("dimension `{name}`: categorical dimension has no categories")]
    NoCategories { name: String },

    /// A categorical dimension lists a category twice.
    #[error("dimension `{name}`: category `{category}` is listed twice")]
    DuplicateCategory { name: String, category: String },

    /// A point has the wrong number of values.
    #[error("point has {found} values but the space has {expected} dimensions")]
    PointLength { expected: usize, found: usize },

    /// A point value has the wrong type for its dimension.
    #[error("dimension `{name}`: value {value} is not {expected}")]
    WrongValueType { name: String, value: String, expected: &'static str },

    /// A point value lies outside its dimension.
    #[error("dimension `{name}`: value {value} is outside the space ({allowed})")]
    OutsideSpace { name: String, value: String, allowed: String },

    /// An objective value is NaN or infinite.
    #[error("objective value {value} is not finite: report a failed evaluation as a large finite value")]
    NonFiniteValue { value: f64 },

    /// `y0` is given but its length differs from `x0`.
    #[error("y0 has {y0} values but x0 has {x0} points: give one value per x0 point or none")]
    Y0Length { x0: usize, y0: usize },

    /// The optimizer has neither initial points nor x0 to start from.
    #[error("n_initial_points is 0 and x0 is empty: set n_initial_points > 0 or give x0")]
    NoInitialPoints,

    /// `n_calls` cannot even evaluate the x0 points.
    #[error("n_calls {n_calls} is less than the {required} x0 points still to evaluate: raise n_calls")]
    NCallsTooSmall { n_calls: usize, required: usize },

    /// A numeric setting is out of its range.
    #[error("invalid setting {name} = {value}: expected {expected}")]
    InvalidSetting { name: &'static str, value: String, expected: &'static str },

    /// A name given for a surrogate, acquisition, design or liar is unknown.
    #[error("unknown {kind} `{value}`: expected one of {expected}")]
    UnknownName { kind: &'static str, value: String, expected: &'static str },

    /// Every point of a finite space has been evaluated or is pending.
    #[error("all {cardinality} points of the search space have been evaluated or are pending: the search is complete")]
    SpaceExhausted { cardinality: u128 },

    /// No unevaluated candidate was found in a large space.
    #[error("no unevaluated candidate found among {tried} samples: the space is nearly exhausted; enlarge it or stop")]
    NoCandidate { tried: usize },

    /// `tell_many` got different numbers of points and values.
    #[error("tell_many got {points} points but {values} values: give one value per point")]
    LengthMismatch { points: usize, values: usize },

    /// A result was requested before any evaluation.
    #[error("no evaluations yet: tell at least one result before asking for the result")]
    NoEvaluations,

    /// The surrogate could not be fitted.
    #[error("surrogate fit failed: {reason}")]
    FitFailed { reason: String },
}
