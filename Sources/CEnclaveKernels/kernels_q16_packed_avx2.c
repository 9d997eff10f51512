// Enclave: AVX2 + FMA + F16C products of int16 activations with packed weights (layout in
// kernels_q16_packed.c).
//
// A packed chunk widens to 16 int16 lanes = 2 adjacent elements of 8 rows; vpmaddwd against the
// matching activation pair broadcast to every 32-bit lane adds both products into 8 int32 lanes =
// 8 rows. A tile of 8 rows x NC activation columns unpacks each chunk once for its NC columns. No
// horizontal reductions: per block, the 8 rows' exact int32 sums are converted and fed to the same
// float chain as the plain-layout kernels (kernels_q16_avx2.c), so every output is bit-identical
// to enc_q16_matmul:
//   32-element blocks: acc = fma((float)S_b, d_w * d_x, acc); acc = fma(m_w, s_x, acc) (Q4_1, Q5_1)
//   K-quants: per pair class j (pairs P = j mod 8 of a super-block, or of a half for Q6_K) the exact
//   int32 sum L_j, then T = ((L0 + L1) + (L2 + L3)) + ((L4 + L5) + (L6 + L7)) in float and
//   acc = fma(T, d_w * d_x, acc), acc = fnmadd((float)sum_k m_k bsum_k, dmin_w * d_x, acc).
#include "kernels_q16_packed_internal.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define INLINE static inline __attribute__((always_inline))
/// Hides a value from the optimiser: keeps vpmovzxbw/vpmovsxbw fused with their loads (clang would otherwise
/// widen from a register after moving a mask before the widening).
#define OPAQUE(v) __asm__("" : "+x"(v))

enum {
    /// Activation columns per tile: 32-element types keep NC int32 and NC float accumulators in registers
    /// (6 or 8 spill and measured 12-20% slower); K-quants keep one int32 accumulator per column and
    /// amortise the scale multiplies over more columns (8: 5-8% faster than 4).
    NC_32 = 4,
    NC_K = 8,
    /// Bytes of packed weights per span of row groups: a span stays in L2 while every column tile passes.
    SPAN_BYTES = 96 * 1024,
    /// Prefetch distance of the weight stream in bytes (one column: decode streams the matrix from DRAM).
    PREFETCH_AHEAD = 1024,
};

// Offsets inside a packed K-quant block (kernels_q16_packed.c).
enum { K_SC = 32, K_MN = 96, K_QH = 160, Q4K_QS = 160, Q5K_QS = 416, Q6K_SC = 16, Q6K_Q = 144 };

INLINE __m128i load128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

/// The activation pair at q (2 int16) in every 32-bit lane.
INLINE __m256i pair(const int16_t *q) { return _mm256_set1_epi32((int)enc_load_u32((const uint8_t *)q)); }

INLINE __m256i widen_u8(const uint8_t *p) {
    __m256i v = _mm256_cvtepu8_epi16(load128(p));
    OPAQUE(v);
    return v;
}

INLINE __m256i widen_i8(const uint8_t *p) {
    __m256i v = _mm256_cvtepi8_epi16(load128(p));
    OPAQUE(v);
    return v;
}

INLINE int64_t group_block_bytes(int type) {
    switch (type) {
    case ENC_Q8_0: return 272;
    case ENC_Q4_0: return 144;
    case ENC_Q4_1: return 160;
    case ENC_Q5_0: return 272;
    case ENC_Q5_1: return 288;
    case ENC_Q4_K: return 1184;
    case ENC_Q5_K: return 1440;
    default: return 2192;  // Q6_K
    }
}

INLINE int has_min32(int type) { return type == ENC_Q4_1 || type == ENC_Q5_1; }

/// Whether the packed codes are int8 (16 chunks per block) rather than nibbles (8 chunks).
INLINE int byte_codes(int type) { return type == ENC_Q8_0 || type == ENC_Q5_0 || type == ENC_Q5_1; }
INLINE int64_t qs_offset32(int type) { return has_min32(type) ? 32 : 16; }

/// The 5th bits of a Q5_K chunk (its u32 at qh) added to the nibbles: A lanes from bits 16t + r, B lanes from
/// 16t + 8 + r.
INLINE void add_high_bits(const uint8_t *qh, __m256i *A, __m256i *B) {
    const __m256i ma = _mm256_setr_epi16(1, 1, 2, 2, 4, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128);
    const __m256i mb = _mm256_slli_epi16(ma, 8);
    const __m256i v = _mm256_set1_epi16(16);
    const __m256i h = _mm256_set1_epi32((int)enc_load_u32(qh));
    *A = _mm256_or_si256(*A, _mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(h, ma), ma), v));
    *B = _mm256_or_si256(*B, _mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(h, mb), mb), v));
}

