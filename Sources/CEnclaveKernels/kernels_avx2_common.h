// Enclave: helpers shared by the AVX2 kernel files (x86 only, compiled per function for AVX2+FMA+F16C).
//
// Every function in the AVX2 files is compiled with `target("avx2,fma,f16c")` through the pragma below, so the
// package needs no global -mavx2 flag and still runs (on the scalar path) on CPUs without AVX2.
#ifndef ENCLAVE_KERNELS_AVX2_COMMON_H
#define ENCLAVE_KERNELS_AVX2_COMMON_H

#include "kernels_internal.h"

#if ENC_HAVE_AVX2_KERNELS
#include <immintrin.h>

#define ENC_AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2,fma,f16c\"))), apply_to = function)")
#define ENC_AVX2_END _Pragma("clang attribute pop")
#define ENC_INLINE static inline __attribute__((always_inline))

ENC_AVX2_BEGIN

/// e^x, 8 lanes (Cephes expf coefficients), for x in [-87.3, 88] (clamped there; NaN becomes e^-87.3).
ENC_INLINE __m256 enc_exp_ps(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    x = _mm256_min_ps(x, _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606820309e-6f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/// Sum of the 8 lanes.
ENC_INLINE float enc_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Sum of the 8 int32 lanes.
ENC_INLINE int enc_hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/// The IEEE half at `p` as a float (F16C). Reads 4 bytes at `p`: use it only where 2 more bytes of the block
/// follow. (A 16-bit load would become vpinsrw into a live register, a false dependency on the accumulators.)
ENC_INLINE float enc_h2f(const uint8_t *p) {
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_loadu_si32(p)));
}

/// The IEEE half at `p` as a float, reading the 4 bytes at `p - 2` (for a half at the end of a block).
ENC_INLINE float enc_h2f_end(const uint8_t *p) {
    return _mm_cvtss_f32(_mm_movehdup_ps(_mm_cvtph_ps(_mm_loadu_si32(p - 2))));
}

/// Two consecutive halves (such as d and m of Q4_1) to floats in lanes 0 and 1.
ENC_INLINE __m128 enc_h2f_pair(const uint8_t *p) {
    return _mm_cvtph_ps(_mm_loadu_si32(p));
}

/// 16 bytes of packed nibbles -> 32 bytes: the low nibbles (elements 0..15) then the high nibbles (16..31).
ENC_INLINE __m256i enc_nibbles32(const uint8_t *p) {
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(v), _mm_srli_epi16(v, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

/// The 32 bits of a little-endian u32 as 32 bytes: 0x10 where bit i is set, 0 elsewhere (the 5th bit of Q5_x).
ENC_INLINE __m256i enc_bit4_from_bits32(const uint8_t *p) {
    const __m256i v = _mm256_set1_epi32((int)enc_load_u32(p));
    // byte i takes source byte i / 8, then keeps bit i % 8.
    const __m256i spread = _mm256_shuffle_epi8(v, _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                                   2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    const __m256i bit = _mm256_set1_epi64x(0x8040201008040201LL);
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

/// Pairwise sums of the int16 lanes of a maddubs result as 8 int32 lanes converted to float.
ENC_INLINE __m256 enc_i16pairs_ps(__m256i p) {
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1)));
}

/// Multi-row tiles break the hardware prefetcher on short rows (each row is a short stream and the next group of
/// rows starts where no stream was heading), so they prefetch the same bytes of the next group of rows ahead.
ENC_INLINE void enc_prefetch_next_rows(const int NR, const uint8_t *w, int64_t rb, int64_t offset, const int lines) {
    if (NR == 1) return;
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int l = 0; l < lines; l++) _mm_prefetch((const char *)(w + (NR + r) * rb + offset + 64 * l), _MM_HINT_T0);
    }
}

ENC_AVX2_END

/// A register tile: computes y[c * ldy + r] for the tile's rows r and columns c, with `w` at its first weight row
/// (rows `row_bytes` apart), `x` at its first activation row (rows `x_stride` apart) and `y` at its first output.
/// `sc` is used only by 4-column tiles of enc_q8_32 types: the activation scales of the 4 columns packed per block
/// (d of columns 0..3, then s of columns 0..3; 8 floats per block), so one vector load serves all 4 columns.
typedef void (*enc_tile_fn)(const uint8_t *w, int64_t row_bytes, const uint8_t *x, int64_t x_stride, int64_t k,
                            float *y, int64_t ldy, const float *sc);

/// The tiles instantiated for one weight type: t[rows][cols] for rows in {1, 2, 4} and cols in 1...4.
typedef struct {
    enc_tile_fn t[5][5];
    /// Whether 4-column tiles need the packed activation scales (`sc`).
    int packed_scales;
} enc_tile_set;

/// Defines the 12 tile functions `name_RxC` and the table `name` from
/// `impl(R, C, w, row_bytes, x, xs, k, y, ldy, sc)`.
#define ENC_TILE_ONE(name, impl, R, C)                                                                              \
    static void name##_##R##x##C(const uint8_t *w, int64_t rb, const uint8_t *x, int64_t xs, int64_t k, float *y, \
                                 int64_t ldy, const float *sc) {                                                    \
        impl(R, C, w, rb, x, xs, k, y, ldy, sc);                                                                    \
    }
#define ENC_TILE_ROW(name, impl, R)                                                                                 \
    ENC_TILE_ONE(name, impl, R, 1) ENC_TILE_ONE(name, impl, R, 2) ENC_TILE_ONE(name, impl, R, 3)                    \
    ENC_TILE_ONE(name, impl, R, 4)
#define ENC_TILE_SET(name, impl, packed)                                                                            \
    ENC_AVX2_BEGIN                                                                                                  \
    ENC_TILE_ROW(name, impl, 1) ENC_TILE_ROW(name, impl, 2) ENC_TILE_ROW(name, impl, 4)                             \
    ENC_AVX2_END                                                                                                    \
    const enc_tile_set name = {{                                                                                    \
        [1] = {NULL, name##_1x1, name##_1x2, name##_1x3, name##_1x4},                                               \
        [2] = {NULL, name##_2x1, name##_2x2, name##_2x3, name##_2x4},                                               \
        [4] = {NULL, name##_4x1, name##_4x2, name##_4x3, name##_4x4},                                               \
    }, packed};

extern const enc_tile_set enc_tiles_f32, enc_tiles_f16, enc_tiles_bf16;
extern const enc_tile_set enc_tiles_q8_0, enc_tiles_q4_0, enc_tiles_q4_1, enc_tiles_q5_0, enc_tiles_q5_1;
extern const enc_tile_set enc_tiles_q4_K, enc_tiles_q5_K, enc_tiles_q6_K;

#endif
#endif
