//! Process-wide CPU settings for training.

use std::sync::Once;

static CONFIGURE: Once = Once::new();

/// Sets flush-to-zero and denormals-are-zero on this thread and on every
/// thread of rayon's global pool (which burn's Flex backend uses), once per
/// process. Adam's second moments decay towards denormal floats, and x86
/// arithmetic on denormals is many times slower, so without this the later
/// epochs of a run slow down. Values below 1.2e-38 are far beneath anything
/// the training can resolve, so results are unaffected in practice.
///
/// `threads` sets the size of the pool (default: rayon's, one per core).
/// Only the first call has an effect.
pub fn configure_cpu(threads: Option<usize>) {
    CONFIGURE.call_once(|| {
        set_flush_to_zero();
        let mut builder = rayon::ThreadPoolBuilder::new().start_handler(|_| set_flush_to_zero());
        if let Some(threads) = threads {
            builder = builder.num_threads(threads);
        }
        if let Err(error) = builder.build_global() {
            log::debug!("rayon's global pool was already built, denormals may stay slow: {error}");
        }
    });
}

/// Enables flush-to-zero for the calling thread.
pub fn set_flush_to_zero() {
    #[cfg(target_arch = "x86_64")]
    {
        // MXCSR bit 15 is flush-to-zero and bit 6 denormals-are-zero.
        const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);
        let mut csr: u32 = 0;
        // SAFETY: SSE is part of the x86_64 baseline. The asm reads and writes
        // only MXCSR through a local, and MXCSR only affects how this thread
        // handles denormal floats.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack));
            csr |= FTZ_DAZ;
            std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack));
        }
    }
}
