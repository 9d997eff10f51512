// Enclave: portable implementations of the 16-bit-activation kernels. They define the semantics
// the SIMD versions reproduce (kernels_q16_avx2.c matches them to float rounding).
#include "kernels_q16_internal.h"
#include <math.h>

static void quantize_q16_32(const float *x, int64_t k, void *dst) {
    enc_q16_32 *out = (enc_q16_32 *)dst;
    for (int64_t b = 0; b < k / 32; b++) {
        const float *v = x + 32 * b;
        float amax = 0.0f;
        for (int i = 0; i < 32; i++) { const float a = fabsf(v[i]); if (a > amax) amax = a; }
        const float d = amax / 32767.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            const int q = (int)nearbyintf(v[i] * id);
            out[b].qs[i] = (int16_t)q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
    }
}

static void quantize_q16_256(const float *x, int64_t k, void *dst) {
    enc_q16_256 *out = (enc_q16_256 *)dst;
    for (int64_t b = 0; b < k / 256; b++) {
        const float *v = x + 256 * b;
        float amax = 0.0f;
        for (int i = 0; i < 256; i++) { const float a = fabsf(v[i]); if (a > amax) amax = a; }
        const float d = amax / 32767.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int i = 0; i < 256; i++) out[b].qs[i] = (int16_t)nearbyintf(v[i] * id);
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += out[b].qs[16 * j + i];
            out[b].bsums[j] = sum;
        }
        out[b].d = d;
    }
}

// ---- 32-element blocks -------------------------------------------------------------------------
// Each block's integer sum fits int32: |q_w| <= 128 (Q8_0) times |q_x| <= 32767 times 32 < 2^31.

static float dot_q8_0(const uint8_t *wb, const enc_q16_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 34) {
        int32_t acc = 0;
        for (int i = 0; i < 32; i++) acc += (int8_t)wb[2 + i] * xb[b].qs[i];
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc;
    }
    return sum;
}

static float dot_q4_0(const uint8_t *wb, const enc_q16_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 18) {
        int32_t acc = 0;
        for (int j = 0; j < 16; j++) acc += (wb[2 + j] & 15) * xb[b].qs[j] + (wb[2 + j] >> 4) * xb[b].qs[j + 16];
        sum += enc_half_to_float(enc_load_u16(wb)) * (xb[b].d * (float)acc - 8.0f * xb[b].s);
    }
    return sum;
}

static float dot_q4_1(const uint8_t *wb, const enc_q16_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 20) {
        int32_t acc = 0;
        for (int j = 0; j < 16; j++) acc += (wb[4 + j] & 15) * xb[b].qs[j] + (wb[4 + j] >> 4) * xb[b].qs[j + 16];
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc + enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].s;
    }
    return sum;
}

static float dot_q5_0(const uint8_t *wb, const enc_q16_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 22) {
        const uint32_t qh = enc_load_u32(wb + 2);
        int32_t acc = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (wb[6 + j] & 15) | (int)(((qh >> j) & 1) << 4);
            const int hi = (wb[6 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            acc += lo * xb[b].qs[j] + hi * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * (xb[b].d * (float)acc - 16.0f * xb[b].s);
    }
    return sum;
}

static float dot_q5_1(const uint8_t *wb, const enc_q16_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 24) {
        const uint32_t qh = enc_load_u32(wb + 4);
        int32_t acc = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (wb[8 + j] & 15) | (int)(((qh >> j) & 1) << 4);
            const int hi = (wb[8 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            acc += lo * xb[b].qs[j] + hi * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc + enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].s;
    }
    return sum;
}

// ---- K-quants: integer sums per sub-block, scaled in float (scale x sum can exceed int32) --------

static float dot_q4_K(const uint8_t *wb, const enc_q16_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 144) {
        const float d = enc_half_to_float(enc_load_u16(wb)) * xb[b].d;
        const float dmin = enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].d;
        const uint8_t *scales = wb + 4, *qs = wb + 16;
        const int16_t *q = xb[b].qs;
        float fsum = 0.0f, msum = 0.0f;
        for (int c = 0; c < 4; c++) {
            uint8_t sc0, m0, sc1, m1;
            enc_scale_min_k4(2 * c, scales, &sc0, &m0);
            enc_scale_min_k4(2 * c + 1, scales, &sc1, &m1);
            int32_t a0 = 0, a1 = 0;
            for (int l = 0; l < 32; l++) {
                a0 += (qs[32 * c + l] & 15) * q[64 * c + l];
                a1 += (qs[32 * c + l] >> 4) * q[64 * c + 32 + l];
            }
            fsum += (float)sc0 * (float)a0 + (float)sc1 * (float)a1;
            msum += (float)(m0 * (xb[b].bsums[4 * c] + xb[b].bsums[4 * c + 1]) + m1 * (xb[b].bsums[4 * c + 2] + xb[b].bsums[4 * c + 3]));
        }
        sum += d * fsum - dmin * msum;
    }
    return sum;
}

