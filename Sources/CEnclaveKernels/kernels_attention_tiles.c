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

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static void scores_avx2(const float *queries, int64_t nq, const uint16_t *keys, int64_t key_stride,
                        int64_t nkeys, int64_t dim, float *out, int64_t out_stride) {
    const float *q0 = queries, *q1 = queries + dim, *q2 = queries + 2 * dim, *q3 = queries + 3 * dim;
    for (int64_t j = 0; j < nkeys; j++) {
        const uint16_t *k = keys + j * key_stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int64_t d = 0; d < dim; d += 8) {
            const __m256 kv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + d)));
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q0 + d), kv, a0);
            if (nq > 1) a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q1 + d), kv, a1);
            if (nq > 2) a2 = _mm256_fmadd_ps(_mm256_loadu_ps(q2 + d), kv, a2);
            if (nq > 3) a3 = _mm256_fmadd_ps(_mm256_loadu_ps(q3 + d), kv, a3);
        }
        out[j] = hsum(a0);
        if (nq > 1) out[out_stride + j] = hsum(a1);
        if (nq > 2) out[2 * out_stride + j] = hsum(a2);
        if (nq > 3) out[3 * out_stride + j] = hsum(a3);
    }
}

static void accumulate_avx2(const float *p, int64_t p_stride, int64_t nq, const uint16_t *values,
                            int64_t value_stride, int64_t nkeys, int64_t dim, float *out) {
    // 16 output dimensions at a time for every query: 2 x nq accumulators stay in registers over the keys.
    for (int64_t d = 0; d < dim; d += 16) {
        __m256 o[4][2];
        for (int64_t q = 0; q < nq; q++) {
            o[q][0] = _mm256_loadu_ps(out + q * dim + d);
            o[q][1] = _mm256_loadu_ps(out + q * dim + d + 8);
        }
        for (int64_t j = 0; j < nkeys; j++) {
            const uint16_t *v = values + j * value_stride + d;
            const __m256 v0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)v));
            const __m256 v1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8)));
            for (int64_t q = 0; q < nq; q++) {
                const __m256 w = _mm256_broadcast_ss(p + q * p_stride + j);
                o[q][0] = _mm256_fmadd_ps(w, v0, o[q][0]);
                o[q][1] = _mm256_fmadd_ps(w, v1, o[q][1]);
            }
        }
        for (int64_t q = 0; q < nq; q++) {
            _mm256_storeu_ps(out + q * dim + d, o[q][0]);
            _mm256_storeu_ps(out + q * dim + d + 8, o[q][1]);
        }
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
    if (enc_isa_active() >= ENC_ISA_AVX2 && dim % 16 == 0 && nq <= 4) {
        accumulate_avx2(p, p_stride, nq, values, value_stride, nkeys, dim, out);
        return;
    }
#endif
    accumulate_scalar(p, p_stride, nq, values, value_stride, nkeys, dim, out);
}
