// Enclave: AVX2 kernel entry points: the tile driver behind enc_matmul, activation quantisers and f16 rows.
//
// Matrix products run as register tiles of R weight rows x C activation columns (kernels_avx2_q32.c,
// kernels_avx2_qk.c, kernels_avx2_float.c): each weight block is read and unpacked once per tile and reused for
// all C columns, so batched products (prefill, several sequences) do the unpacking C times less often. Columns
// are processed in chunks whose activations fit in L1, so the weight rows of a chunk stream once from L2/L3.
//
// The quantisers reproduce the scalar ones bit for bit: same scale computation, round-to-nearest-even with the
// current rounding mode (cvtps2dq does what nearbyintf does), same clamping and sums.
#include "kernels_avx2_common.h"
#include <stdlib.h>

#if ENC_HAVE_AVX2_KERNELS

/// Activation bytes per column chunk: half of a 32 KB L1 data cache, leaving room for the weight rows.
#define ENC_X_CHUNK_BYTES (16 * 1024)

static const enc_tile_set *tiles_for(int type) {
    switch (type) {
    case ENC_F32: return &enc_tiles_f32;
    case ENC_F16: return &enc_tiles_f16;
    case ENC_BF16: return &enc_tiles_bf16;
    case ENC_Q8_0: return &enc_tiles_q8_0;
    case ENC_Q4_0: return &enc_tiles_q4_0;
    case ENC_Q4_1: return &enc_tiles_q4_1;
    case ENC_Q5_0: return &enc_tiles_q5_0;
    case ENC_Q5_1: return &enc_tiles_q5_1;
    case ENC_Q4_K: return &enc_tiles_q4_K;
    case ENC_Q5_K: return &enc_tiles_q5_K;
    case ENC_Q6_K: return &enc_tiles_q6_K;
    default: return NULL;
    }
}

/// Default tiles per type, measured with `enclave bench kernels` on an AMD EPYC (Zen 3), single thread, on the
/// SmolLM2 / Gemma 3 shapes (docs/kernels-measured.md). For n = 1 the row count matters when the weights stream
/// from DRAM (decode); for n >= 2 the column tile reuses each unpacked weight block across columns.
typedef struct {
    signed char mv_rows;       // n == 1: rows x 1
    signed char rows2, rows3;  // n == 2, 3: rows x n
    signed char rows4, cols4;  // n >= 4
} enc_tile_choice;

static enc_tile_choice tile_choice(int type) {
    switch (type) {
    case ENC_Q4_0: case ENC_Q4_1: case ENC_Q5_0: return (enc_tile_choice){4, 4, 2, 4, 4};
    case ENC_Q5_1: return (enc_tile_choice){4, 4, 2, 2, 4};
    case ENC_Q8_0: return (enc_tile_choice){1, 4, 2, 4, 4};
    case ENC_Q4_K: return (enc_tile_choice){2, 1, 1, 4, 4};
    case ENC_Q5_K: return (enc_tile_choice){2, 1, 2, 1, 4};
    case ENC_Q6_K: return (enc_tile_choice){1, 1, 1, 4, 4};
    default: return (enc_tile_choice){1, 4, 2, 2, 4};  // F32, F16, BF16
    }
}

void enc_avx2_default_tile(int type, int64_t n, int *tile_rows, int *tile_cols) {
    const enc_tile_choice t = tile_choice(type);
    if (n <= 1) {
        *tile_rows = t.mv_rows;
        *tile_cols = 1;
    } else if (n == 2) {
        *tile_rows = t.rows2;
        *tile_cols = 2;
    } else if (n == 3) {
        *tile_rows = t.rows3;
        *tile_cols = 3;
    } else {
        *tile_rows = t.rows4;
        *tile_cols = t.cols4;
    }
}

