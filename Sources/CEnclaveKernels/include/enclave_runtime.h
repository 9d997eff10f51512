// Enclave: tiny runtime helpers for the Swift thread pool.
#ifndef ENCLAVE_RUNTIME_H
#define ENCLAVE_RUNTIME_H

/// A spin-wait hint to the CPU (PAUSE on x86, YIELD on ARM).
static inline void enc_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