static float dot_q5_K(const uint8_t *wb, const enc_q16_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 176) {
        const float d = enc_half_to_float(enc_load_u16(wb)) * xb[b].d;
        const float dmin = enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].d;
        const uint8_t *scales = wb + 4, *qh = wb + 16, *qs = wb + 48;
        const int16_t *q = xb[b].qs;
        float fsum = 0.0f, msum = 0.0f;
        for (int c = 0; c < 4; c++) {
            uint8_t sc0, m0, sc1, m1;
            enc_scale_min_k4(2 * c, scales, &sc0, &m0);
            enc_scale_min_k4(2 * c + 1, scales, &sc1, &m1);
            int32_t a0 = 0, a1 = 0;
            for (int l = 0; l < 32; l++) {
                const int lo = (qs[32 * c + l] & 15) + (((qh[l] >> (2 * c)) & 1) << 4);
                const int hi = (qs[32 * c + l] >> 4) + (((qh[l] >> (2 * c + 1)) & 1) << 4);
                a0 += lo * q[64 * c + l];
                a1 += hi * q[64 * c + 32 + l];
            }
            fsum += (float)sc0 * (float)a0 + (float)sc1 * (float)a1;
            msum += (float)(m0 * (xb[b].bsums[4 * c] + xb[b].bsums[4 * c + 1]) + m1 * (xb[b].bsums[4 * c + 2] + xb[b].bsums[4 * c + 3]));
        }
        sum += d * fsum - dmin * msum;
    }
    return sum;
}

static float dot_q6_K(const uint8_t *wb, const enc_q16_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 210) {
        const float d = enc_half_to_float(enc_load_u16(wb + ENC_Q6_K_D_OFFSET)) * xb[b].d;
        const int16_t *q = xb[b].qs;
        float fsum = 0.0f;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = wb + 64 * h, *qh = wb + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(wb + 192 + 8 * h);
            // 8 sub-blocks of 16 in this half: g = 0..3 (line), s = 0..1 (l / 16)
            for (int g = 0; g < 4; g++) {
                for (int s = 0; s < 2; s++) {
                    int32_t a = 0;
                    for (int l = 16 * s; l < 16 * s + 16; l++) {
                        int qv;
                        switch (g) {
                        case 0: qv = (ql[l] & 15) | ((qh[l] & 3) << 4); break;
                        case 1: qv = (ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4); break;
                        case 2: qv = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4); break;
                        default: qv = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4); break;
                        }
                        a += (qv - 32) * q[128 * h + 32 * g + l];
                    }
                    fsum += (float)sc[s + 2 * g] * (float)a;
                }
            }
        }
        sum += d * fsum;
    }
    return sum;
}

#define ROW(w, r) ((const uint8_t *)(w) + (r) * row_bytes)
#define XROW(x, c) ((const uint8_t *)(x) + (c) * x_stride)
#define DEFINE_MM(name, dotfn, xtype, bsize)                                                          \
    static void name(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,              \
                     const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {              \
        for (int64_t c = 0; c < n; c++) {                                                              \
            const xtype *xv = (const xtype *)XROW(x, c);                                               \
            for (int64_t r = r0; r < r1; r++) y[c * ldy + r] = dotfn(ROW(w, r), xv, k / (bsize));      \
        }                                                                                              \
    }

DEFINE_MM(mm16_q8_0, dot_q8_0, enc_q16_32, 32)
DEFINE_MM(mm16_q4_0, dot_q4_0, enc_q16_32, 32)
DEFINE_MM(mm16_q4_1, dot_q4_1, enc_q16_32, 32)
DEFINE_MM(mm16_q5_0, dot_q5_0, enc_q16_32, 32)
DEFINE_MM(mm16_q5_1, dot_q5_1, enc_q16_32, 32)
DEFINE_MM(mm16_q4_K, dot_q4_K, enc_q16_256, 256)
DEFINE_MM(mm16_q5_K, dot_q5_K, enc_q16_256, 256)
DEFINE_MM(mm16_q6_K, dot_q6_K, enc_q16_256, 256)

enc_matmul_fn enc_q16_scalar_matmul_for(int type) {
    switch (type) {
    case ENC_Q8_0: return mm16_q8_0;
    case ENC_Q4_0: return mm16_q4_0;
    case ENC_Q4_1: return mm16_q4_1;
    case ENC_Q5_0: return mm16_q5_0;
    case ENC_Q5_1: return mm16_q5_1;
    case ENC_Q4_K: return mm16_q4_K;
    case ENC_Q5_K: return mm16_q5_K;
    case ENC_Q6_K: return mm16_q6_K;
    default: return NULL;
    }
}

enc_q16_quantize_fn enc_q16_scalar_quantizer_for(int format) {
    switch (format) {
    case ENC_ACT_Q16_32: return quantize_q16_32;
    case ENC_ACT_Q16_256: return quantize_q16_256;
    default: return NULL;
    }
}
