// Enclave: AVX2 matrix products for the K-quants (Q4_K, Q5_K, Q6_K) against enc_q8_256 activations.
//
// Structure as in ggml's AVX2 code: per 256-element super-block the 6-bit (Q4_K/Q5_K) or 8-bit (Q6_K) sub-block
// scales become int16 vectors, each 32-element group of weight quants is widened once to bytes and multiplied with
// every activation column of the tile by _mm256_maddubs_epi16; the following _mm256_madd_epi16 uses the sub-block
// scale instead of ones, so the scaled sums stay in int32 until one conversion and one FMA per super-block. The
// mins of Q4_K/Q5_K and the -32 offset of Q6_K come from the activation's bsums (no per-element work).
#include "kernels_avx2_common.h"

#if ENC_HAVE_AVX2_KERNELS

enum { K_Q4_K, K_Q5_K, K_Q6_K };

ENC_AVX2_BEGIN

/// The 8 scales (int16, in both 128-bit halves) and 8 mins (int16) of a Q4_K/Q5_K super-block.
ENC_INLINE void dec_scales_k4(const uint8_t *s, __m256i *scales, __m128i *mins) {
    const uint32_t a0 = enc_load_u32(s), a1 = enc_load_u32(s + 4), a2 = enc_load_u32(s + 8);
    const uint32_t sc_lo = a0 & 0x3f3f3f3fu;
    const uint32_t sc_hi = (a2 & 0x0f0f0f0fu) | (((a0 >> 6) & 0x03030303u) << 4);
    const uint32_t m_lo = a1 & 0x3f3f3f3fu;
    const uint32_t m_hi = ((a2 >> 4) & 0x0f0f0f0fu) | (((a1 >> 6) & 0x03030303u) << 4);
    const __m128i packed = _mm_setr_epi32((int)sc_lo, (int)sc_hi, (int)m_lo, (int)m_hi);
    const __m128i sc16 = _mm_cvtepu8_epi16(packed);
    *scales = _mm256_broadcastsi128_si256(sc16);
    *mins = _mm_cvtepu8_epi16(_mm_unpackhi_epi64(packed, packed));
}

/// Broadcast int16 lane `i` (0..7) of a vector holding the same 8 lanes in both halves.
ENC_INLINE __m256i bcast16(__m256i v, const int i) {
    const __m256i idx = _mm256_set1_epi16((short)((2 * i) | ((2 * i + 1) << 8)));
    return _mm256_shuffle_epi8(v, idx);
}

/// Sum over the 8 sub-blocks of mins[j] * (sum of the 32 activation quants of sub-block j), as 4 int32 lanes.
ENC_INLINE __m128i mins_dot(__m128i mins, const enc_q8_256 *xb) {
    const __m256i bs = _mm256_loadu_si256((const __m256i *)xb->bsums);
    const __m128i pairs = _mm_hadd_epi16(_mm256_castsi256_si128(bs), _mm256_extracti128_si256(bs, 1));
    return _mm_madd_epi16(mins, pairs);
}

/// Q4_K and Q5_K: NR rows x NC columns.
ENC_INLINE void tile_k45(const int kind, const int NR, const int NC, const uint8_t *w, int64_t rb,
                         const uint8_t *x, int64_t xs, int64_t k, float *y, int64_t ldy, const float *sc) {
    (void)sc;
    const int64_t nb = k / 256;
    const int bsize = kind == K_Q4_K ? 144 : 176;
    const int qs_off = kind == K_Q4_K ? 16 : 48;
    const __m256i m4 = _mm256_set1_epi8(15), one = _mm256_set1_epi8(1);
    __m256 acc[4][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) acc[r][c] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        __m256i scales[4], sumi[4][4];
        __m128i mins[4];
        __m256i hbits[4];
        const uint8_t *blk[4];
        enc_prefetch_next_rows(NR, w, rb, b * bsize, 3);
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            blk[r] = w + r * rb + b * bsize;
            dec_scales_k4(blk[r] + 4, &scales[r], &mins[r]);
            if (kind == K_Q5_K) hbits[r] = _mm256_loadu_si256((const __m256i *)(blk[r] + 16));
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) sumi[r][c] = _mm256_setzero_si256();
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < 4; j++) {
            __m256i lo[4], hi[4], slo[4], shi[4];
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) {
                const __m256i bits = _mm256_loadu_si256((const __m256i *)(blk[r] + qs_off + 32 * j));
                lo[r] = _mm256_and_si256(bits, m4);
                hi[r] = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
                if (kind == K_Q5_K) {
                    const __m256i h0 = _mm256_and_si256(_mm256_srli_epi16(hbits[r], 2 * j), one);
                    const __m256i h1 = _mm256_and_si256(_mm256_srli_epi16(hbits[r], 2 * j + 1), one);
                    lo[r] = _mm256_or_si256(lo[r], _mm256_slli_epi16(h0, 4));
                    hi[r] = _mm256_or_si256(hi[r], _mm256_slli_epi16(h1, 4));
                }
                slo[r] = bcast16(scales[r], 2 * j);
                shi[r] = bcast16(scales[r], 2 * j + 1);
            }
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                const enc_q8_256 *xb = (const enc_q8_256 *)(x + c * xs) + b;
                const __m256i x0 = _mm256_loadu_si256((const __m256i *)(xb->qs + 64 * j));
                const __m256i x1 = _mm256_loadu_si256((const __m256i *)(xb->qs + 64 * j + 32));