/// Nibble chunk at q: A = low nibbles, B = high nibbles (16 int16 lanes each).
INLINE void nibbles(const uint8_t *q, __m256i *A, __m256i *B) {
    const __m256i v = widen_u8(q);
    *A = _mm256_and_si256(v, _mm256_set1_epi16(15));
    *B = _mm256_srli_epi16(v, 4);
}

// ---- 32-element blocks --------------------------------------------------------------------------

/// One group of 8 rows (blocks at g) x NC columns (activation rows at x, xs bytes apart) over nb blocks;
/// stores rows [0, rows) of the group's outputs at y (column c at y + c * ldy).
INLINE void tile32(const int type, const int NC, const uint8_t *g, int64_t nb, const uint8_t *x, int64_t xs,
                   float *y, int64_t ldy, int rows, int pf) {
    const int64_t gbb = group_block_bytes(type);
    const enc_q16_32 *xc[8];
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) xc[c] = (const enc_q16_32 *)(x + c * xs);
    __m256 acc[8];
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *p = g + b * gbb;
        if (pf) {
            for (int l = 0; l < (int)((gbb + 63) / 64); l++) _mm_prefetch((const char *)(p + PREFETCH_AHEAD + 64 * l), _MM_HINT_T0);
        }
        __m256i s[8];
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) s[c] = _mm256_setzero_si256();
        if (byte_codes(type)) {
#pragma clang loop unroll(full)
            for (int q = 0; q < 16; q++) {
                const __m256i w = widen_i8(p + qs_offset32(type) + 16 * q);
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) s[c] = _mm256_add_epi32(s[c], _mm256_madd_epi16(w, pair(xc[c][b].qs + 2 * q)));
            }
        } else {
            const uint8_t *qs = p + qs_offset32(type);
#pragma clang loop unroll(full)
            for (int ch = 0; ch < 8; ch++) {
                __m256i A, B;
                nibbles(qs + 16 * ch, &A, &B);
                if (type == ENC_Q4_0) {
                    A = _mm256_sub_epi16(A, _mm256_set1_epi16(8));
                    B = _mm256_sub_epi16(B, _mm256_set1_epi16(8));
                }
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) {
                    const __m256i a = _mm256_madd_epi16(A, pair(xc[c][b].qs + 2 * ch));
                    const __m256i h = _mm256_madd_epi16(B, pair(xc[c][b].qs + 16 + 2 * ch));
                    s[c] = _mm256_add_epi32(s[c], _mm256_add_epi32(a, h));
                }
            }
        }
        const __m256 d8 = _mm256_cvtph_ps(load128(p));
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s[c]), _mm256_mul_ps(d8, _mm256_broadcast_ss(&xc[c][b].d)), acc[c]);
        }
        if (has_min32(type)) {
            const __m256 m8 = _mm256_cvtph_ps(load128(p + 16));
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) acc[c] = _mm256_fmadd_ps(m8, _mm256_broadcast_ss(&xc[c][b].s), acc[c]);
        }
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) {
        if (rows == 8) {
            _mm256_storeu_ps(y + c * ldy, acc[c]);
        } else {
            float t[8];
            _mm256_storeu_ps(t, acc[c]);
            for (int r = 0; r < rows; r++) y[c * ldy + r] = t[r];
        }
    }
}

// ---- K-quants -----------------------------------------------------------------------------------

/// Scale vectors of sub-blocks s and s + 1 from the 16 bytes at p (8 rows each): lane 2r + t = byte r,
/// zero-extended (Q4_K/Q5_K) or sign-extended (Q6_K).
INLINE void scale_vectors(const uint8_t *p, int is_signed, __m256i *lo, __m256i *hi) {
    const __m256i v = _mm256_broadcastsi128_si256(load128(p));
    // Byte r of the sub-block to the high byte of lanes 2r, 2r + 1 (rows 0..3 in the low 128 bits).
    const __m256i c0 = _mm256_setr_epi8(-1, 0, -1, 0, -1, 1, -1, 1, -1, 2, -1, 2, -1, 3, -1, 3,
                                        -1, 4, -1, 4, -1, 5, -1, 5, -1, 6, -1, 6, -1, 7, -1, 7);
    const __m256i c1 = _mm256_add_epi8(c0, _mm256_setr_epi8(0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8,
                                                            0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8));
    const __m256i a = _mm256_shuffle_epi8(v, c0), b = _mm256_shuffle_epi8(v, c1);
    *lo = is_signed ? _mm256_srai_epi16(a, 8) : _mm256_srli_epi16(a, 8);
    *hi = is_signed ? _mm256_srai_epi16(b, 8) : _mm256_srli_epi16(b, 8);
}