/// One group of `tr` rows over the columns [c0, c1). Full column tiles of a type with packed scales read them
/// from `sc` (8 floats per block per group of 4 columns, starting at column c0).
static inline void run_row_group(const enc_tile_set *set, int tr, int tc, const uint8_t *wr, int64_t row_bytes,
                                 int64_t k, const uint8_t *x, int64_t x_stride, int64_t c0, int64_t c1, float *yr,
                                 int64_t ldy, const float *sc) {
    const enc_tile_fn full = set->t[tr][tc];
    const int64_t per_group = 8 * (k / 32);
    int64_t c = c0;
    for (; c + tc <= c1; c += tc) {
        full(wr, row_bytes, x + c * x_stride, x_stride, k, yr + c * ldy, ldy, sc ? sc + (c - c0) / 4 * per_group : NULL);
    }
    if (c < c1) set->t[tr][c1 - c](wr, row_bytes, x + c * x_stride, x_stride, k, yr + c * ldy, ldy, NULL);
}

/// Packs d and s of the enc_q8_32 activation columns [c0, c1) (whole groups of 4) into `sc`.
static void pack_scales(const uint8_t *x, int64_t x_stride, int64_t nb, int64_t c0, int64_t c1, float *sc) {
    for (int64_t g = c0; g + 4 <= c1; g += 4) {
        float *out = sc + (g - c0) / 4 * 8 * nb;
        for (int64_t b = 0; b < nb; b++) {
            for (int c = 0; c < 4; c++) {
                const enc_q8_32 *xb = (const enc_q8_32 *)(x + (g + c) * x_stride) + b;
                out[8 * b + c] = xb->d;
                out[8 * b + 4 + c] = xb->s;
            }
        }
    }
}

int enc_avx2_matmul(int type, int tile_rows, int tile_cols, const void *w, int64_t row_bytes, int64_t k,
                    int64_t r0, int64_t r1, const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const enc_tile_set *set = tiles_for(type);
    if (!set) return 0;
    if (tile_rows <= 0 || tile_cols <= 0) enc_avx2_default_tile(type, n, &tile_rows, &tile_cols);
    if (!(tile_rows == 1 || tile_rows == 2 || tile_rows == 4) || tile_cols < 1 || tile_cols > 4) return 0;
    if (n <= 0 || r1 <= r0) return 1;
    const int tr = tile_rows;
    int tc = tile_cols < n ? tile_cols : (int)n;
    int64_t chunk = x_stride > 0 ? ENC_X_CHUNK_BYTES / x_stride : n;
    chunk = chunk / tc * tc;
    if (chunk < tc) chunk = tc;
    // Packed activation scales for 4-column tiles: 8 floats per block per group of 4 columns of a chunk
    // (on the stack except for very long rows; if that allocation fails, 3-column tiles need none).
    float stack_sc[2048];
    float *sc = NULL;
    if (set->packed_scales && tc == 4) {
        const int64_t sc_floats = 8 * (k / 32) * (chunk / 4);
        sc = sc_floats <= 2048 ? stack_sc : (float *)malloc((size_t)sc_floats * sizeof(float));
        if (!sc) {
            tc = 3;
            chunk = chunk / 4 * 3;
        }
    }
    const int packs = sc != NULL;
    const uint8_t *wb = (const uint8_t *)w, *xb = (const uint8_t *)x;
    for (int64_t c0 = 0; c0 < n; c0 += chunk) {
        const int64_t c1 = c0 + chunk < n ? c0 + chunk : n;
        if (packs) pack_scales(xb, x_stride, k / 32, c0, c1, sc);
        int64_t r = r0;
        for (; r + tr <= r1; r += tr) run_row_group(set, tr, tc, wb + r * row_bytes, row_bytes, k, xb, x_stride, c0, c1, y + r, ldy, sc);
        for (; r < r1; r++) run_row_group(set, 1, tc, wb + r * row_bytes, row_bytes, k, xb, x_stride, c0, c1, y + r, ldy, sc);
    }
    if (sc && sc != stack_sc) free(sc);
    return 1;
}

ENC_AVX2_BEGIN

