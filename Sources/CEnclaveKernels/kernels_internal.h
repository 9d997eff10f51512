// Enclave: shared helpers between the kernel files (not part of the public header).
#ifndef ENCLAVE_KERNELS_INTERNAL_H
#define ENCLAVE_KERNELS_INTERNAL_H

#include "enclave_kernels.h"
#include <string.h>

static inline float enc_half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            exp = 127 - 15 + 1;
            while ((mant & 0x400) == 0) { mant <<= 1; exp--; }
            mant &= 0x3ff;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 31) {  // inf, or NaN made quiet with its payload kept (as F16C does)
        bits = sign | 0x7f800000 | (mant << 13) | (mant ? 0x400000u : 0u);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// Six-bit scale and min `j` (0 to 7) of a Q4_K or Q5_K super-block, from its 12 packed scale bytes `s`
/// (ggml's get_scale_min_k4).
static inline void enc_scale_min_k4(int j, const uint8_t *s, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (uint8_t)((s[j + 4] & 15) | ((s[j - 4] >> 6) << 4));
        *m = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

static inline uint16_t enc_float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000;
    const uint32_t absx = x & 0x7fffffff;
    if (absx > 0x7f800000) return (uint16_t)(sign | 0x7e00 | ((absx & 0x7fffff) >> 13));  // quiet NaN, payload kept
    if (absx == 0x7f800000) return (uint16_t)(sign | 0x7c00);
    if (absx >= 0x477ff000) return (uint16_t)(sign | 0x7c00);  // overflow -> inf
    if (absx < 0x38800000) {  // subnormal or zero in half
        if (absx < 0x33000000) return (uint16_t)sign;
        const uint32_t e = absx >> 23;
        const uint32_t m = (absx & 0x7fffff) | 0x800000;
        const uint32_t shift = 126 - e;  // 14 + (113 - e)
        uint32_t v = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (v & 1))) v++;
        return (uint16_t)(sign | v);
    }
    uint32_t v = ((absx >> 13) - (112u << 10));
    const uint32_t rem = absx & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (v & 1))) v++;
    return (uint16_t)(sign | v);
}

static inline uint16_t enc_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t enc_load_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/// Signature of a per-type matmul implementation.
typedef void (*enc_matmul_fn)(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                              const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// Portable implementations (kernels_scalar.c); index by ggml type id, NULL if unsupported.
enc_matmul_fn enc_scalar_matmul_for(int type);
void enc_scalar_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out);
void enc_scalar_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out);
void enc_scalar_attn_accumulate_f16(const float *p, const uint16_t *v, int64_t v_stride, int64_t nkeys, int64_t dim,
                                    float *out);

/// Bytes of one block of a group of 8 repacked rows, 0 if the type has no repacked layout (kernels_repack.c).
int64_t enc_repack_group_block_bytes(int type);
void enc_scalar_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                                int64_t x_stride, int64_t n, float *y, int64_t ldy);

#if defined(__x86_64__) || defined(__i386__)
#define ENC_HAVE_AVX2_KERNELS 1

/// AVX2 + FMA + F16C implementations (kernels_avx2*.c). Call them only when enc_isa_active() says so.
int enc_avx2_matmul(int type, int tile_rows, int tile_cols, const void *w, int64_t row_bytes, int64_t k,
                    int64_t r0, int64_t r1, const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);
void enc_avx2_default_tile(int type, int64_t n, int *tile_rows, int *tile_cols);
int enc_avx2_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                             int64_t x_stride, int64_t n, float *y, int64_t ldy);
void enc_avx2_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out);
void enc_avx2_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out);
void enc_avx2_f16_to_f32(const uint16_t *src, float *dst, int64_t n);
void enc_avx2_f32_to_f16(const float *src, uint16_t *dst, int64_t n);
void enc_avx2_attn_accumulate_f16(const float *p, const uint16_t *v, int64_t v_stride, int64_t nkeys, int64_t dim,
                                  float *out);
#endif

#endif
