// Enclave: AVX2 + FMA + F16C versions of the 16-bit-activation kernels (kernels_q16_scalar.c is the
// portable reference; results agree with it to float rounding).
//
// Weights are widened to int16 lanes (nibbles with vpmovzxbw + mask/shift, bytes with vpmovsxbw) and
// multiplied with the int16 activations by vpmaddwd, which adds pairs of products into int32 lanes.
//
// Every output is computed the same way whichever kernel produces it, so a result is bit-identical
// whether its column is multiplied alone or inside a batch (and whatever its row range):
//   32-element blocks b:  S_b = exact int32 sum of q_w * q_x over the block (q_w as stored: nibble,
//                               nibble + 16 * high bit, or int8), minus 8 (Q4_0) or 16 (Q5_0) times
//                               the exact sum of q_x
//                         acc = fma((float)S_b, d_w * d_x, acc)
//                         acc = fma(m_w, s_x, acc)                        (Q4_1, Q5_1)
//   y = acc, blocks taken in order, starting from acc = 0.
// Two kernels compute this: "rows" puts 8 weight rows in the 8 float lanes (one activation column;
// decode), "cols" puts 8 activation columns in the lanes (one weight row unpacked once for all of
// them; prefill and batches). Both reduce the 8 int32 lanes of each row x column block product with
// the same exact integer tree, then run one float fma chain per output. The K-quant section below
// states its own per-super-block formula. docs/kernels-q16-measured.md has the measurements.
#include "kernels_q16_internal.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define INLINE static inline __attribute__((always_inline))

/// Hides a value from the optimiser. Keeps vpmovzxbw/vpmovsxbw fused with their loads (clang would
/// otherwise move a following mask before the widening and widen from a register, which is 3x slower
/// here) and stops blend/shuffle/add trees from being turned into vphaddd (3 cycles on this CPU).
#define OPAQUE(v) __asm__("" : "+x"(v))

enum {
    /// Blocks per K slice in the rows kernel (the per-block activation tables live on the stack).
    SLICE_ROWS = 256,
    /// Blocks per K slice in the cols kernel: 8 columns x 32 blocks x 72 bytes stay in L1.
    SLICE_COLS = 32,
    /// Rows per block in the cols kernels: a block's accumulators (ROW_BLOCK x 8 floats) stay in L1
    /// across K slices (see row_span for the weights).
    ROW_BLOCK = 64,
};

INLINE __m256i load256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
INLINE __m128i load128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// ---- exact int32 reduction of 8 vectors to one: lane i = sum of the lanes of v[i] --------------

INLINE __m256i tree_pair(__m256i a, __m256i b) {  // lanes (a b a b | a b a b)
    __m256i u = _mm256_blend_epi32(a, b, 0xAA), v = _mm256_blend_epi32(b, a, 0xAA);
    OPAQUE(u);
    OPAQUE(v);
    return _mm256_add_epi32(u, _mm256_shuffle_epi32(v, 0xB1));
}

INLINE __m256i tree_quad(__m256i a, __m256i b) {  // lanes (a b c d | a b c d)
    __m256i u = _mm256_blend_epi32(a, b, 0xCC), v = _mm256_blend_epi32(b, a, 0xCC);
    OPAQUE(u);
    OPAQUE(v);
    return _mm256_add_epi32(u, _mm256_shuffle_epi32(v, 0x4E));
}

INLINE __m256i tree_oct(__m256i a, __m256i b) {  // lanes (0 1 2 3 | 4 5 6 7)
    return _mm256_add_epi32(_mm256_blend_epi32(a, b, 0xF0), _mm256_permute2x128_si256(a, b, 0x21));
}

INLINE __m256i tree8(const __m256i v[8]) {
    return tree_oct(tree_quad(tree_pair(v[0], v[1]), tree_pair(v[2], v[3])),
                    tree_quad(tree_pair(v[4], v[5]), tree_pair(v[6], v[7])));
}

/// Lanes 0..3 = sums of v[0..3]; lanes 4..7 = 0.
INLINE __m256i tree4(const __m256i v[4]) {
    return tree_oct(tree_quad(tree_pair(v[0], v[1]), tree_pair(v[2], v[3])), _mm256_setzero_si256());
}

INLINE int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// Exact sum of 32 int16 activations.
INLINE int32_t sum32_epi16(const int16_t *q) {
    const __m256i ones = _mm256_set1_epi16(1);
    return hsum_epi32(_mm256_add_epi32(_mm256_madd_epi16(load256(q), ones), _mm256_madd_epi16(load256(q + 16), ones)));
}

INLINE float half_at(const uint8_t *p) { return _cvtsh_ss(enc_load_u16(p)); }

/// 8 halves at p[i] + off, converted: lane i from p[i]. (Inserted from memory: no general registers.)
INLINE __m256 gather_half8(const uint8_t *const p[8], int64_t off) {
    __m128i h = _mm_cvtsi32_si128(enc_load_u16(p[0] + off));
    h = _mm_insert_epi16(h, enc_load_u16(p[1] + off), 1);
    h = _mm_insert_epi16(h, enc_load_u16(p[2] + off), 2);
    h = _mm_insert_epi16(h, enc_load_u16(p[3] + off), 3);
    h = _mm_insert_epi16(h, enc_load_u16(p[4] + off), 4);
    h = _mm_insert_epi16(h, enc_load_u16(p[5] + off), 5);
    h = _mm_insert_epi16(h, enc_load_u16(p[6] + off), 6);
    h = _mm_insert_epi16(h, enc_load_u16(p[7] + off), 7);
    return _mm256_cvtph_ps(h);
}

/// The (scale, min) half pairs at p[i] + off: *d lane i = scale of p[i], *m lane i = min of p[i].
INLINE void gather_half_pairs8(const uint8_t *const p[8], int64_t off, __m256 *d, __m256 *m) {
    // Rows (0 1 4 5) and (2 3 6 7) so that the even/odd de-interleave below lands in row order.
    __m128i a = _mm_cvtsi32_si128((int)enc_load_u32(p[0] + off)), b = _mm_cvtsi32_si128((int)enc_load_u32(p[2] + off));
    a = _mm_insert_epi32(a, (int)enc_load_u32(p[1] + off), 1);
    a = _mm_insert_epi32(a, (int)enc_load_u32(p[4] + off), 2);
    a = _mm_insert_epi32(a, (int)enc_load_u32(p[5] + off), 3);
    b = _mm_insert_epi32(b, (int)enc_load_u32(p[3] + off), 1);
    b = _mm_insert_epi32(b, (int)enc_load_u32(p[6] + off), 2);
    b = _mm_insert_epi32(b, (int)enc_load_u32(p[7] + off), 3);
    const __m256 fa = _mm256_cvtph_ps(a), fb = _mm256_cvtph_ps(b);
    *d = _mm256_shuffle_ps(fa, fb, 0x88);
    *m = _mm256_shuffle_ps(fa, fb, 0xDD);
}