/// Float sum of the 8 pair classes f[0..7], with the association of the plain kernels' tree_ps.
INLINE __m256 tree8_ps(const __m256 f[8]) {
    const __m256 q0 = _mm256_add_ps(_mm256_add_ps(f[0], f[1]), _mm256_add_ps(f[2], f[3]));
    const __m256 q1 = _mm256_add_ps(_mm256_add_ps(f[4], f[5]), _mm256_add_ps(f[6], f[7]));
    return _mm256_add_ps(q0, q1);
}

/// One group of 8 rows x NC columns of a K-quant matrix (see tile32).
INLINE void tileK(const int type, const int NC, const uint8_t *g, int64_t nb, const uint8_t *x, int64_t xs, float *y,
                  int64_t ldy, int rows, int pf) {
    const int64_t gbb = group_block_bytes(type);
    const enc_q16_256 *xc[8];
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) xc[c] = (const enc_q16_256 *)(x + c * xs);
    __m256 acc[8];
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) acc[c] = _mm256_setzero_ps();
    __attribute__((aligned(32))) __m256i sv[8];
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *p = g + b * gbb;
        const __m256 d8 = _mm256_cvtph_ps(load128(p));
        const int halves = type == ENC_Q6_K ? 2 : 1;
        for (int h = 0; h < halves; h++) {
            if (type == ENC_Q6_K) {
                for (int s = 0; s < 8; s += 2) scale_vectors(p + Q6K_SC + 64 * h + 8 * s, 1, &sv[s], &sv[s + 1]);
            } else {
                for (int s = 0; s < 8; s += 2) scale_vectors(p + K_SC + 8 * s, 0, &sv[s], &sv[s + 1]);
            }
            __attribute__((aligned(32))) __m256 F[8][8];
#pragma clang loop unroll(disable)
            for (int j = 0; j < 8; j++) {
                if (pf) {
                    const int64_t span = gbb / 8 / halves;
                    for (int l = 0; l < (int)((span + 63) / 64); l++) {
                        _mm_prefetch((const char *)(p + PREFETCH_AHEAD + span * (8 * h + j) + 64 * l), _MM_HINT_T0);
                    }
                }
                __m256i s[8];
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) s[c] = _mm256_setzero_si256();
                if (type == ENC_Q6_K) {
#pragma clang loop unroll(full)
                    for (int sb = 0; sb < 8; sb++) {
                        const __m256i w = _mm256_mullo_epi16(widen_i8(p + Q6K_Q + 16 * (64 * h + 8 * j + sb)), sv[sb]);
#pragma clang loop unroll(full)
                        for (int c = 0; c < NC; c++) {
                            s[c] = _mm256_add_epi32(s[c], _mm256_madd_epi16(w, pair(xc[c][b].qs + 2 * (64 * h + 8 * sb + j))));
                        }
                    }
                } else {
                    const uint8_t *qs = p + (type == ENC_Q4_K ? Q4K_QS : Q5K_QS);
#pragma clang loop unroll(full)
                    for (int sb = 0; sb < 8; sb++) {
                        __m256i A, B;
                        nibbles(qs + 16 * (8 * j + sb), &A, &B);
                        if (type == ENC_Q5_K) add_high_bits(p + K_QH + 4 * (8 * j + sb), &A, &B);
                        A = _mm256_mullo_epi16(A, sv[sb]);
                        B = _mm256_mullo_epi16(B, sv[sb]);
#pragma clang loop unroll(full)
                        for (int c = 0; c < NC; c++) {
                            const __m256i a = _mm256_madd_epi16(A, pair(xc[c][b].qs + 2 * (16 * sb + j)));
                            const __m256i e = _mm256_madd_epi16(B, pair(xc[c][b].qs + 2 * (16 * sb + 8 + j)));
                            s[c] = _mm256_add_epi32(s[c], _mm256_add_epi32(a, e));
                        }
                    }
                }
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) F[c][j] = _mm256_cvtepi32_ps(s[c]);
            }
            __m256 T[8];
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) T[c] = tree8_ps(F[c]);
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) acc[c] = _mm256_fmadd_ps(T[c], _mm256_mul_ps(d8, _mm256_broadcast_ss(&xc[c][b].d)), acc[c]);
        }
        if (type != ENC_Q6_K) {
            const __m256 dm8 = _mm256_cvtph_ps(load128(p + 16));
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                __m256i ms = _mm256_setzero_si256();
                for (int s = 0; s < 8; s++) {
                    const __m256i m = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p + K_MN + 8 * s)));
                    ms = _mm256_add_epi32(ms, _mm256_mullo_epi32(m, _mm256_set1_epi32(xc[c][b].bsums[2 * s] + xc[c][b].bsums[2 * s + 1])));
                }
                acc[c] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(ms), _mm256_mul_ps(dm8, _mm256_broadcast_ss(&xc[c][b].d)), acc[c]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < NC; c++) {
        if (rows == 8) {
            _mm256_storeu_ps(y + c * ldy, acc[c]);
        } else {
            float t[8];
            _mm256_storeu_ps(t, acc[c]);
            for (int r = 0; r < rows; r++) y[c * ldy + r] = t[r];
        }
    }
}

