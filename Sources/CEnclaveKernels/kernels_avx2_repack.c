// Enclave: AVX2 products with interleaved ("repacked") weights: 8 rows per vector (layout in kernels_repack.c).
//
// Each 32-byte chunk holds 4 consecutive quants of 8 rows, so one _mm256_maddubs_epi16 against the 4 matching
// activation bytes broadcast to every lane (a plain vpbroadcastd load) advances all 8 rows; the int16 pair sums
// of a whole block add up in one register (Q4: 8 x 3810, Q5: 4 x 7874 fit in int16) before one
// _mm256_madd_epi16 leaves 8 int32 lanes = 8 rows. Then one conversion, one FMA with d_w[8] * d_x and one FMA
// with the min term finish the block for all 8 rows, instead of once per row.
#include "kernels_avx2_common.h"

#if ENC_HAVE_AVX2_KERNELS

enum { R_Q4_0, R_Q4_1, R_Q5_0, R_Q8_0 };

ENC_AVX2_BEGIN

ENC_INLINE __m256i bcast4(const int8_t *p) { return _mm256_set1_epi32((int)enc_load_u32((const uint8_t *)p)); }

/// Moves bit `t` (0..7) of every byte to bit 4 (other bits are masked off by the caller; 16-bit shifts do not
/// carry into bit 4 of the neighbouring byte for these distances).
ENC_INLINE __m256i bit_to_4(__m256i v, const int t) {
    switch (t) {
    case 0: return _mm256_slli_epi16(v, 4);
    case 1: return _mm256_slli_epi16(v, 3);
    case 2: return _mm256_slli_epi16(v, 2);
    case 3: return _mm256_slli_epi16(v, 1);
    case 4: return v;
    case 5: return _mm256_srli_epi16(v, 1);
    case 6: return _mm256_srli_epi16(v, 2);
    default: return _mm256_srli_epi16(v, 3);
    }
}

/// One group of 8 rows x NC (1...4) columns over all blocks; writes rows [0, rows) of the group.
ENC_INLINE void group_tile(const int kind, const int NC, const uint8_t *g, int64_t nb, int64_t gbb, const uint8_t *x,
                           int64_t xs, float *y, int64_t ldy, int rows) {
    const __m256i m4 = _mm256_set1_epi8(15), ones = _mm256_set1_epi16(1);
    __m256 acc[4];
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *p = g + b * gbb;
        // Software prefetch 1 KB ahead in the stream: the hardware prefetcher alone reaches ~14 GB/s, this ~16-18.
        for (int l = 0; l < (int)((gbb + 63) / 64); l++) _mm_prefetch((const char *)(p + 1024 + 64 * l), _MM_HINT_T0);
        const __m256 d8 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
        const enc_q8_32 *xb[4];
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) xb[c] = (const enc_q8_32 *)(x + c * xs) + b;
        __m256i isum[4];
        if (kind == R_Q8_0) {
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) isum[c] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
            for (int j = 0; j < 8; j++) {
                const __m256i wq = _mm256_loadu_si256((const __m256i *)(p + 16 + 32 * j));
                const __m256i aw = _mm256_sign_epi8(wq, wq);
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) {
                    const __m256i sx = _mm256_sign_epi8(bcast4(xb[c]->qs + 4 * j), wq);
                    isum[c] = _mm256_add_epi32(isum[c], _mm256_madd_epi16(_mm256_maddubs_epi16(aw, sx), ones));
                }
            }
        } else {
            const int qs = kind == R_Q4_0 ? 16 : kind == R_Q4_1 ? 32 : 48;
            __m256i lo_sum[4], hi_sum[4];
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) lo_sum[c] = hi_sum[c] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
            for (int j = 0; j < 4; j++) {
                const __m256i v = _mm256_loadu_si256((const __m256i *)(p + qs + 32 * j));
                __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
                if (kind == R_Q5_0) {
                    const __m256i plane = _mm256_loadu_si256((const __m256i *)(p + 16));
                    lo = _mm256_or_si256(lo, _mm256_and_si256(bit_to_4(plane, 2 * j), _mm256_set1_epi8(0x10)));
                    hi = _mm256_or_si256(hi, _mm256_and_si256(bit_to_4(plane, 2 * j + 1), _mm256_set1_epi8(0x10)));
                }
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) {
                    const __m256i a = _mm256_maddubs_epi16(lo, bcast4(xb[c]->qs + 4 * j));
                    const __m256i h = _mm256_maddubs_epi16(hi, bcast4(xb[c]->qs + 16 + 4 * j));
                    if (kind == R_Q5_0) {
                        lo_sum[c] = _mm256_add_epi16(lo_sum[c], a);
                        hi_sum[c] = _mm256_add_epi16(hi_sum[c], h);
                    } else {
                        lo_sum[c] = _mm256_add_epi16(lo_sum[c], _mm256_add_epi16(a, h));
                    }
                }
            }
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                isum[c] = _mm256_madd_epi16(lo_sum[c], ones);
                if (kind == R_Q5_0) isum[c] = _mm256_add_epi32(isum[c], _mm256_madd_epi16(hi_sum[c], ones));
            }
        }
        // Min term per row: m (Q4_1) or -8 d / -16 d (Q4_0 / Q5_0), times s of each column.
        __m256 mterm = _mm256_setzero_ps();
        if (kind == R_Q4_1) mterm = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 16)));
        if (kind == R_Q4_0) mterm = _mm256_mul_ps(d8, _mm256_set1_ps(-8.0f));
        if (kind == R_Q5_0) mterm = _mm256_mul_ps(d8, _mm256_set1_ps(-16.0f));
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            const __m256 scale = _mm256_mul_ps(d8, _mm256_broadcast_ss(&xb[c]->d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[c]), scale, acc[c]);
            if (kind != R_Q8_0) acc[c] = _mm256_fmadd_ps(mterm, _mm256_broadcast_ss(&xb[c]->s), acc[c]);
        }
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) {
        if (rows == 8) {
            _mm256_storeu_ps(y + c * ldy, acc[c]);
        } else {
            float out[8];
            _mm256_storeu_ps(out, acc[c]);
            for (int r = 0; r < rows; r++) y[c * ldy + r] = out[r];
        }
    }
}

