// Enclave: portable C implementations of every kernel. They define the exact semantics the
// SIMD versions must reproduce, and run on any CPU without AVX2.
#include "kernels_internal.h"
#include <math.h>

void enc_scalar_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out) {
    for (int64_t b = 0; b < k / 32; b++) {
        const float *v = x + 32 * b;
        float amax = 0.0f;
        for (int i = 0; i < 32; i++) { const float a = fabsf(v[i]); if (a > amax) amax = a; }
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            const int q = (int)nearbyintf(v[i] * id);
            out[b].qs[i] = (int8_t)q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
    }
}

void enc_scalar_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out) {
    for (int64_t b = 0; b < k / 256; b++) {
        const float *v = x + 256 * b;
        float amax = 0.0f, vmax = 0.0f;
        for (int i = 0; i < 256; i++) {
            const float a = fabsf(v[i]);
            if (a > amax) { amax = a; vmax = v[i]; }
        }
        if (amax == 0.0f) {
            memset(&out[b], 0, sizeof(enc_q8_256));
            continue;
        }
        const float iscale = -127.0f / vmax;
        for (int i = 0; i < 256; i++) {
            int q = (int)nearbyintf(iscale * v[i]);
            out[b].qs[i] = (int8_t)(q > 127 ? 127 : q);
        }
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += out[b].qs[16 * j + i];
            out[b].bsums[j] = (int16_t)sum;
        }
        out[b].d = 1.0f / iscale;
    }
}

// ---- float weights ------------------------------------------------------------------------

#define ROW(w, r) ((const uint8_t *)(w) + (r) * row_bytes)
#define XROW(x, c) ((const uint8_t *)(x) + (c) * x_stride)

static void mm_f32(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                   const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    for (int64_t c = 0; c < n; c++) {
        const float *xv = (const float *)XROW(x, c);
        for (int64_t r = r0; r < r1; r++) {
            const float *wv = (const float *)ROW(w, r);
            float sum = 0.0f;
            for (int64_t i = 0; i < k; i++) sum += wv[i] * xv[i];
            y[c * ldy + r] = sum;
        }
    }
}

static void mm_f16(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                   const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    for (int64_t c = 0; c < n; c++) {
        const float *xv = (const float *)XROW(x, c);
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *wv = ROW(w, r);
            float sum = 0.0f;
            for (int64_t i = 0; i < k; i++) sum += enc_half_to_float(enc_load_u16(wv + 2 * i)) * xv[i];
            y[c * ldy + r] = sum;
        }
    }
}

static void mm_bf16(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                    const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    for (int64_t c = 0; c < n; c++) {
        const float *xv = (const float *)XROW(x, c);
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *wv = ROW(w, r);
            float sum = 0.0f;
            for (int64_t i = 0; i < k; i++) {
                const uint32_t bits = (uint32_t)enc_load_u16(wv + 2 * i) << 16;
                float f;
                memcpy(&f, &bits, 4);
                sum += f * xv[i];
            }
            y[c * ldy + r] = sum;
        }
    }
}

// ---- 32-element blocks against enc_q8_32 ----------------------------------------------------

static float dot_q8_0(const uint8_t *wb, const enc_q8_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 34) {
        int acc = 0;
        for (int i = 0; i < 32; i++) acc += (int8_t)wb[2 + i] * xb[b].qs[i];
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc;
    }
    return sum;
}

static float dot_q4_0(const uint8_t *wb, const enc_q8_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 18) {
        int acc = 0;
        for (int j = 0; j < 16; j++) {
            acc += (wb[2 + j] & 15) * xb[b].qs[j] + (wb[2 + j] >> 4) * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * (xb[b].d * (float)acc - 8.0f * xb[b].s);
    }
    return sum;
}

static float dot_q4_1(const uint8_t *wb, const enc_q8_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 20) {
        int acc = 0;
        for (int j = 0; j < 16; j++) {
            acc += (wb[4 + j] & 15) * xb[b].qs[j] + (wb[4 + j] >> 4) * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc
             + enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].s;
    }
    return sum;
}

static float dot_q5_0(const uint8_t *wb, const enc_q8_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 22) {
        const uint32_t qh = enc_load_u32(wb + 2);
        int acc = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (wb[6 + j] & 15) | (int)(((qh >> j) & 1) << 4);
            const int hi = (wb[6 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            acc += lo * xb[b].qs[j] + hi * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * (xb[b].d * (float)acc - 16.0f * xb[b].s);
    }
    return sum;
}

static float dot_q5_1(const uint8_t *wb, const enc_q8_32 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 24) {
        const uint32_t qh = enc_load_u32(wb + 4);
        int acc = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (wb[8 + j] & 15) | (int)(((qh >> j) & 1) << 4);
            const int hi = (wb[8 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            acc += lo * xb[b].qs[j] + hi * xb[b].qs[j + 16];
        }
        sum += enc_half_to_float(enc_load_u16(wb)) * xb[b].d * (float)acc
             + enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].s;
    }
    return sum;
}

// ---- 256-element K-quant blocks against enc_q8_256 ------------------------------------------