/// max |v| over 8 lanes accumulated into `m`; NaN lanes are ignored like the scalar `a > amax` test.
ENC_INLINE __m256 absmax8(__m256 m, __m256 v) {
    const __m256 a = _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    return _mm256_max_ps(a, m);  // returns the second operand when `a` is NaN
}

ENC_INLINE float hmax_ps(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

/// Packs 32 int32 lanes (four vectors, in order) to 32 int8 in order.
ENC_INLINE __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
    return _mm256_permutevar8x32_epi32(_mm256_packs_epi16(ab, cd), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void enc_avx2_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out) {
    for (int64_t b = 0; b < k / 32; b++) {
        const float *v = x + 32 * b;
        const __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8);
        const __m256 v2 = _mm256_loadu_ps(v + 16), v3 = _mm256_loadu_ps(v + 24);
        __m256 m = _mm256_setzero_ps();
        m = absmax8(m, v0);
        m = absmax8(m, v1);
        m = absmax8(m, v2);
        m = absmax8(m, v3);
        const float amax = hmax_ps(m);
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        const __m256 mul = _mm256_set1_ps(id);
        const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, mul));
        const __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, mul));
        const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, mul));
        const __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, mul));
        const int sum = enc_hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
        _mm256_storeu_si256((__m256i *)out[b].qs, pack32(i0, i1, i2, i3));
        out[b].d = d;
        out[b].s = d * (float)sum;
    }
}

/// Sums of four pairs of int32 vectors (16 lanes each) -> 4 int32 lanes.
ENC_INLINE __m128i sum16x4(const __m256i *q) {
    const __m256i s0 = _mm256_add_epi32(q[0], q[1]), s1 = _mm256_add_epi32(q[2], q[3]);
    const __m256i s2 = _mm256_add_epi32(q[4], q[5]), s3 = _mm256_add_epi32(q[6], q[7]);
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

void enc_avx2_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out) {
    for (int64_t b = 0; b < k / 256; b++) {
        const float *v = x + 256 * b;
        __m256 m = _mm256_setzero_ps();
        for (int i = 0; i < 256; i += 8) m = absmax8(m, _mm256_loadu_ps(v + i));
        const float amax = hmax_ps(m);
        if (amax == 0.0f) {
            memset(&out[b], 0, sizeof(enc_q8_256));
            continue;
        }
        // The scale comes from the first element of largest magnitude, sign included.
        float vmax = amax;
        const __m256 target = _mm256_set1_ps(amax);
        for (int i = 0; i < 256; i += 8) {
            const __m256 a = _mm256_and_ps(_mm256_loadu_ps(v + i), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
            const int mask = _mm256_movemask_ps(_mm256_cmp_ps(a, target, _CMP_EQ_OQ));
            if (mask) {
                vmax = v[i + __builtin_ctz((unsigned)mask)];
                break;
            }
        }
        const float iscale = -127.0f / vmax;
        const __m256 mul = _mm256_set1_ps(iscale);
        const __m256i top = _mm256_set1_epi32(127);
        __m256i q[32];
        for (int i = 0; i < 32; i++) q[i] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(v + 8 * i), mul)), top);
        for (int i = 0; i < 8; i++) {
            _mm256_storeu_si256((__m256i *)(out[b].qs + 32 * i), pack32(q[4 * i], q[4 * i + 1], q[4 * i + 2], q[4 * i + 3]));
        }
        const __m128i s0 = sum16x4(q), s1 = sum16x4(q + 8), s2 = sum16x4(q + 16), s3 = sum16x4(q + 24);
        _mm_storeu_si128((__m128i *)out[b].bsums, _mm_packs_epi32(s0, s1));
        _mm_storeu_si128((__m128i *)(out[b].bsums + 8), _mm_packs_epi32(s2, s3));
        out[b].d = 1.0f / iscale;
    }
}

void enc_avx2_f16_to_f32(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = enc_half_to_float(src[i]);
}

void enc_avx2_f32_to_f16(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *)(dst + i), h);
    }
    for (; i < n; i++) dst[i] = enc_float_to_half(src[i]);
}

ENC_AVX2_END

#endif
