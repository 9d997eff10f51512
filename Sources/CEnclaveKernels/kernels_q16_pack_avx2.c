// Enclave: AVX2 packers for the packed layout of the 16-bit-activation kernels (layout in kernels_q16_packed.c,
// whose portable packers they reproduce byte for byte).
//
// Every packed chunk gathers the same 2 bytes of 8 rows, so packing is an 8 x 8 transpose of 16-bit units:
// 24 unpack instructions per 8 chunks (two transposes at once in the halves of 256-bit registers) instead of
// 64 two-byte copies. Codes that change form (Q5_x to bytes, Q6_K to bytes, Q4_K nibble pairs) are rebuilt
// 32 at a time first. This keeps packing at model load to a few GB/s.
#include "kernels_q16_packed_internal.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

#define INLINE static inline __attribute__((always_inline))

INLINE __m256i load256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
INLINE __m128i load128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

/// Transposes the 16-bit units of 8 rows inside each 128-bit half: afterwards v[j] holds unit j of rows 0..7
/// (low half from the rows' low halves, high half from their high halves).
INLINE void transpose8x16(__m256i v[8]) {
    __m256i a[8], b[8];
    for (int i = 0; i < 4; i++) {
        a[2 * i] = _mm256_unpacklo_epi16(v[2 * i], v[2 * i + 1]);
        a[2 * i + 1] = _mm256_unpackhi_epi16(v[2 * i], v[2 * i + 1]);
    }
    // a[0] = units 0-3 of rows 0,1; a[1] = units 4-7 of rows 0,1; a[2], a[3] rows 2,3; ...
    for (int i = 0; i < 2; i++) {
        for (int h = 0; h < 2; h++) {
            b[4 * i + 2 * h] = _mm256_unpacklo_epi32(a[4 * i + h], a[4 * i + 2 + h]);
            b[4 * i + 2 * h + 1] = _mm256_unpackhi_epi32(a[4 * i + h], a[4 * i + 2 + h]);
        }
    }
    // b[0] = units 0,1 of rows 0-3; b[1] = units 2,3; b[2] = units 4,5; b[3] = units 6,7; b[4..7] rows 4-7.
    for (int u = 0; u < 4; u++) {
        v[2 * u] = _mm256_unpacklo_epi64(b[u], b[4 + u]);
        v[2 * u + 1] = _mm256_unpackhi_epi64(b[u], b[4 + u]);
    }
}

/// Stores the 16 chunks of a transposed set: chunk j = low half of v[j], chunk 8 + j = high half, 16 bytes apart
/// times `stride` chunks.
INLINE void store_chunks(uint8_t *dst, const __m256i v[8], int64_t stride) {
    for (int j = 0; j < 8; j++) {
        _mm_storeu_si128((__m128i *)(dst + 16 * stride * j), _mm256_castsi256_si128(v[j]));
        _mm_storeu_si128((__m128i *)(dst + 16 * stride * (8 + j)), _mm256_extracti128_si256(v[j], 1));
    }
}

/// The 8 rows' halves at offset `off` of their blocks, 2 bytes apart: dst[2r] = src[r][off].
INLINE void gather_halves(const uint8_t *const src[8], int64_t off, uint8_t *dst) {
    for (int r = 0; r < 8; r++) memcpy(dst + 2 * r, src[r] + off, 2);
}

/// 0x10 in byte i where bit i of the u32 at p is set.
INLINE __m256i bit4_from_bits32(const uint8_t *p) {
    const __m256i v = _mm256_set1_epi32((int)enc_load_u32(p));
    const __m256i spread = _mm256_shuffle_epi8(v, _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                                   2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    const __m256i bit = _mm256_set1_epi64x(0x8040201008040201LL);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(0x10));
}

