// Enclave: activations and softmax with a polynomial e^x (relative error < 2e-7), AVX2 and portable.
#include "enclave_activations.h"
#include "enclave_kernels.h"
#include "kernels_avx2_common.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// e^x = 2^n * p(r), x = n ln2 + r, |r| <= ln2/2 (Cephes expf coefficients).
static inline float exp_scalar(float x) {
    if (x < -87.3f) return 0.0f;
    if (x > 88.0f) return expf(x);
    const float n = nearbyintf(x * 1.44269504f);
    const float r = x - n * 0.693145751953125f - n * 1.428606820309e-6f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return p * scale;
}

static inline float gelu_scalar(float z) {
    if (z <= -10.0f) return 0.0f;
    if (z >= 10.0f) return z;
    const float t = 0.79788456f * (z + 0.044715f * z * z * z);
    const float th = 1.0f - 2.0f / (exp_scalar(2.0f * t) + 1.0f);
    return 0.5f * z * (1.0f + th);
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)


static void silu_mul_avx2(float *gate, const float *up, int64_t n) {
    int64_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = enc_exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), g));
        const __m256 s = _mm256_div_ps(g, _mm256_add_ps(one, e));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(s, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + exp_scalar(-gate[i])) * up[i];
}

static void gelu_mul_avx2(float *gate, const float *up, int64_t n) {
    int64_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f), half = _mm256_set1_ps(0.5f);
    const __m256 lo = _mm256_set1_ps(-10.0f), hi = _mm256_set1_ps(10.0f);
    for (; i + 8 <= n; i += 8) {
        const __m256 z = _mm256_loadu_ps(gate + i);
        const __m256 z3 = _mm256_mul_ps(_mm256_mul_ps(z, z), z);
        const __m256 t = _mm256_mul_ps(_mm256_set1_ps(0.79788456f), _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), z3, z));
        const __m256 th = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(enc_exp_ps(_mm256_mul_ps(two, t)), one)));
        __m256 g = _mm256_mul_ps(_mm256_mul_ps(half, z), _mm256_add_ps(one, th));
        g = _mm256_blendv_ps(g, _mm256_setzero_ps(), _mm256_cmp_ps(z, lo, _CMP_LE_OQ));
        g = _mm256_blendv_ps(g, z, _mm256_cmp_ps(z, hi, _CMP_GE_OQ));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(g, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gelu_scalar(gate[i]) * up[i];
}

static float softmax_avx2(float *x, int64_t n) {
    int64_t i = 0;
    __m256 vm = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= n; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, vm);
    float m = -INFINITY;
    for (int j = 0; j < 8; j++) if (lanes[j] > m) m = lanes[j];
    for (; i < n; i++) if (x[i] > m) m = x[i];
    const __m256 mv = _mm256_set1_ps(m);
    __m256 vs = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        const __m256 e = enc_exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv));
        _mm256_storeu_ps(x + i, e);
        vs = _mm256_add_ps(vs, e);
    }
    _mm256_storeu_ps(lanes, vs);
    float sum = 0.0f;
    for (int j = 0; j < 8; j++) sum += lanes[j];
    for (; i < n; i++) { x[i] = exp_scalar(x[i] - m); sum += x[i]; }
    const __m256 inv = _mm256_set1_ps(1.0f / sum);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
    for (; i < n; i++) x[i] *= 1.0f / sum;
    return sum;
}

static double sum_exp_avx2(const float *x, int64_t n, float maximum) {
    const __m256 mv = _mm256_set1_ps(maximum);
    double total = 0.0;
    for (int64_t start = 0; start < n; start += 1024) {
        const int64_t end = n - start < 1024 ? n : start + 1024;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int64_t i = start;
        for (; i + 16 <= end; i += 16) {
            // exp_avx2 clamps NaN to the lower bound (max_ps returns its second operand): e^-87.3, about 1e-38.
            s0 = _mm256_add_ps(s0, enc_exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv)));
            s1 = _mm256_add_ps(s1, enc_exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), mv)));
        }
        float lanes[8];
        _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
        float sum = 0.0f;
        for (int j = 0; j < 8; j++) sum += lanes[j];
        for (; i < end; i++) sum += x[i] == x[i] ? exp_scalar(x[i] - maximum) : 0.0f;
        total += (double)sum;
    }
    return total;
}