/// Loads y[0..n) (n <= 8) into lanes, zero above.
INLINE __m256 load_partial(const float *y, int64_t n) {
    if (n == 8) return _mm256_loadu_ps(y);
    float t[8] = {0};
    for (int64_t i = 0; i < n; i++) t[i] = y[i];
    return _mm256_loadu_ps(t);
}

INLINE void store_partial(float *y, __m256 v, int64_t n) {
    if (n == 8) {
        _mm256_storeu_ps(y, v);
        return;
    }
    float t[8];
    _mm256_storeu_ps(t, v);
    for (int64_t i = 0; i < n; i++) y[i] = t[i];
}

// ---- 32-element block types ---------------------------------------------------------------------

INLINE int64_t bytes32(int type) {
    switch (type) {
    case ENC_Q8_0: return 34;
    case ENC_Q4_0: return 18;
    case ENC_Q4_1: return 20;
    case ENC_Q5_0: return 22;
    default: return 24;  // Q5_1
    }
}

INLINE int has_min32(int type) { return type == ENC_Q4_1 || type == ENC_Q5_1; }

/// Multiple of the activation sum taken off S_b (the zero point of the unsigned codes).
INLINE int offset32(int type) { return type == ENC_Q4_0 ? 8 : type == ENC_Q5_0 ? 16 : 0; }

/// Nibbles of 16 bytes: *lo lane j = low nibble of byte j (element j), *hi = high nibble (element j + 16).
INLINE void unpack_nibbles(const uint8_t *qs, __m256i *lo, __m256i *hi) {
    __m256i v = _mm256_cvtepu8_epi16(load128(qs));
    OPAQUE(v);
    *lo = _mm256_and_si256(v, _mm256_set1_epi16(15));
    *hi = _mm256_srli_epi16(v, 4);
}

/// 16 * bit j of the 16-bit word at p, in lane j.
INLINE __m256i high_bits16(const uint8_t *p) {
    const __m256i bit = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
                                          (short)0x8000);
    const __m256i h = _mm256_set1_epi16((short)enc_load_u16(p));
    return _mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(h, bit), bit), _mm256_set1_epi16(16));
}

/// high_bits16 for both halves of a Q5 mask with one broadcast: byte j/8 of each half goes to the high
/// byte of lane j, and vpmulhuw by 2^(12 - j%8) moves its bit j%8 to bit 4. Fewer shuffles than two
/// high_bits16 but two multiplies: measured faster in the batched kernel, not in the single-column one.
INLINE void high_bits32_mul(const uint8_t *p, __m256i *lo, __m256i *hi) {
    const __m256i h = _mm256_set1_epi32((int)enc_load_u32(p));
    const __m256i ctrl_lo = _mm256_setr_epi8(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0,
                                             -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1);
    const __m256i ctrl_hi = _mm256_setr_epi8(-1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2, -1, 2,
                                             -1, 3, -1, 3, -1, 3, -1, 3, -1, 3, -1, 3, -1, 3, -1, 3);
    const __m256i shift = _mm256_setr_epi16(4096, 2048, 1024, 512, 256, 128, 64, 32, 4096, 2048, 1024, 512, 256, 128, 64, 32);
    const __m256i m16 = _mm256_set1_epi16(16);
    *lo = _mm256_and_si256(_mm256_mulhi_epu16(_mm256_shuffle_epi8(h, ctrl_lo), shift), m16);
    *hi = _mm256_and_si256(_mm256_mulhi_epu16(_mm256_shuffle_epi8(h, ctrl_hi), shift), m16);
}

/// The 32 weight codes of one block as int16: *lo = elements 0..15, *hi = elements 16..31.
/// `batched` selects the Q5 high-bit method measured best for the cols (1) or rows (0) kernel.
INLINE void unpack32_for(int type, const uint8_t *b, __m256i *lo, __m256i *hi, int batched) {
    switch (type) {
    case ENC_Q8_0: {
        __m256i a = _mm256_cvtepi8_epi16(load128(b + 2)), c = _mm256_cvtepi8_epi16(load128(b + 18));
        OPAQUE(a);
        OPAQUE(c);
        *lo = a;
        *hi = c;
        break;
    }
    case ENC_Q4_0: unpack_nibbles(b + 2, lo, hi); break;
    case ENC_Q4_1: unpack_nibbles(b + 4, lo, hi); break;
    case ENC_Q5_0:
    case ENC_Q5_1: {
        const int64_t qh = type == ENC_Q5_0 ? 2 : 4;
        unpack_nibbles(b + qh + 4, lo, hi);
        if (batched) {
            __m256i bl, bh;
            high_bits32_mul(b + qh, &bl, &bh);
            *lo = _mm256_or_si256(*lo, bl);
            *hi = _mm256_or_si256(*hi, bh);
        } else {
            *lo = _mm256_or_si256(*lo, high_bits16(b + qh));
            *hi = _mm256_or_si256(*hi, high_bits16(b + qh + 2));
        }
        break;
    }
    }
}

INLINE void unpack32(int type, const uint8_t *b, __m256i *lo, __m256i *hi) { unpack32_for(type, b, lo, hi, 0); }

INLINE __m256i dot32(__m256i lo, __m256i hi, const int16_t *q) {
    return _mm256_add_epi32(_mm256_madd_epi16(lo, load256(q)), _mm256_madd_epi16(hi, load256(q + 16)));
}

/// Rows of one 8-row group at a uniform stride, starting at `base`: row i at base + i * rb.
/// (Written as two bases and two strides so that the compiler addresses the 8 rows with few registers.)
INLINE void group_rows(const uint8_t *base, int64_t rb, const uint8_t *p[8]) {
    const uint8_t *b4 = base + 4 * rb;
    const int64_t rb3 = 3 * rb;
    p[0] = base, p[1] = base + rb, p[2] = base + 2 * rb, p[3] = base + rb3;
    p[4] = b4, p[5] = b4 + rb, p[6] = b4 + 2 * rb, p[7] = b4 + rb3;
}