/// The 32 nibbles of 16 bytes in element order: low nibbles (elements 0..15), then high nibbles (16..31).
INLINE __m256i nibbles32(const uint8_t *p) {
    const __m128i v = load128(p);
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(v), _mm_srli_epi16(v, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

static void pack_q8_0(const uint8_t *const src[8], uint8_t *dst) {
    gather_halves(src, 0, dst);
    __m256i v[8];
    for (int r = 0; r < 8; r++) v[r] = load256(src[r] + 2);
    transpose8x16(v);
    store_chunks(dst + 16, v, 1);
}

/// Q5_0 (code - 16) and Q5_1 (code) as bytes.
static void pack_q5(int type, const uint8_t *const src[8], uint8_t *dst) {
    const int q50 = type == ENC_Q5_0;
    gather_halves(src, 0, dst);
    if (!q50) gather_halves(src, 2, dst + 16);
    const int64_t qh = q50 ? 2 : 4;
    __m256i v[8];
    for (int r = 0; r < 8; r++) {
        const __m256i codes = _mm256_or_si256(nibbles32(src[r] + qh + 4), bit4_from_bits32(src[r] + qh));
        v[r] = q50 ? _mm256_sub_epi8(codes, _mm256_set1_epi8(16)) : codes;
    }
    transpose8x16(v);
    store_chunks(dst + (q50 ? 16 : 32), v, 1);
}

/// Q4_0 and Q4_1: the 16 qs bytes of each row are its 8 chunk units.
static void pack_q4(int type, const uint8_t *const src[8], uint8_t *dst) {
    const int q41 = type == ENC_Q4_1;
    gather_halves(src, 0, dst);
    if (q41) gather_halves(src, 2, dst + 16);
    __m256i v[8];
    for (int r = 0; r < 8; r++) v[r] = _mm256_castsi128_si256(load128(src[r] + (q41 ? 4 : 2)));
    transpose8x16(v);
    for (int j = 0; j < 8; j++) _mm_storeu_si128((__m128i *)(dst + (q41 ? 32 : 16) + 16 * j), _mm256_castsi256_si128(v[j]));
}

// Offsets inside a packed K-quant block (kernels_q16_packed.c).
enum { K_SC = 32, K_MN = 96, Q4K_QS = 160, Q6K_SC = 16, Q6K_Q = 144 };

static void pack_q4_K(const uint8_t *const src[8], uint8_t *dst) {
    gather_halves(src, 0, dst);
    gather_halves(src, 2, dst + 16);
    // nib[r][s]: 16 bytes = element 32s + i (low nibble) | element 32s + 16 + i (high nibble), i < 16.
    __attribute__((aligned(32))) uint8_t nib[8][8][16];
    const __m128i m15 = _mm_set1_epi8(15);
    for (int r = 0; r < 8; r++) {
        const uint8_t *b = src[r];
        for (int s = 0; s < 8; s++) enc_scale_min_k4(s, b + 4, dst + K_SC + 8 * s + r, dst + K_MN + 8 * s + r);
        for (int u = 0; u < 4; u++) {
            const __m128i a = load128(b + 16 + 32 * u), c = load128(b + 16 + 32 * u + 16);
            const __m128i alo = _mm_and_si128(a, m15), clo = _mm_and_si128(c, m15);
            const __m128i ahi = _mm_and_si128(_mm_srli_epi16(a, 4), m15), chi = _mm_and_si128(_mm_srli_epi16(c, 4), m15);
            _mm_store_si128((__m128i *)nib[r][2 * u], _mm_or_si128(alo, _mm_slli_epi16(clo, 4)));
            _mm_store_si128((__m128i *)nib[r][2 * u + 1], _mm_or_si128(ahi, _mm_slli_epi16(chi, 4)));
        }
    }
    for (int s = 0; s < 8; s += 2) {
        __m256i v[8];
        for (int r = 0; r < 8; r++) v[r] = _mm256_load_si256((const __m256i *)nib[r][s]);  // sub-blocks s, s + 1
        transpose8x16(v);
        // Unit j of sub-block s is chunk 8j + s; of s + 1, chunk 8j + s + 1.
        for (int j = 0; j < 8; j++) {
            _mm_storeu_si128((__m128i *)(dst + Q4K_QS + 16 * (8 * j + s)), _mm256_castsi256_si128(v[j]));
            _mm_storeu_si128((__m128i *)(dst + Q4K_QS + 16 * (8 * j + s + 1)), _mm256_extracti128_si256(v[j], 1));
        }
    }
}

static void pack_q6_K(const uint8_t *const src[8], uint8_t *dst) {
    __attribute__((aligned(32))) int8_t q[8][256];
    const __m256i m15 = _mm256_set1_epi8(15), m3 = _mm256_set1_epi8(3), m32 = _mm256_set1_epi8(32);
    for (int r = 0; r < 8; r++) {
        const uint8_t *b = src[r];
        memcpy(dst + 2 * r, b + ENC_Q6_K_D_OFFSET, 2);
        for (int s = 0; s < 16; s++) dst[Q6K_SC + 8 * s + r] = b[192 + s];
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = load256(b + 64 * h), l1 = load256(b + 64 * h + 32), hb = load256(b + 128 + 32 * h);
            const __m256i h0 = _mm256_and_si256(hb, m3), h1 = _mm256_and_si256(_mm256_srli_epi16(hb, 2), m3);
            const __m256i h2 = _mm256_and_si256(_mm256_srli_epi16(hb, 4), m3), h3 = _mm256_and_si256(_mm256_srli_epi16(hb, 6), m3);
            int8_t *o = q[r] + 128 * h;
            _mm256_store_si256((__m256i *)o, _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(l0, m15), _mm256_slli_epi16(h0, 4)), m32));
            _mm256_store_si256((__m256i *)(o + 32), _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(l1, m15), _mm256_slli_epi16(h1, 4)), m32));
            _mm256_store_si256((__m256i *)(o + 64),
                               _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m15), _mm256_slli_epi16(h2, 4)), m32));
            _mm256_store_si256((__m256i *)(o + 96),
                               _mm256_sub_epi8(_mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m15), _mm256_slli_epi16(h3, 4)), m32));
        }
    }
    // Unit j of sub-block s of half h (elements 128h + 16s + 2j, +1) is chunk 64h + 8j + s.
    for (int h = 0; h < 2; h++) {
        for (int s = 0; s < 8; s += 2) {
            __m256i v[8];
            for (int r = 0; r < 8; r++) v[r] = _mm256_load_si256((const __m256i *)(q[r] + 128 * h + 16 * s));
            transpose8x16(v);
            for (int j = 0; j < 8; j++) {
                _mm_storeu_si128((__m128i *)(dst + Q6K_Q + 16 * (64 * h + 8 * j + s)), _mm256_castsi256_si128(v[j]));
                _mm_storeu_si128((__m128i *)(dst + Q6K_Q + 16 * (64 * h + 8 * j + s + 1)), _mm256_extracti128_si256(v[j], 1));
            }
        }
    }
}

