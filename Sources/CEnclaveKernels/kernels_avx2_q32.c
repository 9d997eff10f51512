// Enclave: AVX2 matrix products for the 32-element block types (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1) against
// enc_q8_32 activations.
//
// Per block: the weight quants are widened once to 32 bytes (nibbles by shift + mask, the 5th bit of Q5_x from
// qh), then for every activation column of the tile one _mm256_maddubs_epi16 (u8 x s8 -> pairs of i16),
// one _mm256_madd_epi16 with ones (-> 8 x i32), one conversion and one FMA with d_w * d_x. The offset or min
// term is m_w * s_x with s_x = d_x * sum(q_x) from the activation block: m_w = -8 d_w (Q4_0), -16 d_w (Q5_0),
// m (Q4_1, Q5_1). Q8_0 weights are signed, so they use the sign trick: |w| x (x * sign(w)).
#include "kernels_avx2_common.h"

#if ENC_HAVE_AVX2_KERNELS

enum { K_Q8_0, K_Q4_0, K_Q4_1, K_Q5_0, K_Q5_1 };

ENC_AVX2_BEGIN

ENC_INLINE int block_bytes(const int kind) {
    return kind == K_Q8_0 ? 34 : kind == K_Q4_0 ? 18 : kind == K_Q4_1 ? 20 : kind == K_Q5_0 ? 22 : 24;
}

/// Decodes block `b` of a weight row: quants (unsigned 0..31 or signed for Q8_0), d and the min factor.
ENC_INLINE void dec_q32(const int kind, const uint8_t *row, int64_t b, __m256i *q, float *d, float *m) {
    switch (kind) {
    case K_Q8_0: {
        const uint8_t *p = row + 34 * b;
        *q = _mm256_loadu_si256((const __m256i *)(p + 2));
        *d = enc_h2f(p);
        *m = 0.0f;
        break;
    }
    case K_Q4_0: {
        const uint8_t *p = row + 18 * b;
        *q = enc_nibbles32(p + 2);
        *d = enc_h2f(p);
        *m = *d;  // times -8 at the end
        break;
    }
    case K_Q4_1: {
        const uint8_t *p = row + 20 * b;
        const __m128 dm = enc_h2f_pair(p);
        *q = enc_nibbles32(p + 4);
        *d = _mm_cvtss_f32(dm);
        *m = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        break;
    }
    case K_Q5_0: {
        const uint8_t *p = row + 22 * b;
        *q = _mm256_or_si256(enc_nibbles32(p + 6), enc_bit4_from_bits32(p + 2));
        *d = enc_h2f(p);
        *m = *d;  // times -16 at the end
        break;
    }
    default: {  // K_Q5_1
        const uint8_t *p = row + 24 * b;
        const __m128 dm = enc_h2f_pair(p);
        *q = _mm256_or_si256(enc_nibbles32(p + 8), enc_bit4_from_bits32(p + 4));
        *d = _mm_cvtss_f32(dm);
        *m = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        break;
    }
    }
}