#pragma clang loop unroll(full)
                for (int r = 0; r < NR; r++) {
                    const __m256i p0 = _mm256_madd_epi16(slo[r], _mm256_maddubs_epi16(lo[r], x0));
                    const __m256i p1 = _mm256_madd_epi16(shi[r], _mm256_maddubs_epi16(hi[r], x1));
                    sumi[r][c] = _mm256_add_epi32(sumi[r][c], _mm256_add_epi32(p0, p1));
                }
            }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            const __m128 dd = enc_h2f_pair(blk[r]);
            const float d = _mm_cvtss_f32(dd), dmin = _mm_cvtss_f32(_mm_movehdup_ps(dd));
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                const enc_q8_256 *xb = (const enc_q8_256 *)(x + c * xs) + b;
                const __m256 m = _mm256_cvtepi32_ps(_mm256_zextsi128_si256(mins_dot(mins[r], xb)));
                acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(d * xb->d), _mm256_cvtepi32_ps(sumi[r][c]), acc[r][c]);
                acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(-dmin * xb->d), m, acc[r][c]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) y[c * ldy + r] = enc_hsum_ps(acc[r][c]);
    }
}

/// Q6_K: NR rows x NC columns. Quants are used unsigned (0..63); the -32 offset is 32 * sum_j sc_j * bsums_j.
ENC_INLINE void tile_q6k(const int NR, const int NC, const uint8_t *w, int64_t rb, const uint8_t *x, int64_t xs,
                         int64_t k, float *y, int64_t ldy, const float *sc) {
    (void)sc;
    const int64_t nb = k / 256;
    const __m256i m4 = _mm256_set1_epi8(15), m3 = _mm256_set1_epi8(3);
    __m256 acc[4][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) acc[r][c] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        __m256i sumi[4][4];
        __m128i sc8[4];
        const uint8_t *blk[4];
        enc_prefetch_next_rows(NR, w, rb, b * 210, 4);
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            blk[r] = w + r * rb + b * 210;
            sc8[r] = _mm_loadu_si128((const __m128i *)(blk[r] + 192));
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) sumi[r][c] = _mm256_setzero_si256();
        }
#pragma clang loop unroll(full)
        for (int h = 0; h < 2; h++) {
#pragma clang loop unroll(full)
            for (int g = 0; g < 4; g++) {
                __m256i q[4], sc[4];
#pragma clang loop unroll(full)
                for (int r = 0; r < NR; r++) {
                    const uint8_t *ql = blk[r] + 64 * h, *qh = blk[r] + 128 + 32 * h;
                    const __m256i l = _mm256_loadu_si256((const __m256i *)(ql + 32 * (g & 1)));
                    const __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
                    const __m256i lq = g < 2 ? _mm256_and_si256(l, m4) : _mm256_and_si256(_mm256_srli_epi16(l, 4), m4);
                    const __m256i hq = _mm256_and_si256(_mm256_srli_epi16(hb, 2 * g), m3);
                    q[r] = _mm256_or_si256(lq, _mm256_slli_epi16(hq, 4));
                    // lanes 0..7 take scale 8h + 2g, lanes 8..15 take 8h + 2g + 1
                    const int s0 = 8 * h + 2 * g;
                    const __m128i pick = _mm_setr_epi8(s0, s0, s0, s0, s0, s0, s0, s0, s0 + 1, s0 + 1, s0 + 1,
                                                       s0 + 1, s0 + 1, s0 + 1, s0 + 1, s0 + 1);
                    sc[r] = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(sc8[r], pick));
                }
#pragma clang loop unroll(full)
                for (int c = 0; c < NC; c++) {
                    const enc_q8_256 *xb = (const enc_q8_256 *)(x + c * xs) + b;
                    const __m256i xv = _mm256_loadu_si256((const __m256i *)(xb->qs + 128 * h + 32 * g));
#pragma clang loop unroll(full)
                    for (int r = 0; r < NR; r++) {
                        const __m256i p = _mm256_madd_epi16(sc[r], _mm256_maddubs_epi16(q[r], xv));
                        sumi[r][c] = _mm256_add_epi32(sumi[r][c], p);
                    }
                }
            }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            const float d = enc_h2f_end(blk[r] + ENC_Q6_K_D_OFFSET);
            const __m256i sc16 = _mm256_cvtepi8_epi16(sc8[r]);
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                const enc_q8_256 *xb = (const enc_q8_256 *)(x + c * xs) + b;
                const __m256i bs = _mm256_loadu_si256((const __m256i *)xb->bsums);
                const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(sc16, bs), 5);
                const __m256i s = _mm256_sub_epi32(sumi[r][c], off);
                acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(d * xb->d), _mm256_cvtepi32_ps(s), acc[r][c]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) y[c * ldy + r] = enc_hsum_ps(acc[r][c]);
    }
}

#define IMPL_Q4_K(R, C, ...) tile_k45(K_Q4_K, R, C, __VA_ARGS__)
#define IMPL_Q5_K(R, C, ...) tile_k45(K_Q5_K, R, C, __VA_ARGS__)
#define IMPL_Q6_K(R, C, ...) tile_q6k(R, C, __VA_ARGS__)

ENC_AVX2_END

ENC_TILE_SET(enc_tiles_q4_K, IMPL_Q4_K, 0)
ENC_TILE_SET(enc_tiles_q5_K, IMPL_Q5_K, 0)
ENC_TILE_SET(enc_tiles_q6_K, IMPL_Q6_K, 0)

#endif