/// The block products of 8 rows with one activation block, reduced to one int32 per row (lane = row),
/// and the rows' scales (and mins) for that block.
INLINE __m256i rows_block32(int type, const uint8_t *const p[8], const int16_t *q, __m256 *d, __m256 *m) {
    __m256i v[8];
    for (int i = 0; i < 8; i++) {
        __m256i lo, hi;
        unpack32(type, p[i], &lo, &hi);
        v[i] = dot32(lo, hi, q);
    }
    if (has_min32(type)) {
        gather_half_pairs8(p, 0, d, m);
    } else {
        *d = gather_half8(p, 0);
        *m = *d;
    }
    return tree8(v);
}

/// Walks the next 8-row group while the current one is computed, prefetching a few cache lines per
/// block step. Without it the 8 interleaved row streams run at half speed from DRAM; one group ahead
/// was measured best. With whole rows (no K slicing) the group is one contiguous range.
typedef struct {
    const uint8_t *line, *end;  // next line to prefetch; end of the current row's part (or of the range)
    int64_t row_bytes, part_bytes, rows_left, lines_per_step;
} prefetch_walk;

/// Lines per block step that cover `rows` parts of `part_bytes` in `steps` steps (one division, hoisted
/// out of the row-group loop).
INLINE int64_t prefetch_lines_per_step(int64_t rows, int64_t part_bytes, int64_t steps) {
    return (rows * (part_bytes / 64 + 2) + steps - 1) / steps;
}

INLINE prefetch_walk prefetch_walk_make(const uint8_t *first, int64_t rows, int64_t row_bytes, int64_t part_bytes,
                                        int64_t lines_per_step) {
    const prefetch_walk pw = {first, first + part_bytes, row_bytes, part_bytes, first ? rows : 0, lines_per_step};
    return pw;
}

INLINE void prefetch_walk_step(prefetch_walk *pw) {
    for (int64_t t = 0; t < pw->lines_per_step && pw->rows_left > 0; t++) {
        _mm_prefetch((const char *)pw->line, _MM_HINT_T0);
        pw->line += 64;
        if (pw->line >= pw->end + 64) {  // one line past the end covers a part that ends mid-line
            pw->rows_left--;
            pw->end += pw->row_bytes;
            pw->line = pw->end - pw->part_bytes;
        }
    }
}

/// One activation column times 8 rows (row i at base + i * rb) over blocks [0, ns) of a slice,
/// continuing the per-row accumulators in `acc`.
/// With `whole` rows the next group is one contiguous range starting at pw->line and is prefetched
/// without bounds checks (prefetches never fault; past the matrix end they point at the current group).
INLINE __m256 rows_group32(int type, int whole, const uint8_t *base, int64_t rb, int64_t ns, const enc_q16_32 *x,
                           const float *dx, const float *sx, const int32_t *xsum, __m256 acc, prefetch_walk *pw) {
    const int64_t bb = bytes32(type);
    const int off = offset32(type);
    const uint8_t *pf = pw->line;
    const int64_t pf_lines = pw->lines_per_step;
    for (int64_t j = 0; j < ns; j++, base += bb) {
        const uint8_t *p[8];
        group_rows(base, rb, p);
        __m256 d, m;
        __m256i s = rows_block32(type, p, x[j].qs, &d, &m);
        if (off) s = _mm256_sub_epi32(s, _mm256_set1_epi32(xsum[j]));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_broadcast_ss(dx + j)), acc);
        if (has_min32(type)) acc = _mm256_fmadd_ps(m, _mm256_broadcast_ss(sx + j), acc);
        if (whole) {
            for (int64_t t = 0; t < pf_lines; t++, pf += 64) _mm_prefetch((const char *)pf, _MM_HINT_T0);
        } else {
            prefetch_walk_step(pw);
        }
    }
    return acc;
}

/// One activation column times rows [r0, r1), 8 rows per float vector. `y` = the column's outputs.
/// Groups always hold 8 real rows: the last one overlaps the previous group (its extra lanes are not
/// stored), so only matrices of fewer than 8 rows need a row pointer per lane.
INLINE void rows32(int type, const uint8_t *w, int64_t row_bytes, int64_t nb, int64_t r0, int64_t r1,
                   const enc_q16_32 *x, float *y) {
    const int64_t bb = bytes32(type);
    const int off = offset32(type);
    float dx[SLICE_ROWS], sx[SLICE_ROWS];
    int32_t xsum[SLICE_ROWS];
    for (int64_t s0 = 0; s0 < nb; s0 += SLICE_ROWS) {
        const int64_t ns = min64(SLICE_ROWS, nb - s0);
        for (int64_t j = 0; j < ns; j++) {
            dx[j] = x[s0 + j].d;
            sx[j] = x[s0 + j].s;
            xsum[j] = off ? off * sum32_epi16(x[s0 + j].qs) : 0;
        }
        if (r1 < 8) {  // fewer than 8 rows in the whole matrix: repeat the last row
            const uint8_t *p[8];
            for (int i = 0; i < 8; i++) p[i] = w + min64(r0 + i, r1 - 1) * row_bytes + s0 * bb;
            __m256 acc = s0 == 0 ? _mm256_setzero_ps() : load_partial(y + r0, r1 - r0);
            for (int64_t j = 0; j < ns; j++) {
                __m256 d, m;
                __m256i s = rows_block32(type, p, x[s0 + j].qs, &d, &m);
                if (off) s = _mm256_sub_epi32(s, _mm256_set1_epi32(xsum[j]));
                acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_broadcast_ss(dx + j)), acc);
                if (has_min32(type)) acc = _mm256_fmadd_ps(m, _mm256_broadcast_ss(sx + j), acc);
                for (int i = 0; i < 8; i++) p[i] += bb;
            }
            store_partial(y + r0, acc, r1 - r0);
            continue;
        }
        const int whole = ns == nb;  // whole rows: the next group is one contiguous range
        const int64_t lines8 = whole ? prefetch_lines_per_step(1, 8 * row_bytes, ns) : prefetch_lines_per_step(8, ns * bb, ns);
        for (int64_t rg = r0; rg < r1; rg += 8) {
            const int64_t first = rg + 8 <= r1 ? rg : r1 - 8;  // group rows [first, first + 8)
            const int64_t skip = rg - first;                   // lanes already stored by the previous group
            const uint8_t *base = w + first * row_bytes + s0 * bb;
            const int64_t next = min64(8, r1 - first - 8);      // rows in the next group (<= 0: none)
            __m256 acc = s0 == 0 ? _mm256_setzero_ps() : _mm256_loadu_ps(y + first);
            if (whole) {
                prefetch_walk pw = prefetch_walk_make(next > 0 ? base + 8 * row_bytes : base, 1, 0, 0, lines8);
                acc = rows_group32(type, 1, base, row_bytes, ns, x + s0, dx, sx, xsum, acc, &pw);
            } else {
                prefetch_walk pw = prefetch_walk_make(next > 0 ? base + 8 * row_bytes : NULL, next, row_bytes, ns * bb, lines8);
                acc = rows_group32(type, 0, base, row_bytes, ns, x + s0, dx, sx, xsum, acc, &pw);
            }
            float t[8];
            _mm256_storeu_ps(t, acc);
            for (int64_t i = skip; i < 8; i++) y[first + i] = t[i];
        }
    }
}