static void pk_q8_0(const uint8_t *const src[8], uint8_t *dst) { pack_q8_0(src, dst); }
static void pk_q5_0(const uint8_t *const src[8], uint8_t *dst) { pack_q5(ENC_Q5_0, src, dst); }
static void pk_q5_1(const uint8_t *const src[8], uint8_t *dst) { pack_q5(ENC_Q5_1, src, dst); }
static void pk_q4_0(const uint8_t *const src[8], uint8_t *dst) { pack_q4(ENC_Q4_0, src, dst); }
static void pk_q4_1(const uint8_t *const src[8], uint8_t *dst) { pack_q4(ENC_Q4_1, src, dst); }

#pragma clang attribute pop

enc_q16_pack_block_fn enc_q16_avx2_packer_for(int type) {
    switch (type) {
    case ENC_Q8_0: return pk_q8_0;
    case ENC_Q5_0: return pk_q5_0;
    case ENC_Q5_1: return pk_q5_1;
    case ENC_Q4_0: return pk_q4_0;
    case ENC_Q4_1: return pk_q4_1;
    case ENC_Q4_K: return pack_q4_K;
    case ENC_Q6_K: return pack_q6_K;
    default: return NULL;  // Q5_K: the portable packer
    }
}

#else

enc_q16_pack_block_fn enc_q16_avx2_packer_for(int type) {
    (void)type;
    return NULL;
}

#endif
