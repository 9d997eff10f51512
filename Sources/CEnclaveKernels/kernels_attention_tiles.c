// Enclave: tiled attention kernels (f16 keys and values, f32 queries), AVX2 and portable.
#include "enclave_attention.h"
#include "kernels_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void scores_scalar(const float *queries, int64_t nq, const uint16_t *keys, int64_t key_stride,
                          int64_t nkeys, int64_t dim, float *out, int64_t out_stride) {
    float row[512];
    for (int64_t j = 0; j < nkeys; j++) {
        const uint16_t *k = keys + j * key_stride;
        for (int64_t d0 = 0; d0 < dim; d0 += 512) {
            const int64_t n = dim - d0 < 512 ? dim - d0 : 512;
            for (int64_t d = 0; d < n; d++) row[d] = enc_half_to_float(k[d0 + d]);
            for (int64_t q = 0; q < nq; q++) {
                const float *qv = queries + q * dim + d0;
                float s = d0 == 0 ? 0.0f : out[q * out_stride + j];
                for (int64_t d = 0; d < n; d++) s += qv[d] * row[d];
                out[q * out_stride + j] = s;
            }
        }
    }
}

static void accumulate_scalar(const float *p, int64_t p_stride, int64_t nq, const uint16_t *values,
                              int64_t value_stride, int64_t nkeys, int64_t dim, float *out) {
    for (int64_t j = 0; j < nkeys; j++) {
        const uint16_t *v = values + j * value_stride;
        for (int64_t d = 0; d < dim; d++) {
            const float x = enc_half_to_float(v[d]);
            for (int64_t q = 0; q < nq; q++) out[q * dim + d] += p[q * p_stride + j] * x;
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define INLINE static inline __attribute__((always_inline))

/// Sums of the 8 lanes of a and b as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)), in lanes 0 and 1 of
/// the result (lanes 2, 3 repeat them). Every key's score uses this association, whatever the blocking.
INLINE __m128 hsum2(__m256 a, __m256 b) {
    const __m256 h = _mm256_hadd_ps(a, b);  // a01 a23 b01 b23 | a45 a67 b45 b67
    const __m256 g = _mm256_hadd_ps(h, h);  // a0123 b0123 .. | a4567 b4567 ..
    return _mm_add_ps(_mm256_castps256_ps128(g), _mm256_extractf128_ps(g, 1));
}

/// Sums of the 8 lanes of a, b, c and d (as hsum2) in lanes 0..3.
INLINE __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    const __m256 h0 = _mm256_hadd_ps(a, b), h1 = _mm256_hadd_ps(c, d);  // a01 a23 b01 b23 c01.. | ...
    const __m256 g = _mm256_hadd_ps(h0, h1);                            // a0123 b0123 c0123 d0123 | a4567 ...
    return _mm_add_ps(_mm256_castps256_ps128(g), _mm256_extractf128_ps(g, 1));
}

/// Scores of KB consecutive keys against NQ queries: KB x NQ independent accumulator chains (the chains of
/// one key against one query are only dim / 8 long, so a key at a time left the FMA units idle).
INLINE void scores_block(const int KB, const int NQ, const float *queries, const uint16_t *k, int64_t key_stride,
                         int64_t dim, float *out, int64_t out_stride) {
    __m256 a[4][4];
#pragma clang loop unroll(full)
    for (int t = 0; t < KB; t++) {
#pragma clang loop unroll(full)
        for (int q = 0; q < NQ; q++) a[t][q] = _mm256_setzero_ps();
    }
    for (int64_t d = 0; d < dim; d += 8) {
#pragma clang loop unroll(full)
        for (int t = 0; t < KB; t++) {
            const __m256 kv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + t * key_stride + d)));
#pragma clang loop unroll(full)
            for (int q = 0; q < NQ; q++) a[t][q] = _mm256_fmadd_ps(_mm256_loadu_ps(queries + q * dim + d), kv, a[t][q]);
        }
    }
#pragma clang loop unroll(full)
    for (int q = 0; q < NQ; q++) {
        if (KB == 4) {
            _mm_storeu_ps(out + q * out_stride, hsum4(a[0][q], a[1][q], a[2][q], a[3][q]));
        } else {
            float lanes[4];
            _mm_storeu_ps(lanes, hsum2(a[0][q], a[KB - 1][q]));
            out[q * out_stride] = lanes[0];
            if (KB == 2) out[q * out_stride + 1] = lanes[1];
        }
    }
}

#define SCORES_FOR(NQ, KB_MAIN)                                                                                \
    static void scores_avx2_##NQ(const float *queries, const uint16_t *keys, int64_t key_stride, int64_t nkeys, \
                                 int64_t dim, float *out, int64_t out_stride) {                                 \
        int64_t j = 0;                                                                                         \
        for (; j + KB_MAIN <= nkeys; j += KB_MAIN)                                                             \
            scores_block(KB_MAIN, NQ, queries, keys + j * key_stride, key_stride, dim, out + j, out_stride);  \
        for (; j < nkeys; j++) scores_block(1, NQ, queries, keys + j * key_stride, key_stride, dim, out + j, out_stride); \
    }
// 4 keys x up to 3 queries = 12 accumulators; 4 queries take 2 keys at a time (8) to stay in 16 registers.
SCORES_FOR(1, 4)
SCORES_FOR(2, 4)
SCORES_FOR(3, 4)
SCORES_FOR(4, 2)