/// `ncol` (4 or 8) activation columns times rows [r0, r1) (at most ROW_BLOCK of them), one float lane
/// per column. Columns at and above `real` repeat the last real column and are not stored. `y` = column
/// 0's outputs. The accumulators stay in a local buffer across K slices; each column's outputs are
/// written once, contiguously.
INLINE void cols32(int type, int ncol, const uint8_t *w, int64_t row_bytes, int64_t nb, int64_t r0, int64_t r1,
                   const uint8_t *x, int64_t x_stride, int64_t real, float *y, int64_t ldy) {
    const int64_t bb = bytes32(type);
    const int off = offset32(type);
    __attribute__((aligned(32))) float dx[SLICE_COLS][8], sx[SLICE_COLS][8];
    __attribute__((aligned(32))) int32_t xsum[SLICE_COLS][8];
    __attribute__((aligned(32))) float accs[ROW_BLOCK][8];
    const enc_q16_32 *xc[8];
    for (int c = 0; c < 8; c++) xc[c] = (const enc_q16_32 *)(x + min64(c, real - 1) * x_stride);
    for (int64_t s0 = 0; s0 < nb; s0 += SLICE_COLS) {
        const int64_t ns = min64(SLICE_COLS, nb - s0);
        for (int64_t j = 0; j < ns; j++) {
            for (int c = 0; c < 8; c++) {
                const enc_q16_32 *xb = xc[c] + s0 + j;
                dx[j][c] = xb->d;
                sx[j][c] = xb->s;
                xsum[j][c] = off ? off * sum32_epi16(xb->qs) : 0;
            }
        }
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *p = w + r * row_bytes + s0 * bb;
            __m256 acc = s0 == 0 ? _mm256_setzero_ps() : _mm256_load_ps(accs[r - r0]);
            for (int64_t j = 0; j < ns; j++, p += bb) {
                __m256i lo, hi;
                unpack32_for(type, p, &lo, &hi, 1);
                __m256i v[8];
                for (int c = 0; c < ncol; c++) v[c] = c < real ? dot32(lo, hi, xc[c][s0 + j].qs) : _mm256_setzero_si256();
                __m256i s = ncol == 8 ? tree8(v) : tree4(v);
                if (off) s = _mm256_sub_epi32(s, _mm256_load_si256((const __m256i *)xsum[j]));
                const __m256 d = _mm256_set1_ps(half_at(p));
                acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_load_ps(dx[j])), acc);
                if (has_min32(type)) acc = _mm256_fmadd_ps(_mm256_set1_ps(half_at(p + 2)), _mm256_load_ps(sx[j]), acc);
            }
            _mm256_store_ps(accs[r - r0], acc);
        }
    }
    for (int64_t c = 0; c < real; c++)
        for (int64_t r = r0; r < r1; r++) y[c * ldy + r] = accs[r - r0][c];
}

/// How a batch's columns are split (the results are the same whichever kernel computes a column):
/// tiles of 8, then a last 8-wide tile for 5-7 leftover columns. Types with costly weight unpacking
/// (`narrow`: Q5_x, K-quants) also use a 4-wide tile for 3-4 leftovers (measured 1.4-1.5x faster
/// there); other leftovers go column by column through the rows kernel, which is faster for
/// Q4_0/Q4_1/Q8_0 up to 4 columns.
typedef struct {
    int64_t tiled;   // columns [0, tiled) go through the cols kernel, 8 per tile
    int last_width;  // width of the last tile (8, or 4 for 3-4 columns)
} tile_plan;

INLINE tile_plan plan_tiles(int64_t n, int narrow) {
    const int64_t rem = n % 8;
    const int64_t min_rem = narrow ? 3 : 5;
    const tile_plan plan = {rem >= min_rem ? n : n - rem, rem >= 3 && rem <= 4 ? 4 : 8};
    return plan;
}

/// Rows per span in a batched product: a span's weights (about 128 KB) stay in L2 while every
/// column tile passes over them, so weights are read from memory once per call and activations once
/// per span. Inside a span, each tile of 8 columns (in L1) meets the span's rows in blocks.
INLINE int64_t row_span(int64_t row_bytes) {
    const int64_t rows = (128 * 1024 / row_bytes) & ~(int64_t)(ROW_BLOCK - 1);
    return rows < ROW_BLOCK ? ROW_BLOCK : rows;
}


// ---- K-quants (256-element super-blocks) --------------------------------------------------------
//
// The sub-block scales multiply the int16 weight codes before vpmaddwd (sc * q fits int16), so a
// whole super-block (Q4_K, Q5_K) or half super-block (Q6_K) accumulates in the 8 int32 lanes of one
// vector per output, exactly: a lane sums 32 products of at most 63 * 31 * 32767 (Q5_K: < 2.05e9) or
// 16 of at most 128 * 32 * 32767 (Q6_K, codes minus 32: < 2.1475e9 = 2^31 - 65535). The lanes are
// converted to float and added by a float tree whose association is the same for every output in
// both kernels. Per output, for each super-block:
//   Q4_K, Q5_K:  acc = fma(tree(float(lanes of sum_k (sc_k q) x)), d_w * d_x, acc)
//                acc = fma((float)sum_k(m_k * (bsums[2k] + bsums[2k+1])), -(dmin_w * d_x), acc)
//   Q6_K:        acc = fma(tree(float(lanes of sum_{k in half} (sc_k (q - 32)) x)), d_w * d_x, acc)  per half
// A super-block is unpacked in 4 "units" that share bytes: the 64-element chunks of Q4_K/Q5_K
// (2 sub-blocks each) and the (half, 16-lane part) pairs of Q6_K (4 sub-blocks each).

