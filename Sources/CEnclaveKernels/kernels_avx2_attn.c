// Enclave: AVX2 attention helpers over an f16 KV cache, and f32 dot / axpy.
//
// Scores take four keys at a time against the same query registers; the weighted sum of values keeps 64 output
// floats in eight registers while it walks over the keys. f16 values are widened with vcvtph2ps.
#include "kernels_avx2_common.h"

#if ENC_HAVE_AVX2_KERNELS

ENC_AVX2_BEGIN

ENC_INLINE __m256 h8(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }

float enc_avx2_dot_f32(const float *a, const float *b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float sum = enc_hsum_ps(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

void enc_avx2_axpy_f32(float a, const float *x, float *y, int64_t n) {
    const __m256 av = _mm256_set1_ps(a);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

float enc_avx2_dot_f32_f16(const float *a, const uint16_t *b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), h8(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), h8(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), h8(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), h8(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), h8(b + i), s0);
    float sum = enc_hsum_ps(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) sum += a[i] * enc_half_to_float(b[i]);
    return sum;
}

void enc_avx2_attn_scores_f16(const float *q, const uint16_t *k, int64_t k_stride, int64_t nkeys, int64_t dim,
                              float scale, float *out) {
    const int64_t dim8 = dim / 8 * 8;
    int64_t j = 0;
    for (; j + 4 <= nkeys; j += 4) {
        const uint16_t *k0 = k + j * k_stride, *k1 = k0 + k_stride, *k2 = k1 + k_stride, *k3 = k2 + k_stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int64_t i = 0; i < dim8; i += 8) {
            const __m256 qv = _mm256_loadu_ps(q + i);
            a0 = _mm256_fmadd_ps(qv, h8(k0 + i), a0);
            a1 = _mm256_fmadd_ps(qv, h8(k1 + i), a1);
            a2 = _mm256_fmadd_ps(qv, h8(k2 + i), a2);
            a3 = _mm256_fmadd_ps(qv, h8(k3 + i), a3);
        }
        // Four horizontal sums at once: lanes 0..3 of the result are the sums of a0..a3.
        const __m256 h01 = _mm256_hadd_ps(a0, a1), h23 = _mm256_hadd_ps(a2, a3);
        const __m256 h = _mm256_hadd_ps(h01, h23);
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        float sums[4];
        _mm_storeu_ps(sums, s);
        for (int t = 0; t < 4; t++) {
            const uint16_t *kt = k0 + t * k_stride;
            for (int64_t i = dim8; i < dim; i++) sums[t] += q[i] * enc_half_to_float(kt[i]);
            out[j + t] = scale * sums[t];
        }
    }
    for (; j < nkeys; j++) out[j] = scale * enc_avx2_dot_f32_f16(q, k + j * k_stride, dim);
}

void enc_avx2_attn_accumulate_f16(const float *p, const uint16_t *v, int64_t v_stride, int64_t nkeys, int64_t dim,
                                  float *out) {
    int64_t d0 = 0;
    for (; d0 + 64 <= dim; d0 += 64) {
        __m256 acc[8];
        for (int t = 0; t < 8; t++) acc[t] = _mm256_setzero_ps();
        for (int64_t j = 0; j < nkeys; j++) {
            const __m256 pj = _mm256_broadcast_ss(p + j);
            const uint16_t *vj = v + j * v_stride + d0;
            for (int t = 0; t < 8; t++) acc[t] = _mm256_fmadd_ps(pj, h8(vj + 8 * t), acc[t]);
        }
        for (int t = 0; t < 8; t++) _mm256_storeu_ps(out + d0 + 8 * t, acc[t]);
    }
    for (; d0 + 8 <= dim; d0 += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int64_t j = 0; j < nkeys; j++) acc = _mm256_fmadd_ps(_mm256_broadcast_ss(p + j), h8(v + j * v_stride + d0), acc);
        _mm256_storeu_ps(out + d0, acc);
    }
    for (; d0 < dim; d0++) {
        float s = 0.0f;
        for (int64_t j = 0; j < nkeys; j++) s += p[j] * enc_half_to_float(v[j * v_stride + d0]);
        out[d0] = s;
    }
}

ENC_AVX2_END

#endif