// ---- drivers ------------------------------------------------------------------------------------

/// A tile kernel; `pf` = prefetch the weight stream ahead (the first column tile of a span reads the
/// weights from memory; the others find them in L2).
typedef void (*tile_fn)(const uint8_t *g, int64_t nb, const uint8_t *x, int64_t xs, float *y, int64_t ldy, int rows,
                        int pf);

#define TILE_FN(name, body, type, NC)                                                                      \
    static void name(const uint8_t *g, int64_t nb, const uint8_t *x, int64_t xs, float *y, int64_t ldy,    \
                     int rows, int pf) {                                                                   \
        body(type, NC, g, nb, x, xs, y, ldy, rows, pf);                                                    \
    }
#define TILE_SET32(prefix, type)                                                                           \
    TILE_FN(prefix##_1, tile32, type, 1) TILE_FN(prefix##_2, tile32, type, 2)                               \
    TILE_FN(prefix##_3, tile32, type, 3) TILE_FN(prefix##_4, tile32, type, 4)                               \
    static const tile_fn prefix[NC_32 + 1] = {NULL, prefix##_1, prefix##_2, prefix##_3, prefix##_4};
#define TILE_SETK(prefix, type)                                                                            \
    TILE_FN(prefix##_1, tileK, type, 1) TILE_FN(prefix##_2, tileK, type, 2) TILE_FN(prefix##_3, tileK, type, 3) \
    TILE_FN(prefix##_4, tileK, type, 4) TILE_FN(prefix##_5, tileK, type, 5) TILE_FN(prefix##_6, tileK, type, 6) \
    TILE_FN(prefix##_7, tileK, type, 7) TILE_FN(prefix##_8, tileK, type, 8)                                 \
    static const tile_fn prefix[NC_K + 1] = {NULL,       prefix##_1, prefix##_2, prefix##_3, prefix##_4,     \
                                             prefix##_5, prefix##_6, prefix##_7, prefix##_8};

TILE_SET32(pq8_0, ENC_Q8_0)
TILE_SET32(pq4_0, ENC_Q4_0)
TILE_SET32(pq4_1, ENC_Q4_1)
TILE_SET32(pq5_0, ENC_Q5_0)
TILE_SET32(pq5_1, ENC_Q5_1)
TILE_SETK(pq4_K, ENC_Q4_K)
TILE_SETK(pq5_K, ENC_Q5_K)
TILE_SETK(pq6_K, ENC_Q6_K)

#pragma clang attribute pop

static const tile_fn *tiles_for(int type) {
    switch (type) {
    case ENC_Q8_0: return pq8_0;
    case ENC_Q4_0: return pq4_0;
    case ENC_Q4_1: return pq4_1;
    case ENC_Q5_0: return pq5_0;
    case ENC_Q5_1: return pq5_1;
    case ENC_Q4_K: return pq4_K;
    case ENC_Q5_K: return pq5_K;
    case ENC_Q6_K: return pq6_K;
    default: return NULL;
    }
}

int enc_q16_packed_avx2_matmul(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                               int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const tile_fn *fns = tiles_for(type);
    if (!fns) return 0;
    const int64_t nc_max = enc_q16_packed_block_elements(type) == 32 ? NC_32 : NC_K;
    const int64_t nb = k / enc_q16_packed_block_elements(type), gbb = enc_q16_packed_group_block_bytes(type);
    const int64_t group_bytes = nb * gbb;
    const int64_t g0 = r0 / 8, g1 = (r1 + 7) / 8;
    const int64_t span = group_bytes >= SPAN_BYTES ? 1 : SPAN_BYTES / group_bytes;
    const uint8_t *w = (const uint8_t *)packed, *xb = (const uint8_t *)x;
    for (int64_t gs = g0; gs < g1; gs += span) {
        const int64_t ge = gs + span < g1 ? gs + span : g1;
        for (int64_t c = 0; c < n; c += nc_max) {
            const int nc = n - c < nc_max ? (int)(n - c) : nc_max;
            for (int64_t g = gs; g < ge; g++) {
                const int rows = r1 - 8 * g < 8 ? (int)(r1 - 8 * g) : 8;
                fns[nc](w + g * group_bytes, nb, xb + c * x_stride, x_stride, y + c * ldy + 8 * g, ldy, rows, c == 0);
            }
        }
    }
    return 1;
}

#else

int enc_q16_packed_avx2_matmul(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                               int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    (void)type, (void)packed, (void)k, (void)r0, (void)r1, (void)x, (void)x_stride, (void)n, (void)y, (void)ldy;
    return 0;
}

#endif
