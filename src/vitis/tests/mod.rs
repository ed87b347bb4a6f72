//! Tests of the deployment bundle. The Vitis AI image cannot run here, so the
//! generated scripts run against real checkers (shellcheck, the Python
//! parser), a fake `docker` that records its arguments, TensorFlow for the
//! model rebuild, and stand-in `xir`/`vart` modules that emulate the DPU.

mod board_tests;
mod check_tests;
mod compile_sh_tests;
mod fixture;
mod npy_tests;
mod python_env;
mod python_tests;
mod validate_tests;