enum {
    SLICE_ROWS_K = 64,  // super-blocks per K slice in the rows kernel
    SLICE_COLS_K = 4,   // 8 columns x 4 x 580 bytes stay in L1
};

INLINE int64_t bytesK(int type) { return type == ENC_Q4_K ? 144 : type == ENC_Q5_K ? 176 : 210; }
/// Sub-block index of output g of unit u.
INLINE int subK(int type, int u, int g) {
    if (type == ENC_Q6_K) return 8 * (u >> 1) + (u & 1) + 2 * g;  // u = 2 * half + part
    return 2 * u + g;
}

/// 16 * bit `bit` of each lane (lanes hold bytes 0..255).
INLINE __m256i bit_to_16(__m256i v, int bit) {
    switch (bit) {
    case 0: v = _mm256_slli_epi16(v, 4); break;
    case 1: v = _mm256_slli_epi16(v, 3); break;
    case 2: v = _mm256_slli_epi16(v, 2); break;
    case 3: v = _mm256_slli_epi16(v, 1); break;
    case 4: break;
    case 5: v = _mm256_srli_epi16(v, 1); break;
    case 6: v = _mm256_srli_epi16(v, 2); break;
    default: v = _mm256_srli_epi16(v, 3); break;
    }
    return _mm256_and_si256(v, _mm256_set1_epi16(16));
}

INLINE __m256i widen_u8(const uint8_t *p) {
    __m256i v = _mm256_cvtepu8_epi16(load128(p));
    OPAQUE(v);
    return v;
}

/// Weight codes of unit u of super-block b as int16 vectors of 16 lanes.
///   Q4_K/Q5_K: W[0], W[1] = sub-block 2u (elements 64u + 0..15, 16..31); W[2], W[3] = sub-block 2u + 1.
///   Q6_K: W[g] = the 16 codes of sub-block subK(u, g), minus nothing (the -32 is applied to the sums).
INLINE void unpackK(int type, const uint8_t *b, int u, __m256i W[4]) {
    const __m256i m15 = _mm256_set1_epi16(15);
    if (type == ENC_Q6_K) {
        const int h = u >> 1, t = u & 1;
        const uint8_t *ql = b + 64 * h, *qh = b + 128 + 32 * h;
        const __m256i la = widen_u8(ql + 16 * t), lb = widen_u8(ql + 32 + 16 * t), hh = widen_u8(qh + 16 * t);
        W[0] = _mm256_or_si256(_mm256_and_si256(la, m15), _mm256_slli_epi16(_mm256_and_si256(hh, _mm256_set1_epi16(3)), 4));
        W[1] = _mm256_or_si256(_mm256_and_si256(lb, m15), _mm256_slli_epi16(_mm256_and_si256(hh, _mm256_set1_epi16(12)), 2));
        W[2] = _mm256_or_si256(_mm256_srli_epi16(la, 4), _mm256_and_si256(hh, _mm256_set1_epi16(48)));
        W[3] = _mm256_or_si256(_mm256_srli_epi16(lb, 4), _mm256_srli_epi16(_mm256_and_si256(hh, _mm256_set1_epi16(192)), 2));
        return;
    }
    const uint8_t *qs = b + (type == ENC_Q4_K ? 16 : 48) + 32 * u;
    const __m256i a = widen_u8(qs), c = widen_u8(qs + 16);
    W[0] = _mm256_and_si256(a, m15);
    W[1] = _mm256_and_si256(c, m15);
    W[2] = _mm256_srli_epi16(a, 4);
    W[3] = _mm256_srli_epi16(c, 4);
    if (type == ENC_Q5_K) {
        const __m256i h0 = widen_u8(b + 16), h1 = widen_u8(b + 32);
        W[0] = _mm256_or_si256(W[0], bit_to_16(h0, 2 * u));
        W[1] = _mm256_or_si256(W[1], bit_to_16(h1, 2 * u));
        W[2] = _mm256_or_si256(W[2], bit_to_16(h0, 2 * u + 1));
        W[3] = _mm256_or_si256(W[3], bit_to_16(h1, 2 * u + 1));
    }
}

/// The unit's sub-block products with the activation codes q (256 of them): S[g] int32 lanes.
INLINE void dotK(int type, const __m256i W[4], const int16_t *q, int u, __m256i S[4]) {
    if (type == ENC_Q6_K) {
        const int h = u >> 1, t = u & 1;
        for (int g = 0; g < 4; g++) S[g] = _mm256_madd_epi16(W[g], load256(q + 128 * h + 32 * g + 16 * t));
        return;
    }
    S[0] = dot32(W[0], W[1], q + 64 * u);
    S[1] = dot32(W[2], W[3], q + 64 * u + 32);
}

/// Scales (and mins) of a Q4_K/Q5_K super-block as 8 bytes each (byte k = sub-block k).
INLINE void scalesK(const uint8_t *s, uint64_t *sc, uint64_t *mn) {
    const uint32_t u0 = enc_load_u32(s), u1 = enc_load_u32(s + 4), u2 = enc_load_u32(s + 8);
    const uint32_t sc_hi = (u2 & 0x0f0f0f0f) | ((u0 >> 6) & 0x03030303) << 4;
    const uint32_t m_hi = ((u2 >> 4) & 0x0f0f0f0f) | ((u1 >> 6) & 0x03030303) << 4;
    *sc = (u0 & 0x3f3f3f3f) | (uint64_t)sc_hi << 32;
    *mn = (u1 & 0x3f3f3f3f) | (uint64_t)m_hi << 32;
}