static float dot_q4_K(const uint8_t *wb, const enc_q8_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 144) {
        const float d = enc_half_to_float(enc_load_u16(wb)) * xb[b].d;
        const float dmin = enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].d;
        const uint8_t *scales = wb + 4, *qs = wb + 16;
        const int8_t *q8 = xb[b].qs;
        int isum = 0, msum = 0;
        for (int c = 0; c < 4; c++) {
            uint8_t sc0, m0, sc1, m1;
            enc_scale_min_k4(2 * c, scales, &sc0, &m0);
            enc_scale_min_k4(2 * c + 1, scales, &sc1, &m1);
            int a0 = 0, a1 = 0;
            for (int l = 0; l < 32; l++) {
                a0 += (qs[32 * c + l] & 15) * q8[64 * c + l];
                a1 += (qs[32 * c + l] >> 4) * q8[64 * c + 32 + l];
            }
            isum += sc0 * a0 + sc1 * a1;
            msum += m0 * (xb[b].bsums[4 * c] + xb[b].bsums[4 * c + 1]) + m1 * (xb[b].bsums[4 * c + 2] + xb[b].bsums[4 * c + 3]);
        }
        sum += d * (float)isum - dmin * (float)msum;
    }
    return sum;
}

static float dot_q5_K(const uint8_t *wb, const enc_q8_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 176) {
        const float d = enc_half_to_float(enc_load_u16(wb)) * xb[b].d;
        const float dmin = enc_half_to_float(enc_load_u16(wb + 2)) * xb[b].d;
        const uint8_t *scales = wb + 4, *qh = wb + 16, *qs = wb + 48;
        const int8_t *q8 = xb[b].qs;
        int isum = 0, msum = 0;
        for (int c = 0; c < 4; c++) {
            uint8_t sc0, m0, sc1, m1;
            enc_scale_min_k4(2 * c, scales, &sc0, &m0);
            enc_scale_min_k4(2 * c + 1, scales, &sc1, &m1);
            int a0 = 0, a1 = 0;
            for (int l = 0; l < 32; l++) {
                const int lo = (qs[32 * c + l] & 15) + (((qh[l] >> (2 * c)) & 1) << 4);
                const int hi = (qs[32 * c + l] >> 4) + (((qh[l] >> (2 * c + 1)) & 1) << 4);
                a0 += lo * q8[64 * c + l];
                a1 += hi * q8[64 * c + 32 + l];
            }
            isum += sc0 * a0 + sc1 * a1;
            msum += m0 * (xb[b].bsums[4 * c] + xb[b].bsums[4 * c + 1]) + m1 * (xb[b].bsums[4 * c + 2] + xb[b].bsums[4 * c + 3]);
        }
        sum += d * (float)isum - dmin * (float)msum;
    }
    return sum;
}

static float dot_q6_K(const uint8_t *wb, const enc_q8_256 *xb, int64_t nb) {
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++, wb += 210) {
        const float d = enc_half_to_float(enc_load_u16(wb + ENC_Q6_K_D_OFFSET)) * xb[b].d;
        const int8_t *q8 = xb[b].qs;
        int isum = 0;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = wb + 64 * h, *qh = wb + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(wb + 192 + 8 * h);
            for (int l = 0; l < 32; l++) {
                const int s = l / 16;
                const int q0 = ((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32;
                const int q1 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                isum += sc[s] * q0 * q8[128 * h + l] + sc[s + 2] * q1 * q8[128 * h + 32 + l]
                      + sc[s + 4] * q2 * q8[128 * h + 64 + l] + sc[s + 6] * q3 * q8[128 * h + 96 + l];
            }
        }
        sum += d * (float)isum;
    }
    return sum;
}

#define DEFINE_MM(name, dotfn, xtype, bsize)                                                          \
    static void name(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,              \
                     const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {              \
        for (int64_t c = 0; c < n; c++) {                                                              \
            const xtype *xv = (const xtype *)XROW(x, c);                                               \
            for (int64_t r = r0; r < r1; r++) y[c * ldy + r] = dotfn(ROW(w, r), xv, k / (bsize));      \
        }                                                                                              \
    }

DEFINE_MM(mm_q8_0, dot_q8_0, enc_q8_32, 32)
DEFINE_MM(mm_q4_0, dot_q4_0, enc_q8_32, 32)
DEFINE_MM(mm_q4_1, dot_q4_1, enc_q8_32, 32)
DEFINE_MM(mm_q5_0, dot_q5_0, enc_q8_32, 32)
DEFINE_MM(mm_q5_1, dot_q5_1, enc_q8_32, 32)
DEFINE_MM(mm_q4_K, dot_q4_K, enc_q8_256, 256)
DEFINE_MM(mm_q5_K, dot_q5_K, enc_q8_256, 256)
DEFINE_MM(mm_q6_K, dot_q6_K, enc_q8_256, 256)

enc_matmul_fn enc_scalar_matmul_for(int type) {
    switch (type) {
    case ENC_F32: return mm_f32;
    case ENC_F16: return mm_f16;
    case ENC_BF16: return mm_bf16;
    case ENC_Q8_0: return mm_q8_0;
    case ENC_Q4_0: return mm_q4_0;
    case ENC_Q4_1: return mm_q4_1;
    case ENC_Q5_0: return mm_q5_0;
    case ENC_Q5_1: return mm_q5_1;
    case ENC_Q4_K: return mm_q4_K;
    case ENC_Q5_K: return mm_q5_K;
    case ENC_Q6_K: return mm_q6_K;
    default: return NULL;
    }
}
