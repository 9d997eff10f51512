// Enclave: AVX2 matrix products for plain float weights (F32, F16, BF16) against f32 activations.
//
// Each group of 8 weights is loaded (and converted: vcvtph2ps for F16, a 16-bit shift for BF16) once per tile
// and used by one FMA per activation column. Small tiles keep several accumulators per output so the FMA
// latency does not limit the loop. Row lengths that are not a multiple of 8 finish with a scalar tail.
#include "kernels_avx2_common.h"

#if ENC_HAVE_AVX2_KERNELS

enum { K_F32, K_F16, K_BF16 };

ENC_AVX2_BEGIN

ENC_INLINE __m256 load_w8(const int kind, const uint8_t *row, int64_t i) {
    switch (kind) {
    case K_F32: return _mm256_loadu_ps((const float *)row + i);
    case K_F16: return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i)));
    default: {
        const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(row + 2 * i)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
    }
    }
}

ENC_INLINE float load_w1(const int kind, const uint8_t *row, int64_t i) {
    switch (kind) {
    case K_F32: return ((const float *)row)[i];
    case K_F16: return enc_half_to_float(enc_load_u16(row + 2 * i));
    default: {
        const uint32_t bits = (uint32_t)enc_load_u16(row + 2 * i) << 16;
        float f;
        memcpy(&f, &bits, 4);
        return f;
    }
    }
}

ENC_INLINE void tile_float(const int kind, const int NR, const int NC, const uint8_t *w, int64_t rb,
                           const uint8_t *x, int64_t xs, int64_t k, float *y, int64_t ldy, const float *sc) {
    (void)sc;
    const int NA = NR * NC >= 4 ? 1 : 4 / (NR * NC);
    __m256 acc[4][4][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
#pragma clang loop unroll(full)
            for (int a = 0; a < NA; a++) acc[r][c][a] = _mm256_setzero_ps();
        }
    }
    int64_t i = 0;
    for (; i + 8 * NA <= k; i += 8 * NA) {
#pragma clang loop unroll(full)
        for (int a = 0; a < NA; a++) {
            __m256 wv[4];
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) wv[r] = load_w8(kind, w + r * rb, i + 8 * a);
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                const __m256 xv = _mm256_loadu_ps((const float *)(x + c * xs) + i + 8 * a);
#pragma clang loop unroll(full)
                for (int r = 0; r < NR; r++) acc[r][c][a] = _mm256_fmadd_ps(wv[r], xv, acc[r][c][a]);
            }
        }
    }
    for (; i + 8 <= k; i += 8) {
        __m256 wv[4];
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) wv[r] = load_w8(kind, w + r * rb, i);
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            const __m256 xv = _mm256_loadu_ps((const float *)(x + c * xs) + i);
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) acc[r][c][0] = _mm256_fmadd_ps(wv[r], xv, acc[r][c][0]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            __m256 s = acc[r][c][0];
#pragma clang loop unroll(full)
            for (int a = 1; a < NA; a++) s = _mm256_add_ps(s, acc[r][c][a]);
            float sum = enc_hsum_ps(s);
            const float *xv = (const float *)(x + c * xs);
            for (int64_t t = i; t < k; t++) sum += load_w1(kind, w + r * rb, t) * xv[t];
            y[c * ldy + r] = sum;
        }
    }
}

#define IMPL_F32(R, C, ...) tile_float(K_F32, R, C, __VA_ARGS__)
#define IMPL_F16(R, C, ...) tile_float(K_F16, R, C, __VA_ARGS__)
#define IMPL_BF16(R, C, ...) tile_float(K_BF16, R, C, __VA_ARGS__)

ENC_AVX2_END

ENC_TILE_SET(enc_tiles_f32, IMPL_F32, 0)
ENC_TILE_SET(enc_tiles_f16, IMPL_F16, 0)
ENC_TILE_SET(enc_tiles_bf16, IMPL_BF16, 0)

#endif