typedef void (*group_fn)(const uint8_t *g, int64_t nb, int64_t gbb, const uint8_t *x, int64_t xs, float *y,
                         int64_t ldy, int rows);

#define GROUP_FN(name, kind, NC)                                                                                   \
    static void name(const uint8_t *g, int64_t nb, int64_t gbb, const uint8_t *x, int64_t xs, float *y,            \
                     int64_t ldy, int rows) {                                                                       \
        group_tile(kind, NC, g, nb, gbb, x, xs, y, ldy, rows);                                                      \
    }
#define GROUP_SET(prefix, kind)                                                                                    \
    GROUP_FN(prefix##_1, kind, 1) GROUP_FN(prefix##_2, kind, 2) GROUP_FN(prefix##_3, kind, 3)                      \
    GROUP_FN(prefix##_4, kind, 4)

GROUP_SET(rq4_0, R_Q4_0)
GROUP_SET(rq4_1, R_Q4_1)
GROUP_SET(rq5_0, R_Q5_0)
GROUP_SET(rq8_0, R_Q8_0)

ENC_AVX2_END

static const group_fn *group_fns(int type) {
    static const group_fn q4_0[5] = {NULL, rq4_0_1, rq4_0_2, rq4_0_3, rq4_0_4};
    static const group_fn q4_1[5] = {NULL, rq4_1_1, rq4_1_2, rq4_1_3, rq4_1_4};
    static const group_fn q5_0[5] = {NULL, rq5_0_1, rq5_0_2, rq5_0_3, rq5_0_4};
    static const group_fn q8_0[5] = {NULL, rq8_0_1, rq8_0_2, rq8_0_3, rq8_0_4};
    switch (type) {
    case ENC_Q4_0: return q4_0;
    case ENC_Q4_1: return q4_1;
    case ENC_Q5_0: return q5_0;
    case ENC_Q8_0: return q8_0;
    default: return NULL;
    }
}

int enc_avx2_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                             int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const group_fn *fns = group_fns(type);
    if (!fns || k % 32 != 0 || r0 % 8 != 0) return 0;
    if (n <= 0 || r1 <= r0) return 1;
    const int64_t nb = k / 32, gbb = enc_repack_group_block_bytes(type);
    int64_t chunk = x_stride > 0 ? (16 * 1024) / x_stride / 4 * 4 : n;
    if (chunk < 4) chunk = 4;
    const uint8_t *xb = (const uint8_t *)x;
    for (int64_t c0 = 0; c0 < n; c0 += chunk) {
        const int64_t c1 = c0 + chunk < n ? c0 + chunk : n;
        for (int64_t r = r0; r < r1; r += 8) {
            const uint8_t *g = (const uint8_t *)packed + r / 8 * nb * gbb;
            const int rows = r1 - r < 8 ? (int)(r1 - r) : 8;
            for (int64_t c = c0; c < c1; c += 4) {
                const int nc = c1 - c < 4 ? (int)(c1 - c) : 4;
                fns[nc](g, nb, gbb, xb + c * x_stride, x_stride, y + c * ldy + r, ldy, rows);
            }
        }
    }
    return 1;
}

#endif