/// Byte k of 8 per-lane words, widened to int32 lanes: lane i from word i, where `even` holds the
/// words of lanes 0, 2, 4, 6 and `odd` those of lanes 1, 3, 5, 7 (one per 64-bit element).
INLINE __m256i byte_lanes(__m256i even, __m256i odd, int k, int is_signed) {
    const __m128i lo = _mm_cvtsi32_si128(24 - 8 * k), hi = _mm_cvtsi32_si128(56 - 8 * k);
    // Byte k to the top of each 64-bit element's low dword (even) or high dword (odd).
    __m256i e = k <= 3 ? _mm256_sll_epi64(even, lo) : _mm256_srl_epi64(even, _mm_cvtsi32_si128(8 * k - 24));
    __m256i o = _mm256_sll_epi64(odd, hi);
    const __m256i v = _mm256_blend_epi32(e, o, 0xAA);
    return is_signed ? _mm256_srai_epi32(v, 24) : _mm256_srli_epi32(v, 24);
}

INLINE __m256i words_even(const uint64_t w[8]) {
    return _mm256_set_epi64x((long long)w[6], (long long)w[4], (long long)w[2], (long long)w[0]);
}

INLINE __m256i words_odd(const uint64_t w[8]) {
    return _mm256_set_epi64x((long long)w[7], (long long)w[5], (long long)w[3], (long long)w[1]);
}

/// A super-block's sub-block scales as int16, each 128-bit half holding the same 8 values:
/// lo = scales 0..7, hi = scales 8..15 (Q6_K only). Q4_K/Q5_K also return their 8 mins as bytes.
typedef struct {
    __m256i lo, hi;
} scales16;

INLINE scales16 scales16_of(int type, const uint8_t *b, uint64_t *mins) {
    scales16 s;
    if (type == ENC_Q6_K) {
        const __m128i v = load128(b + 192);
        s.lo = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(v));
        s.hi = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(_mm_srli_si128(v, 8)));
        *mins = 0;
    } else {
        uint64_t sc;
        scalesK(b + 4, &sc, mins);
        s.lo = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)sc)));
        s.hi = s.lo;
    }
    return s;
}

/// Scale k in every int16 lane.
INLINE __m256i scale_lanes(scales16 s, int k) {
    const int j = 2 * (k & 7);
    const __m256i ctrl = _mm256_set1_epi16((short)(j | (j + 1) << 8));
    return _mm256_shuffle_epi8(k < 8 ? s.lo : s.hi, ctrl);
}

/// Unit u's weight codes times their sub-block scales (Q6_K: codes minus 32 first), as int16.
INLINE void unpack_scaledK(int type, const uint8_t *b, int u, scales16 s, __m256i W[4]) {
    unpackK(type, b, u, W);
    if (type == ENC_Q6_K) {
        const __m256i m32 = _mm256_set1_epi16(32);
        for (int g = 0; g < 4; g++) W[g] = _mm256_mullo_epi16(_mm256_sub_epi16(W[g], m32), scale_lanes(s, subK(type, u, g)));
    } else {
        const __m256i s0 = scale_lanes(s, 2 * u), s1 = scale_lanes(s, 2 * u + 1);
        W[0] = _mm256_mullo_epi16(W[0], s0);
        W[1] = _mm256_mullo_epi16(W[1], s0);
        W[2] = _mm256_mullo_epi16(W[2], s1);
        W[3] = _mm256_mullo_epi16(W[3], s1);
    }
}

/// Sum of a unit's (scaled) products with the activation codes q: int32 lanes.
INLINE __m256i dot_unitK(int type, const __m256i W[4], const int16_t *q, int u) {
    __m256i S[4];
    dotK(type, W, q, u, S);
    if (type == ENC_Q6_K) return _mm256_add_epi32(_mm256_add_epi32(S[0], S[1]), _mm256_add_epi32(S[2], S[3]));
    return _mm256_add_epi32(S[0], S[1]);
}

// Float versions of the reduction trees (same shape, so every output sums its lanes as
// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) whichever position it has).
INLINE __m256 tree_pair_ps(__m256 a, __m256 b) {
    __m256 u = _mm256_blend_ps(a, b, 0xAA), v = _mm256_blend_ps(b, a, 0xAA);
    OPAQUE(u);
    OPAQUE(v);
    return _mm256_add_ps(u, _mm256_permute_ps(v, 0xB1));
}

INLINE __m256 tree_quad_ps(__m256 a, __m256 b) {
    __m256 u = _mm256_blend_ps(a, b, 0xCC), v = _mm256_blend_ps(b, a, 0xCC);
    OPAQUE(u);
    OPAQUE(v);
    return _mm256_add_ps(u, _mm256_permute_ps(v, 0x4E));
}

INLINE __m256 tree_oct_ps(__m256 a, __m256 b) {
    return _mm256_add_ps(_mm256_blend_ps(a, b, 0xF0), _mm256_permute2f128_ps(a, b, 0x21));
}

/// Lane i = float sum of the lanes of v[i] (i < width; width 8 or 4, lanes 4..7 = 0 for 4).
INLINE __m256 tree_ps(const __m256i v[8], int width) {
    __m256 f[8];
    for (int i = 0; i < width; i++) f[i] = _mm256_cvtepi32_ps(v[i]);
    const __m256 q0 = tree_quad_ps(tree_pair_ps(f[0], f[1]), tree_pair_ps(f[2], f[3]));
    if (width == 4) return tree_oct_ps(q0, _mm256_setzero_ps());
    return tree_oct_ps(q0, tree_quad_ps(tree_pair_ps(f[4], f[5]), tree_pair_ps(f[6], f[7])));
}

/// One activation super-block times 8 rows (row i at p[i]): continues the per-row accumulators.
INLINE __m256 rows_superblockK(int type, const uint8_t *const p[8], const enc_q16_256 *x, __m256 acc) {
    const __m256 dx = _mm256_set1_ps(x->d);
    uint64_t mn[8];
    __m256i half0[8], half1[8];
    for (int i = 0; i < 8; i++) {
        const scales16 s = scales16_of(type, p[i], mn + i);
        __m256i l0 = _mm256_setzero_si256(), l1 = l0;
        for (int u = 0; u < 4; u++) {
            __m256i W[4];
            unpack_scaledK(type, p[i], u, s, W);
            const __m256i t = dot_unitK(type, W, x->qs, u);
            if (type == ENC_Q6_K && u >= 2) {
                l1 = _mm256_add_epi32(l1, t);
            } else {
                l0 = _mm256_add_epi32(l0, t);
            }
        }
        half0[i] = l0;
        half1[i] = l1;
    }
    if (type == ENC_Q6_K) {
        const __m256 d = _mm256_mul_ps(gather_half8(p, ENC_Q6_K_D_OFFSET), dx);
        acc = _mm256_fmadd_ps(tree_ps(half0, 8), d, acc);
        return _mm256_fmadd_ps(tree_ps(half1, 8), d, acc);
    }
    const __m256 d = _mm256_mul_ps(gather_half8(p, 0), dx), dmin = _mm256_mul_ps(gather_half8(p, 2), dx);
    acc = _mm256_fmadd_ps(tree_ps(half0, 8), d, acc);
    const __m256i me = words_even(mn), mo = words_odd(mn);
    __m256i ms = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) {
        const __m256i bs = _mm256_set1_epi32(x->bsums[2 * k] + x->bsums[2 * k + 1]);
        ms = _mm256_add_epi32(ms, _mm256_mullo_epi32(byte_lanes(me, mo, k, 0), bs));
    }
    return _mm256_fnmadd_ps(_mm256_cvtepi32_ps(ms), dmin, acc);
}

