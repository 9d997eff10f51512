// Enclave: kernel dispatch (instruction set chosen at run time).
#include "kernels_internal.h"

static int enc_isa_level = -1;
/// A per-thread override set by enc_isa_set (tests and benchmarks), so forcing the scalar path on one
/// thread never changes the numerics of work running on other threads. -1: none.
static _Thread_local int enc_isa_override = -1;

int enc_isa_detected(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        return ENC_ISA_AVX2;
    }
#endif
    return ENC_ISA_SCALAR;
}

int enc_isa_active(void) {
    if (enc_isa_override >= 0) return enc_isa_override;
    int level = __atomic_load_n(&enc_isa_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = enc_isa_detected();
        __atomic_store_n(&enc_isa_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

int enc_isa_set(int level) {
    const int detected = enc_isa_detected();
    if (level > detected) level = detected;
    if (level < 0) level = 0;
    enc_isa_override = level == detected ? -1 : level;
    return level;
}

int enc_activation_format(int type) {
    switch (type) {
    case ENC_F32: case ENC_F16: case ENC_BF16: return ENC_ACT_F32;
    case ENC_Q8_0: case ENC_Q4_0: case ENC_Q4_1: case ENC_Q5_0: case ENC_Q5_1: return ENC_ACT_Q8_32;
    case ENC_Q4_K: case ENC_Q5_K: case ENC_Q6_K: return ENC_ACT_Q8_256;
    default: return -1;
    }
}

int64_t enc_activation_row_bytes(int format, int64_t k) {
    switch (format) {
    case ENC_ACT_F32: return k * (int64_t)sizeof(float);
    case ENC_ACT_Q8_32: return k / 32 * (int64_t)sizeof(enc_q8_32);
    case ENC_ACT_Q8_256: return k / 256 * (int64_t)sizeof(enc_q8_256);
    default: return 0;
    }
}

static inline int enc_use_avx2(void) {
#if ENC_HAVE_AVX2_KERNELS
    return enc_isa_active() == ENC_ISA_AVX2;
#else
    return 0;
#endif
}

void enc_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) { enc_avx2_quantize_q8_32(x, k, out); return; }
#endif
    enc_scalar_quantize_q8_32(x, k, out);
}

void enc_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) { enc_avx2_quantize_q8_256(x, k, out); return; }
#endif
    enc_scalar_quantize_q8_256(x, k, out);
}

void enc_quantize_row(int format, const float *x, int64_t k, void *out) {
    switch (format) {
    case ENC_ACT_F32: memcpy(out, x, (size_t)k * sizeof(float)); break;
    case ENC_ACT_Q8_32: enc_quantize_q8_32(x, k, (enc_q8_32 *)out); break;
    case ENC_ACT_Q8_256: enc_quantize_q8_256(x, k, (enc_q8_256 *)out); break;
    default: break;
    }
}

int enc_matmul_tiled(int type, int tile_rows, int tile_cols, const void *w, int64_t row_bytes, int64_t k,
                     int64_t r0, int64_t r1, const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) return enc_avx2_matmul(type, tile_rows, tile_cols, w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
#endif
    enc_matmul_fn fn = enc_scalar_matmul_for(type);
    if (!fn) return 0;
    if (n > 0 && r1 > r0) fn(w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
    return 1;
}

void enc_matmul(int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    (void)enc_matmul_tiled(type, 0, 0, w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
}

int enc_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                        int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    if (!enc_repack_supported(type) || k <= 0 || k % 32 != 0 || r0 < 0 || r0 % 8 != 0) return 0;
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) return enc_avx2_matmul_repacked(type, packed, k, r0, r1, x, x_stride, n, y, ldy);
#endif
    if (n > 0 && r1 > r0) enc_scalar_matmul_repacked(type, packed, k, r0, r1, x, x_stride, n, y, ldy);
    return 1;
}

void enc_matmul_default_tile(int type, int64_t n, int *tile_rows, int *tile_cols) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) { enc_avx2_default_tile(type, n, tile_rows, tile_cols); return; }
#endif
    (void)type;
    (void)n;
    *tile_rows = 1;
    *tile_cols = 1;
}

void enc_f16_to_f32(const uint16_t *src, float *dst, int64_t n) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) { enc_avx2_f16_to_f32(src, dst, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) dst[i] = enc_half_to_float(src[i]);
}

void enc_f32_to_f16(const float *src, uint16_t *dst, int64_t n) {
#if ENC_HAVE_AVX2_KERNELS
    if (enc_use_avx2()) { enc_avx2_f32_to_f16(src, dst, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) dst[i] = enc_float_to_half(src[i]);
}