/// The integer dot products of one decoded weight block with one activation block, as 8 int32 lanes.
ENC_INLINE __m256i idot32(const int kind, __m256i q, __m256i aq, const enc_q8_32 *xb) {
    const __m256i qx = _mm256_loadu_si256((const __m256i *)xb->qs);
    const __m256i p = kind == K_Q8_0 ? _mm256_maddubs_epi16(aq, _mm256_sign_epi8(qx, q)) : _mm256_maddubs_epi16(q, qx);
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/// NR weight rows x 4 activation columns. The four columns' integer sums of a block are reduced with horizontal
/// adds into one vector (lanes: columns 0..3 twice), so one conversion and one FMA with d_w * (d_x of the four
/// columns, from the packed scales) serve all four, and the min term is one FMA with the four columns' s.
ENC_INLINE void tile_q32_4(const int kind, const int NR, const uint8_t *w, int64_t rb, const uint8_t *x,
                           int64_t xs, int64_t k, float *y, int64_t ldy, const float *sc) {
    const int64_t nb = k / 32;
    const float mfactor = kind == K_Q4_0 ? -8.0f : kind == K_Q5_0 ? -16.0f : 1.0f;
    __m256 acc[4];
    __m128 macc[4];
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
        acc[r] = _mm256_setzero_ps();
        macc[r] = _mm_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        enc_prefetch_next_rows(NR, w, rb, b * block_bytes(kind), 1);
        const __m256 dx = _mm256_broadcast_ps((const __m128 *)(sc + 8 * b));
        const __m128 sx = _mm_loadu_ps(sc + 8 * b + 4);
        const enc_q8_32 *x0 = (const enc_q8_32 *)x + b, *x1 = (const enc_q8_32 *)(x + xs) + b;
        const enc_q8_32 *x2 = (const enc_q8_32 *)(x + 2 * xs) + b, *x3 = (const enc_q8_32 *)(x + 3 * xs) + b;
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            __m256i q, aq = _mm256_setzero_si256();
            float d, m;
            dec_q32(kind, w + r * rb, b, &q, &d, &m);
            if (kind == K_Q8_0) aq = _mm256_sign_epi8(q, q);
            const __m256i s01 = _mm256_hadd_epi32(idot32(kind, q, aq, x0), idot32(kind, q, aq, x1));
            const __m256i s23 = _mm256_hadd_epi32(idot32(kind, q, aq, x2), idot32(kind, q, aq, x3));
            const __m256 f = _mm256_cvtepi32_ps(_mm256_hadd_epi32(s01, s23));
            acc[r] = _mm256_fmadd_ps(f, _mm256_mul_ps(dx, _mm256_set1_ps(d)), acc[r]);
            if (kind != K_Q8_0) macc[r] = _mm_fmadd_ps(_mm_set1_ps(m), sx, macc[r]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
        __m128 v = _mm_add_ps(_mm256_castps256_ps128(acc[r]), _mm256_extractf128_ps(acc[r], 1));
        v = _mm_fmadd_ps(macc[r], _mm_set1_ps(mfactor), v);
        float out[4];
        _mm_storeu_ps(out, v);
        for (int c = 0; c < 4; c++) y[c * ldy + r] = out[c];
    }
}

/// NR weight rows x NC activation columns. A 1x1 tile alternates two accumulators to hide the FMA latency.
ENC_INLINE void tile_q32(const int kind, const int NR, const int NC, const uint8_t *w, int64_t rb,
                         const uint8_t *x, int64_t xs, int64_t k, float *y, int64_t ldy, const float *sc) {
    if (NC == 4) {
        tile_q32_4(kind, NR, w, rb, x, xs, k, y, ldy, sc);
        return;
    }
    const int64_t nb = k / 32;
    const int NA = NR * NC == 1 ? 2 : 1;
    const float mfactor = kind == K_Q4_0 ? -8.0f : kind == K_Q5_0 ? -16.0f : 1.0f;
    __m256 acc[4][4][2];
    float macc[4][4][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            acc[r][c][0] = _mm256_setzero_ps();
            acc[r][c][1] = _mm256_setzero_ps();
            macc[r][c][0] = macc[r][c][1] = 0.0f;
        }
    }
    int64_t b = 0;
    for (; b + NA <= nb; b += NA) {
        enc_prefetch_next_rows(NR, w, rb, b * block_bytes(kind), 1);
        if (NR == 1) _mm_prefetch((const char *)(w + b * block_bytes(kind) + 1024), _MM_HINT_T0);  // 1 KB ahead
#pragma clang loop unroll(full)
        for (int a = 0; a < NA; a++) {
            __m256i q[4], aq[4];
            __m256 dw[4];
            float mw[4];
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) {
                float d;
                dec_q32(kind, w + r * rb, b + a, &q[r], &d, &mw[r]);
                dw[r] = _mm256_set1_ps(d);
                if (kind == K_Q8_0) aq[r] = _mm256_sign_epi8(q[r], q[r]);
            }
#pragma clang loop unroll(full)
            for (int c = 0; c < NC; c++) {
                const enc_q8_32 *xb = (const enc_q8_32 *)(x + c * xs) + b + a;
                const __m256i qx = _mm256_loadu_si256((const __m256i *)xb->qs);
                const __m256 dx = _mm256_broadcast_ss(&xb->d);
#pragma clang loop unroll(full)
                for (int r = 0; r < NR; r++) {
                    const __m256i p = kind == K_Q8_0 ? _mm256_maddubs_epi16(aq[r], _mm256_sign_epi8(qx, q[r]))
                                                     : _mm256_maddubs_epi16(q[r], qx);
                    acc[r][c][a] = _mm256_fmadd_ps(_mm256_mul_ps(dw[r], dx), enc_i16pairs_ps(p), acc[r][c][a]);
                    if (kind != K_Q8_0) macc[r][c][a] += mw[r] * xb->s;
                }
            }
        }
    }
    for (; b < nb; b++) {  // the odd last block of a 1x1 tile
        __m256i q;
        float d, m;
        dec_q32(kind, w, b, &q, &d, &m);
        const enc_q8_32 *xb = (const enc_q8_32 *)x + b;
        const __m256i qx = _mm256_loadu_si256((const __m256i *)xb->qs);
        const __m256i p = kind == K_Q8_0 ? _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(qx, q))
                                         : _mm256_maddubs_epi16(q, qx);
        acc[0][0][0] = _mm256_fmadd_ps(_mm256_set1_ps(d * xb->d), enc_i16pairs_ps(p), acc[0][0][0]);
        if (kind != K_Q8_0) macc[0][0][0] += m * xb->s;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < NR; r++) {
#pragma clang loop unroll(full)
        for (int c = 0; c < NC; c++) {
            const __m256 sum = NA == 2 ? _mm256_add_ps(acc[r][c][0], acc[r][c][1]) : acc[r][c][0];
            y[c * ldy + r] = enc_hsum_ps(sum) + mfactor * (macc[r][c][0] + macc[r][c][1]);
        }
    }
}

#define IMPL_Q8_0(R, C, ...) tile_q32(K_Q8_0, R, C, __VA_ARGS__)
#define IMPL_Q4_0(R, C, ...) tile_q32(K_Q4_0, R, C, __VA_ARGS__)
#define IMPL_Q4_1(R, C, ...) tile_q32(K_Q4_1, R, C, __VA_ARGS__)
#define IMPL_Q5_0(R, C, ...) tile_q32(K_Q5_0, R, C, __VA_ARGS__)
#define IMPL_Q5_1(R, C, ...) tile_q32(K_Q5_1, R, C, __VA_ARGS__)

ENC_AVX2_END

ENC_TILE_SET(enc_tiles_q8_0, IMPL_Q8_0, 1)
ENC_TILE_SET(enc_tiles_q4_0, IMPL_Q4_0, 1)
ENC_TILE_SET(enc_tiles_q4_1, IMPL_Q4_1, 1)
ENC_TILE_SET(enc_tiles_q5_0, IMPL_Q5_0, 1)
ENC_TILE_SET(enc_tiles_q5_1, IMPL_Q5_1, 1)

#endif
