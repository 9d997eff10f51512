// Enclave: exact GELU and LayerNorm for encoder models, AVX2 with a portable fallback.
#include "enclave_encoder.h"
#include "enclave_kernels.h"
#include "kernels_avx2_common.h"
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Abramowitz and Stegun 7.1.26: erf(x) = 1 - (a1 t + ... + a5 t^5) e^(-x^2), t = 1 / (1 + p x), x >= 0.
#define ENC_ERF_P 0.3275911f
#define ENC_ERF_A1 0.254829592f
#define ENC_ERF_A2 -0.284496736f
#define ENC_ERF_A3 1.421413741f
#define ENC_ERF_A4 -1.453152027f
#define ENC_ERF_A5 1.061405429f

static inline float gelu_erf_scalar(float z) {
    const float x = fabsf(z) * 0.70710678118654752f;
    const float t = 1.0f / (1.0f + ENC_ERF_P * x);
    const float poly = ((((ENC_ERF_A5 * t + ENC_ERF_A4) * t + ENC_ERF_A3) * t + ENC_ERF_A2) * t + ENC_ERF_A1) * t;
    float erf = 1.0f - poly * expf(-x * x);
    if (z < 0) erf = -erf;
    return 0.5f * z * (1.0f + erf);
}

static void layer_norm_scalar(const float *x, const float *gamma, const float *beta, float *out, int64_t n, float eps) {
    float mean = 0.0f;
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (float)n;
    float var = 0.0f;
    for (int64_t i = 0; i < n; i++) var += (x[i] - mean) * (x[i] - mean);
    const float inv = 1.0f / sqrtf(var / (float)n + eps);
    for (int64_t i = 0; i < n; i++) out[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)


static void gelu_erf_avx2(float *v, int64_t n) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 z = _mm256_loadu_ps(v + i);
        const __m256 x = _mm256_mul_ps(_mm256_andnot_ps(sign, z), _mm256_set1_ps(0.70710678118654752f));
        const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(ENC_ERF_P), x, one));
        __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(ENC_ERF_A5), t, _mm256_set1_ps(ENC_ERF_A4));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(ENC_ERF_A3));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(ENC_ERF_A2));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(ENC_ERF_A1));
        poly = _mm256_mul_ps(poly, t);
        const __m256 e = enc_exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(x, x)));
        __m256 erf = _mm256_fnmadd_ps(poly, e, one);
        erf = _mm256_or_ps(erf, _mm256_and_ps(sign, z));  // erf is odd: take z's sign
        _mm256_storeu_ps(v + i, _mm256_mul_ps(_mm256_mul_ps(half, z), _mm256_add_ps(one, erf)));
    }
    for (; i < n; i++) v[i] = gelu_erf_scalar(v[i]);
}

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static void layer_norm_avx2(const float *x, const float *gamma, const float *beta, float *out, int64_t n, float eps) {
    if (n % 8 != 0) {
        layer_norm_scalar(x, gamma, beta, out, n, eps);
        return;
    }
    __m256 s = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(x + i));
    const __m256 mean = _mm256_set1_ps(hsum(s) / (float)n);
    __m256 q = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 8) {
        const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), mean);
        q = _mm256_fmadd_ps(d, d, q);
    }
    const __m256 inv = _mm256_set1_ps(1.0f / sqrtf(hsum(q) / (float)n + eps));
    for (int64_t i = 0; i < n; i += 8) {
        const __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mean), inv);
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + i), _mm256_loadu_ps(beta + i)));
    }
}

#pragma clang attribute pop
#endif

void enc_gelu_erf(float *x, int64_t n) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { gelu_erf_avx2(x, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) x[i] = gelu_erf_scalar(x[i]);
}

void enc_layer_norm(const float *x, const float *gamma, const float *beta, float *out, int64_t n, float eps) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { layer_norm_avx2(x, gamma, beta, out, n, eps); return; }
#endif
    layer_norm_scalar(x, gamma, beta, out, n, eps);
}
