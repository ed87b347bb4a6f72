//! Unit tests of the optimizer module, one file per concern.

mod acquisition;
mod gp;
mod optimizer;
mod sampling;
mod space;