/// One activation column times rows [r0, r1) of a K-quant matrix (see rows32).
INLINE void rowsK(int type, const uint8_t *w, int64_t row_bytes, int64_t nb, int64_t r0, int64_t r1,
                  const enc_q16_256 *x, float *y) {
    const int64_t bb = bytesK(type);
    for (int64_t s0 = 0; s0 < nb; s0 += SLICE_ROWS_K) {
        const int64_t ns = min64(SLICE_ROWS_K, nb - s0);
        for (int64_t rg = r0; rg < r1; rg += 8) {
            const int64_t first = r1 < 8 ? r0 : rg + 8 <= r1 ? rg : r1 - 8;
            const int64_t nr = r1 < 8 ? r1 - r0 : 8;
            const int64_t skip = rg - first;
            const uint8_t *p[8];
            for (int i = 0; i < 8; i++) p[i] = w + (first + min64(i, nr - 1)) * row_bytes + s0 * bb;
            // Prefetch the next group with whole rows (a bounded walk measured better than prefetch_walk here).
            const uint8_t *pf = ns == nb && rg + 8 < r1 && r1 >= 8 ? w + (first + 8) * row_bytes : NULL;
            const int64_t pf_bytes = pf ? min64(8, r1 - first - 8) * row_bytes : 0;
            const int64_t pf_lines = pf ? (pf_bytes / ns + 63) / 64 + 1 : 0;
            __m256 acc = s0 == 0 ? _mm256_setzero_ps() : load_partial(y + first, nr);
            for (int64_t j = 0; j < ns; j++) {
                acc = rows_superblockK(type, p, x + s0 + j, acc);
                for (int i = 0; i < 8; i++) p[i] += bb;
                for (int64_t t = 0; t < pf_lines && pf < w + (first + 8) * row_bytes + pf_bytes; t++, pf += 64) {
                    _mm_prefetch((const char *)pf, _MM_HINT_T0);
                }
            }
            float t[8];
            _mm256_storeu_ps(t, acc);
            for (int64_t i = skip; i < nr; i++) y[first + i] = t[i];
            if (r1 < 8) break;
        }
    }
}

/// `ncol` (4 or 8) activation columns times rows [r0, r1) (at most ROW_BLOCK) of a K-quant matrix (see cols32).
INLINE void colsK(int type, int ncol, const uint8_t *w, int64_t row_bytes, int64_t nb, int64_t r0, int64_t r1,
                  const uint8_t *x, int64_t x_stride, int64_t real, float *y, int64_t ldy) {
    const int64_t bb = bytesK(type);
    __attribute__((aligned(32))) float dx[SLICE_COLS_K][8];
    __attribute__((aligned(32))) int32_t bs[SLICE_COLS_K][8][8];  // bsums pairs (sub-block sums), Q4_K/Q5_K
    __attribute__((aligned(32))) float accs[ROW_BLOCK][8];
    const enc_q16_256 *xc[8];
    for (int c = 0; c < 8; c++) xc[c] = (const enc_q16_256 *)(x + min64(c, real - 1) * x_stride);
    for (int64_t s0 = 0; s0 < nb; s0 += SLICE_COLS_K) {
        const int64_t ns = min64(SLICE_COLS_K, nb - s0);
        for (int64_t j = 0; j < ns; j++) {
            for (int c = 0; c < 8; c++) {
                const enc_q16_256 *xb = xc[c] + s0 + j;
                dx[j][c] = xb->d;
                for (int k = 0; k < 8; k++) bs[j][k][c] = xb->bsums[2 * k] + xb->bsums[2 * k + 1];
            }
        }
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *p = w + r * row_bytes + s0 * bb;
            __m256 acc = s0 == 0 ? _mm256_setzero_ps() : _mm256_load_ps(accs[r - r0]);
            for (int64_t j = 0; j < ns; j++, p += bb) {
                const __m256 dxv = _mm256_load_ps(dx[j]);
                uint64_t m8;
                const scales16 sc = scales16_of(type, p, &m8);
                __m256 d, dmin = _mm256_setzero_ps();
                if (type == ENC_Q6_K) {
                    d = _mm256_mul_ps(_mm256_set1_ps(half_at(p + ENC_Q6_K_D_OFFSET)), dxv);
                } else {
                    d = _mm256_mul_ps(_mm256_set1_ps(half_at(p)), dxv);
                    dmin = _mm256_mul_ps(_mm256_set1_ps(half_at(p + 2)), dxv);
                }
                __m256i l[8];
                for (int c = 0; c < 8; c++) l[c] = _mm256_setzero_si256();
                for (int u = 0; u < 4; u++) {
                    __m256i W[4];
                    unpack_scaledK(type, p, u, sc, W);
                    for (int c = 0; c < ncol && c < real; c++) l[c] = _mm256_add_epi32(l[c], dot_unitK(type, W, xc[c][s0 + j].qs, u));
                    if (type == ENC_Q6_K && (u == 1 || u == 3)) {  // a half super-block is complete
                        acc = _mm256_fmadd_ps(tree_ps(l, ncol), d, acc);
                        for (int c = 0; c < 8; c++) l[c] = _mm256_setzero_si256();
                    }
                }
                if (type != ENC_Q6_K) acc = _mm256_fmadd_ps(tree_ps(l, ncol), d, acc);
                if (type != ENC_Q6_K) {
                    __m256i ms = _mm256_setzero_si256();
                    for (int k = 0; k < 8; k++) {
                        ms = _mm256_add_epi32(ms, _mm256_mullo_epi32(_mm256_set1_epi32((int)(m8 >> (8 * k) & 0xff)),
                                                                     _mm256_load_si256((const __m256i *)bs[j][k])));
                    }
                    acc = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(ms), dmin, acc);
                }
            }
            _mm256_store_ps(accs[r - r0], acc);
        }
    }
    for (int64_t c = 0; c < real; c++)
        for (int64_t r = r0; r < r1; r++) y[c * ldy + r] = accs[r - r0][c];
}