static void scores_avx2(const float *queries, int64_t nq, const uint16_t *keys, int64_t key_stride,
                        int64_t nkeys, int64_t dim, float *out, int64_t out_stride) {
    switch (nq) {
    case 1: scores_avx2_1(queries, keys, key_stride, nkeys, dim, out, out_stride); break;
    case 2: scores_avx2_2(queries, keys, key_stride, nkeys, dim, out, out_stride); break;
    case 3: scores_avx2_3(queries, keys, key_stride, nkeys, dim, out, out_stride); break;
    default: scores_avx2_4(queries, keys, key_stride, nkeys, dim, out, out_stride); break;
    }
}

/// Weighted sums of the values for NQ queries, 8 x DV output dimensions at a time: DV x NQ accumulators stay in
/// registers over the keys.
INLINE void accumulate_block(const int NQ, const int DV, const float *p, int64_t p_stride, const uint16_t *values,
                             int64_t value_stride, int64_t nkeys, int64_t dim, int64_t d, float *out) {
    __m256 o[4][4];
#pragma clang loop unroll(full)
    for (int q = 0; q < NQ; q++) {
#pragma clang loop unroll(full)
        for (int u = 0; u < DV; u++) o[q][u] = _mm256_loadu_ps(out + q * dim + d + 8 * u);
    }
    for (int64_t j = 0; j < nkeys; j++) {
        const uint16_t *v = values + j * value_stride + d;
        __m256 w[4];
#pragma clang loop unroll(full)
        for (int q = 0; q < NQ; q++) w[q] = _mm256_broadcast_ss(p + q * p_stride + j);
        // One widened value chunk at a time: NQ x DV accumulators, NQ weights and 1 chunk.
#pragma clang loop unroll(full)
        for (int u = 0; u < DV; u++) {
            const __m256 vv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8 * u)));
#pragma clang loop unroll(full)
            for (int q = 0; q < NQ; q++) o[q][u] = _mm256_fmadd_ps(w[q], vv, o[q][u]);
        }
    }
#pragma clang loop unroll(full)
    for (int q = 0; q < NQ; q++) {
#pragma clang loop unroll(full)
        for (int u = 0; u < DV; u++) _mm256_storeu_ps(out + q * dim + d + 8 * u, o[q][u]);
    }
}

#define ACCUMULATE_FOR(NQ, DV_MAIN)                                                                             \
    static void accumulate_avx2_##NQ(const float *p, int64_t p_stride, const uint16_t *values,                \
                                     int64_t value_stride, int64_t nkeys, int64_t dim, float *out) {           \
        int64_t d = 0;                                                                                         \
        for (; d + 8 * DV_MAIN <= dim; d += 8 * DV_MAIN)                                                       \
            accumulate_block(NQ, DV_MAIN, p, p_stride, values, value_stride, nkeys, dim, d, out);             \
        for (; d + 16 <= dim; d += 16) accumulate_block(NQ, 2, p, p_stride, values, value_stride, nkeys, dim, d, out); \
        for (; d < dim; d += 8) accumulate_block(NQ, 1, p, p_stride, values, value_stride, nkeys, dim, d, out); \
    }
// 32 dimensions x up to 2 queries, 24 x 3 (9 accumulators: 12 spill one), 16 x 4; then 16 and 8 at a time.
ACCUMULATE_FOR(1, 4)
ACCUMULATE_FOR(2, 4)
ACCUMULATE_FOR(3, 3)
ACCUMULATE_FOR(4, 2)

static void accumulate_avx2(const float *p, int64_t p_stride, int64_t nq, const uint16_t *values,
                            int64_t value_stride, int64_t nkeys, int64_t dim, float *out) {
    switch (nq) {
    case 1: accumulate_avx2_1(p, p_stride, values, value_stride, nkeys, dim, out); break;
    case 2: accumulate_avx2_2(p, p_stride, values, value_stride, nkeys, dim, out); break;
    case 3: accumulate_avx2_3(p, p_stride, values, value_stride, nkeys, dim, out); break;
    default: accumulate_avx2_4(p, p_stride, values, value_stride, nkeys, dim, out); break;
    }
}

#pragma clang attribute pop
#endif

void enc_attn_tile_scores(const float *queries, int64_t nq, const uint16_t *keys, int64_t key_stride,
                          int64_t nkeys, int64_t dim, float *out, int64_t out_stride) {
    if (nq <= 0 || nkeys <= 0) return;
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2 && dim % 8 == 0 && nq <= 4) {
        scores_avx2(queries, nq, keys, key_stride, nkeys, dim, out, out_stride);
        return;
    }
#endif
    scores_scalar(queries, nq, keys, key_stride, nkeys, dim, out, out_stride);
}

void enc_attn_tile_accumulate(const float *p, int64_t p_stride, int64_t nq, const uint16_t *values,
                              int64_t value_stride, int64_t nkeys, int64_t dim, float *out) {
    if (nq <= 0 || nkeys <= 0) return;
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2 && dim % 8 == 0 && nq <= 4) {
        accumulate_avx2(p, p_stride, nq, values, value_stride, nkeys, dim, out);
        return;
    }
#endif
    accumulate_scalar(p, p_stride, nq, values, value_stride, nkeys, dim, out);
}

void enc_prefetch(const void *p, int64_t bytes) {
    const char *c = (const char *)p;
    for (int64_t i = 0; i < bytes; i += 64) __builtin_prefetch(c + i, 0, 3);
}