static void rope_adjacent_avx2(float *x, const float *c, const float *s, int64_t pairs) {
    int64_t i = 0;
    for (; i + 4 <= pairs; i += 4) {
        // Lanes (a0 b0 a1 b1 a2 b2 a3 b3); cos/sin of pair j duplicated into lanes 2j, 2j+1.
        const __m256 v = _mm256_loadu_ps(x + 2 * i);
        const __m128 c4 = _mm_loadu_ps(c + i), s4 = _mm_loadu_ps(s + i);
        const __m256 cd = _mm256_set_m128(_mm_unpackhi_ps(c4, c4), _mm_unpacklo_ps(c4, c4));
        const __m256 sd = _mm256_set_m128(_mm_unpackhi_ps(s4, s4), _mm_unpacklo_ps(s4, s4));
        const __m256 swapped = _mm256_permute_ps(v, 0xB1);  // (b0 a0 b1 a1 ...)
        // even lanes: a cos - b sin; odd lanes: b cos + a sin
        _mm256_storeu_ps(x + 2 * i, _mm256_fmaddsub_ps(v, cd, _mm256_mul_ps(swapped, sd)));
    }
    for (; i < pairs; i++) {
        const float a = x[2 * i], b = x[2 * i + 1];
        x[2 * i] = a * c[i] - b * s[i];
        x[2 * i + 1] = a * s[i] + b * c[i];
    }
}

static void rope_halves_avx2(float *x, const float *c, const float *s, int64_t pairs) {
    int64_t i = 0;
    for (; i + 8 <= pairs; i += 8) {
        const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + pairs);
        const __m256 cv = _mm256_loadu_ps(c + i), sv = _mm256_loadu_ps(s + i);
        _mm256_storeu_ps(x + i, _mm256_fmsub_ps(a, cv, _mm256_mul_ps(b, sv)));
        _mm256_storeu_ps(x + i + pairs, _mm256_fmadd_ps(a, sv, _mm256_mul_ps(b, cv)));
    }
    for (; i < pairs; i++) {
        const float a = x[i], b = x[i + pairs];
        x[i] = a * c[i] - b * s[i];
        x[i + pairs] = a * s[i] + b * c[i];
    }
}

#pragma clang attribute pop
#endif

void enc_rope_adjacent(float *x, const float *c, const float *s, int64_t pairs) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { rope_adjacent_avx2(x, c, s, pairs); return; }
#endif
    for (int64_t i = 0; i < pairs; i++) {
        const float a = x[2 * i], b = x[2 * i + 1];
        x[2 * i] = a * c[i] - b * s[i];
        x[2 * i + 1] = a * s[i] + b * c[i];
    }
}

void enc_rope_halves(float *x, const float *c, const float *s, int64_t pairs) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { rope_halves_avx2(x, c, s, pairs); return; }
#endif
    for (int64_t i = 0; i < pairs; i++) {
        const float a = x[i], b = x[i + pairs];
        x[i] = a * c[i] - b * s[i];
        x[i + pairs] = a * s[i] + b * c[i];
    }
}

void enc_silu_mul(float *gate, const float *up, int64_t n) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { silu_mul_avx2(gate, up, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) gate[i] = gate[i] / (1.0f + exp_scalar(-gate[i])) * up[i];
}

void enc_gelu_mul(float *gate, const float *up, int64_t n) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) { gelu_mul_avx2(gate, up, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) gate[i] = gelu_scalar(gate[i]) * up[i];
}

float enc_softmax(float *x, int64_t n) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) return softmax_avx2(x, n);
#endif
    float m = -INFINITY;
    for (int64_t i = 0; i < n; i++) if (x[i] > m) m = x[i];
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) { x[i] = exp_scalar(x[i] - m); sum += x[i]; }
    const float inv = 1.0f / sum;
    for (int64_t i = 0; i < n; i++) x[i] *= inv;
    return sum;
}

double enc_sum_exp(const float *x, int64_t n, float maximum) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) return sum_exp_avx2(x, n, maximum);
#endif
    double total = 0.0;
    for (int64_t start = 0; start < n; start += 1024) {
        const int64_t end = n - start < 1024 ? n : start + 1024;
        float sum = 0.0f;
        for (int64_t i = start; i < end; i++) sum += x[i] == x[i] ? exp_scalar(x[i] - maximum) : 0.0f;
        total += (double)sum;
    }
    return total;
}