/// A batched product: spans of rows (row_span) x tiles of 8 (or a last 4) columns through cols32/colsK, and the
/// columns that do not fill a tile one at a time through rows32/rowsK.
INLINE void matmul(int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                   const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const int blocks32 = type != ENC_Q4_K && type != ENC_Q5_K && type != ENC_Q6_K;
    const int64_t nb = k / (blocks32 ? 32 : 256);
    const uint8_t *xb = (const uint8_t *)x;
    if (nb == 0) {
        for (int64_t c = 0; c < n; c++)
            for (int64_t r = r0; r < r1; r++) y[c * ldy + r] = 0.0f;
        return;
    }
    const tile_plan plan = plan_tiles(n, blocks32 ? type == ENC_Q5_0 || type == ENC_Q5_1 : 1);
    const int64_t span = row_span(row_bytes);
    for (int64_t rs = r0; rs < r1; rs += span) {
        const int64_t rs_end = min64(rs + span, r1);
        for (int64_t c = 0; c < plan.tiled; c += 8) {
            const int64_t real = min64(8, plan.tiled - c);
            const int width = real <= 4 && plan.last_width == 4 ? 4 : 8;
            for (int64_t rb = rs; rb < rs_end; rb += ROW_BLOCK) {
                const int64_t re = min64(rb + ROW_BLOCK, rs_end);
                const uint8_t *xc = xb + c * x_stride;
                if (blocks32) {
                    if (width == 4) cols32(type, 4, (const uint8_t *)w, row_bytes, nb, rb, re, xc, x_stride, real, y + c * ldy, ldy);
                    else cols32(type, 8, (const uint8_t *)w, row_bytes, nb, rb, re, xc, x_stride, real, y + c * ldy, ldy);
                } else {
                    if (width == 4) colsK(type, 4, (const uint8_t *)w, row_bytes, nb, rb, re, xc, x_stride, real, y + c * ldy, ldy);
                    else colsK(type, 8, (const uint8_t *)w, row_bytes, nb, rb, re, xc, x_stride, real, y + c * ldy, ldy);
                }
            }
        }
    }
    for (int64_t c = plan.tiled; c < n; c++) {
        if (blocks32) rows32(type, (const uint8_t *)w, row_bytes, nb, r0, r1, (const enc_q16_32 *)(xb + c * x_stride), y + c * ldy);
        else rowsK(type, (const uint8_t *)w, row_bytes, nb, r0, r1, (const enc_q16_256 *)(xb + c * x_stride), y + c * ldy);
    }
}

#define DEFINE_MATMUL(name, type)                                                                               \
    static void name(const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1, const void *x,      \
                     int64_t x_stride, int64_t n, float *y, int64_t ldy) {                                    \
        matmul(type, w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);                                         \
    }

DEFINE_MATMUL(mm_q8_0, ENC_Q8_0)
DEFINE_MATMUL(mm_q4_0, ENC_Q4_0)
DEFINE_MATMUL(mm_q4_1, ENC_Q4_1)
DEFINE_MATMUL(mm_q5_0, ENC_Q5_0)
DEFINE_MATMUL(mm_q5_1, ENC_Q5_1)
DEFINE_MATMUL(mm_q4_K, ENC_Q4_K)
DEFINE_MATMUL(mm_q5_K, ENC_Q5_K)
DEFINE_MATMUL(mm_q6_K, ENC_Q6_K)

// ---- activation quantisers (bit-identical to the scalar ones) -----------------------------------

INLINE float hmax_ps(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

/// Quantises 16 floats with 1/d = id (round to nearest even, as nearbyintf) into 16 int16 at out;
/// returns the int32 lanes of the codes summed pairwise.
INLINE __m256i quantize16(const float *v, __m256 id, int16_t *out) {
    const __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(v), id));
    const __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(v + 8), id));
    _mm256_storeu_si256((__m256i *)out, _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8));
    return _mm256_add_epi32(a, b);
}

INLINE float block_amax(const float *v, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 m = _mm256_setzero_ps();
    // max(|v|, m) keeps m when |v| is NaN, like the scalar `if (a > amax)`.
    for (int64_t i = 0; i < n; i += 8) m = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(v + i), abs_mask), m);
    return hmax_ps(m);
}

static void quantize_32(const float *x, int64_t k, void *dst) {
    enc_q16_32 *out = (enc_q16_32 *)dst;
    for (int64_t b = 0; b < k / 32; b++) {
        const float *v = x + 32 * b;
        const float d = block_amax(v, 32) / 32767.0f;
        const __m256 id = _mm256_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
        const __m256i s = _mm256_add_epi32(quantize16(v, id, out[b].qs), quantize16(v + 16, id, out[b].qs + 16));
        out[b].d = d;
        out[b].s = d * (float)hsum_epi32(s);
    }
}

static void quantize_256(const float *x, int64_t k, void *dst) {
    enc_q16_256 *out = (enc_q16_256 *)dst;
    for (int64_t b = 0; b < k / 256; b++) {
        const float *v = x + 256 * b;
        const float d = block_amax(v, 256) / 32767.0f;
        const __m256 id = _mm256_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
        for (int j = 0; j < 16; j++) out[b].bsums[j] = hsum_epi32(quantize16(v + 16 * j, id, out[b].qs + 16 * j));
        out[b].d = d;
    }
}

#pragma clang attribute pop

enc_matmul_fn enc_q16_avx2_matmul_for(int type) {
    switch (type) {
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

enc_q16_quantize_fn enc_q16_avx2_quantizer_for(int format) {
    switch (format) {
    case ENC_ACT_Q16_32: return quantize_32;
    case ENC_ACT_Q16_256: return quantize_256;
    default: return NULL;
    }
}

#else

enc_matmul_fn enc_q16_avx2_matmul_for(int type) {
    (void)type;
    return NULL;
}

enc_q16_quantize_fn enc_q16_avx2_quantizer_for(int format) {
    (void)format;
    return NULL;
}

#endif
