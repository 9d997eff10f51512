// Enclave: the packed weight layout of the 16-bit-activation kernels, and its portable product.
//
// Rows are taken in groups of 8 and each block's fields of the 8 rows are stored together, so that
// after widening to int16 one 256-bit vector holds 2 adjacent elements (a "pair") of all 8 rows:
// lane 2r + t = element 2p + t of row r. vpmaddwd against the activation pair (x[2p], x[2p+1])
// broadcast to every 32-bit lane leaves 8 int32 lanes = the 8 rows' products, so the kernel needs no
// horizontal reductions, and each block is unpacked once per tile of activation columns
// (kernels_q16_packed_avx2.c). The products are the exact integers of the plain-layout kernels,
// followed by the same float chain, so results are bit-identical to enc_q16_matmul.
//
// A "chunk" is 16 bytes widened to 16 int16 lanes, lane l = 2r + t (row r, element t of a pair).
// Per group of 8 rows and per block (groups follow each other, a group's blocks are consecutive; a
// last partial group is padded with zero rows):
//   Q8_0  d[8] f16 | 16 chunks of int8: chunk p = pair p (elements 2p, 2p + 1)               272 B
//   Q4_0  d[8] | 8 chunks of nibble pairs                                                      144 B
//   Q4_1  d[8] | m[8] f16 | 8 chunks of nibble pairs                                          160 B
//   Q5_0  d[8] | 16 chunks of int8 (code - 16)                                                272 B
//   Q5_1  d[8] | m[8] | 16 chunks of int8 (code)                                              288 B
// Nibble chunk c: byte l = byte 2c + t of row r's qs, so its low nibble is element 2c + t (pair c,
// "A") and its high nibble element 16 + 2c + t (pair c + 8, "B"). Q5_x codes are stored as bytes
// (55% larger than 5 bits): unpacking 5-bit codes costs 8 more instructions per chunk, which made
// the batched product 30% slower (86 against 125 GF/s), while decoding from memory is as fast as
// with the plain rows. Q5_0 stores code - 16, so S_b = sum (q - 16) x exactly, with no correction.
//
// K-quants, per group and super-block of 256 elements. "Lane j" is a pair index modulo 8: the
// plain-layout kernels sum the pairs P = j (mod 8) of a super-block (Q6_K: of a half) in int32
// lane j and add the 8 lanes as floats, so the packed kernels keep one pair class j at a time:
//   Q4_K  d[8] | dmin[8] f16 | sc[8 sub][8 rows] u8 | m[8 sub][8 rows] u8 | qs                1184 B
//   Q5_K  d[8] | dmin[8] | sc | m | qh: 64 x u32 | qs                                        1440 B
//   Q6_K  d[8] | sc[16 sub][8 rows] i8 | q: 128 chunks of int8 (code - 32)                  2192 B
// Q4_K/Q5_K qs: 64 chunks, chunk 8j + s (j = 0..7, sub-block s = 0..7): low nibble of lane (r, t) =
// element 32s + 2j + t of row r (pair 16s + j), high nibble = element 32s + 16 + 2j + t (pair
// 16s + 8 + j); both pairs are in sub-block s and in class j. Q5_K adds the u32 of chunk 8j + s with
// the 5th bits: bit 16t + r for lane (r, t) of A, bit 16t + 8 + r for B (so the 16-bit word t seen by
// lane 2r + t holds row r's bits at r and 8 + r). Q6_K: chunk 64h + 8j + s = elements
// 128h + 16s + 2j + t (pair 8s + j of half h, sub-block 8h + s), as int8 (code - 32): 30% larger
// than the 6-bit codes, but unpacked by one widening load.
#include "kernels_q16_packed_internal.h"
#include <stdlib.h>

int64_t enc_q16_packed_group_block_bytes(int type) {
    switch (type) {
    case ENC_Q8_0: return 272;
    case ENC_Q4_0: return 144;
    case ENC_Q4_1: return 160;
    case ENC_Q5_0: return 272;
    case ENC_Q5_1: return 288;
    case ENC_Q4_K: return 1184;
    case ENC_Q5_K: return 1440;
    case ENC_Q6_K: return 2192;
    default: return 0;
    }
}

int64_t enc_q16_packed_block_elements(int type) {
    return type == ENC_Q4_K || type == ENC_Q5_K || type == ENC_Q6_K ? 256 : 32;
}

/// Bytes of one block of one row in the plain ggml layout.
static int64_t plain_block_bytes(int type) {
    switch (type) {
    case ENC_Q8_0: return 34;
    case ENC_Q4_0: return 18;
    case ENC_Q4_1: return 20;
    case ENC_Q5_0: return 22;
    case ENC_Q5_1: return 24;
    case ENC_Q4_K: return 144;
    case ENC_Q5_K: return 176;
    case ENC_Q6_K: return 210;
    default: return 0;
    }
}

int enc_q16_packed_supported(int type) { return enc_q16_packed_group_block_bytes(type) > 0; }

int64_t enc_q16_packed_bytes(int type, int64_t rows, int64_t k) {
    const int64_t gbb = enc_q16_packed_group_block_bytes(type), qk = enc_q16_packed_block_elements(type);
    if (gbb == 0 || k <= 0 || k % qk != 0 || rows <= 0) return 0;
    return (rows + 7) / 8 * (k / qk) * gbb;
}

// ---- bit planes ---------------------------------------------------------------------------------

/// Transposes an 8 x 8 bit matrix: bit c of byte r moves to bit r of byte c.
static uint64_t transpose8x8(uint64_t x) {
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
    x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
    x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
    x ^= t ^ (t << 28);
    return x;
}

/// The u32 of a chunk from the row bytes of its 4 lanes classes: A (t = 0), B (t = 0), A (t = 1), B (t = 1).
static void put_chunk_bits(uint8_t *dst, uint8_t a0, uint8_t b0, uint8_t a1, uint8_t b1) {
    dst[0] = a0, dst[1] = b0, dst[2] = a1, dst[3] = b1;
}

// ---- 32-element blocks --------------------------------------------------------------------------

/// Field offsets inside a group block of a 32-element type.
static int has_min(int type) { return type == ENC_Q4_1 || type == ENC_Q5_1; }
/// Whether the packed codes are whole bytes (16 chunks of int8) rather than nibbles (8 chunks).
static int byte_codes(int type) { return type == ENC_Q8_0 || type == ENC_Q5_0 || type == ENC_Q5_1; }
static int64_t qs_offset(int type) { return has_min(type) ? 32 : 16; }

/// Offset of qs (and qh for Q5_x) inside a plain block.
static int64_t plain_qs(int type) {
    switch (type) {
    case ENC_Q8_0: case ENC_Q4_0: return 2;
    case ENC_Q4_1: return 4;
    case ENC_Q5_0: return 6;
    default: return 8;  // Q5_1
    }
}

/// The 32 codes of a plain Q5_x block as packed bytes: Q5_0 code - 16, Q5_1 code.
static void q5_codes(int type, const uint8_t *b, int8_t q[32]) {
    const int64_t pq = plain_qs(type);
    const uint32_t h = enc_load_u32(b + pq - 4);
    const int off = type == ENC_Q5_0 ? 16 : 0;
    for (int j = 0; j < 16; j++) {
        q[j] = (int8_t)(((b[pq + j] & 15) | (int)((h >> j) & 1) << 4) - off);
        q[j + 16] = (int8_t)(((b[pq + j] >> 4) | (int)((h >> (j + 16)) & 1) << 4) - off);
    }
}

static void pack_block32(int type, const uint8_t *const src[8], uint8_t *dst) {
    for (int r = 0; r < 8; r++) {
        memcpy(dst + 2 * r, src[r], 2);
        if (has_min(type)) memcpy(dst + 16 + 2 * r, src[r] + 2, 2);
    }
    uint8_t *qs = dst + qs_offset(type);
    if (type == ENC_Q5_0 || type == ENC_Q5_1) {
        for (int r = 0; r < 8; r++) {
            int8_t q[32];
            q5_codes(type, src[r], q);
            for (int c = 0; c < 16; c++) memcpy(qs + 16 * c + 2 * r, q + 2 * c, 2);
        }
        return;
    }
    const int64_t pq = plain_qs(type);
    const int chunks = byte_codes(type) ? 16 : 8;
    for (int c = 0; c < chunks; c++)
        for (int r = 0; r < 8; r++) memcpy(qs + 16 * c + 2 * r, src[r] + pq + 2 * c, 2);
}

static void unpack_block32(int type, const uint8_t *src, int r, uint8_t *dst) {
    memcpy(dst, src + 2 * r, 2);
    if (has_min(type)) memcpy(dst + 2, src + 16 + 2 * r, 2);
    const uint8_t *qs = src + qs_offset(type);
    const int64_t pq = plain_qs(type);
    if (type == ENC_Q5_0 || type == ENC_Q5_1) {
        const int off = type == ENC_Q5_0 ? 16 : 0;
        uint32_t h = 0;
        for (int e = 0; e < 32; e++) {
            const int code = (int8_t)qs[16 * (e / 2) + 2 * r + e % 2] + off;
            h |= (uint32_t)(code >> 4) << e;
            const int j = e % 16;
            dst[pq + j] = (uint8_t)(e < 16 ? (code & 15) : (dst[pq + j] & 15) | (code & 15) << 4);
        }
        memcpy(dst + pq - 4, &h, 4);
        return;
    }
    const int chunks = byte_codes(type) ? 16 : 8;
    for (int c = 0; c < chunks; c++) memcpy(dst + pq + 2 * c, qs + 16 * c + 2 * r, 2);
}

// ---- K-quants -----------------------------------------------------------------------------------

/// The 12-byte ggml encoding of 8 six-bit scales and mins (inverse of enc_scale_min_k4).
static void encode_scales_k4(const uint8_t sc[8], const uint8_t m[8], uint8_t *s) {
    for (int j = 0; j < 4; j++) {
        s[j] = (uint8_t)((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        s[j + 4] = (uint8_t)((m[j] & 63) | ((m[j + 4] >> 4) << 6));
        s[j + 8] = (uint8_t)((sc[j + 4] & 15) | ((m[j + 4] & 15) << 4));
    }
}

enum { K_SC = 32, K_MN = 96, K_QH = 160, Q4K_QS = 160, Q5K_QS = 416, Q6K_SC = 16, Q6K_Q = 144 };

static void pack_blockK(int type, const uint8_t *const src[8], uint8_t *dst) {
    if (type == ENC_Q6_K) {
        for (int r = 0; r < 8; r++) {
            const uint8_t *b = src[r];
            memcpy(dst + 2 * r, b + ENC_Q6_K_D_OFFSET, 2);
            for (int s = 0; s < 16; s++) dst[Q6K_SC + 8 * s + r] = b[192 + s];
            int8_t q[256];
            for (int h = 0; h < 2; h++) {
                const uint8_t *ql = b + 64 * h, *qh = b + 128 + 32 * h;
                for (int l = 0; l < 32; l++) {
                    q[128 * h + l] = (int8_t)(((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32);
                    q[128 * h + 32 + l] = (int8_t)(((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32);
                    q[128 * h + 64 + l] = (int8_t)(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                    q[128 * h + 96 + l] = (int8_t)(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
                }
            }
            for (int h = 0; h < 2; h++)
                for (int j = 0; j < 8; j++)
                    for (int s = 0; s < 8; s++) memcpy(dst + Q6K_Q + 16 * (64 * h + 8 * j + s) + 2 * r, q + 128 * h + 16 * s + 2 * j, 2);
        }
        return;
    }
    const int q5 = type == ENC_Q5_K;
    const int64_t qs_off = q5 ? Q5K_QS : Q4K_QS, src_qs = q5 ? 48 : 16;
    for (int r = 0; r < 8; r++) {
        const uint8_t *b = src[r];
        memcpy(dst + 2 * r, b, 2);
        memcpy(dst + 16 + 2 * r, b + 2, 2);
        for (int s = 0; s < 8; s++) enc_scale_min_k4(s, b + 4, dst + K_SC + 8 * s + r, dst + K_MN + 8 * s + r);
        const uint8_t *qs = b + src_qs;
        for (int s = 0; s < 8; s++) {
            const uint8_t *q = qs + 32 * (s >> 1);
            const int shift = 4 * (s & 1);
            for (int j = 0; j < 8; j++) {
                uint8_t *o = dst + qs_off + 16 * (8 * j + s) + 2 * r;
                for (int t = 0; t < 2; t++) {
                    o[t] = (uint8_t)(((q[2 * j + t] >> shift) & 15) | (((q[16 + 2 * j + t] >> shift) & 15) << 4));
                }
            }
        }
    }
    if (q5) {
        // Bit s of qh[o] is the 5th bit of element 32s + o; col[o][s] = its 8 rows as one byte.
        uint8_t col[32][8];
        for (int o = 0; o < 32; o++) {
            uint64_t x = 0;
            for (int r = 0; r < 8; r++) x |= (uint64_t)src[r][16 + o] << (8 * r);
            x = transpose8x8(x);
            for (int s = 0; s < 8; s++) col[o][s] = (uint8_t)(x >> (8 * s));
        }
        for (int j = 0; j < 8; j++)
            for (int s = 0; s < 8; s++)
                put_chunk_bits(dst + K_QH + 4 * (8 * j + s), col[2 * j][s], col[16 + 2 * j][s], col[2 * j + 1][s], col[17 + 2 * j][s]);
    }
}

static void unpack_blockK(int type, const uint8_t *src, int r, uint8_t *dst) {
    if (type == ENC_Q6_K) {
        memcpy(dst + ENC_Q6_K_D_OFFSET, src + 2 * r, 2);
        for (int s = 0; s < 16; s++) dst[192 + s] = src[Q6K_SC + 8 * s + r];
        uint8_t q[256];
        for (int h = 0; h < 2; h++)
            for (int j = 0; j < 8; j++)
                for (int s = 0; s < 8; s++)
                    for (int t = 0; t < 2; t++)
                        q[128 * h + 16 * s + 2 * j + t] = (uint8_t)((int8_t)src[Q6K_Q + 16 * (64 * h + 8 * j + s) + 2 * r + t] + 32);
        for (int h = 0; h < 2; h++) {
            uint8_t *ql = dst + 64 * h, *qh = dst + 128 + 32 * h;
            const uint8_t *v = q + 128 * h;
            for (int l = 0; l < 32; l++) {
                ql[l] = (uint8_t)((v[l] & 15) | ((v[64 + l] & 15) << 4));
                ql[l + 32] = (uint8_t)((v[32 + l] & 15) | ((v[96 + l] & 15) << 4));
                qh[l] = (uint8_t)((v[l] >> 4) | ((v[32 + l] >> 4) << 2) | ((v[64 + l] >> 4) << 4) | ((v[96 + l] >> 4) << 6));
            }
        }
        return;
    }
    const int q5 = type == ENC_Q5_K;
    const int64_t qs_off = q5 ? Q5K_QS : Q4K_QS, dst_qs = q5 ? 48 : 16;
    memcpy(dst, src + 2 * r, 2);
    memcpy(dst + 2, src + 16 + 2 * r, 2);
    uint8_t sc[8], m[8];
    for (int s = 0; s < 8; s++) sc[s] = src[K_SC + 8 * s + r], m[s] = src[K_MN + 8 * s + r];
    encode_scales_k4(sc, m, dst + 4);
    uint8_t *qs = dst + dst_qs;
    memset(qs, 0, 128);
    for (int s = 0; s < 8; s++) {
        uint8_t *q = qs + 32 * (s >> 1);
        const int shift = 4 * (s & 1);
        for (int j = 0; j < 8; j++) {
            const uint8_t *o = src + qs_off + 16 * (8 * j + s) + 2 * r;
            for (int t = 0; t < 2; t++) {
                q[2 * j + t] |= (uint8_t)((o[t] & 15) << shift);
                q[16 + 2 * j + t] |= (uint8_t)((o[t] >> 4) << shift);
            }
        }
    }
    if (q5) {
        uint8_t *qh = dst + 16;
        memset(qh, 0, 32);
        for (int j = 0; j < 8; j++) {
            for (int s = 0; s < 8; s++) {
                const uint8_t *c = src + K_QH + 4 * (8 * j + s);
                qh[2 * j] |= (uint8_t)(((c[0] >> r) & 1) << s);
                qh[16 + 2 * j] |= (uint8_t)(((c[1] >> r) & 1) << s);
                qh[2 * j + 1] |= (uint8_t)(((c[2] >> r) & 1) << s);
                qh[17 + 2 * j] |= (uint8_t)(((c[3] >> r) & 1) << s);
            }
        }
    }
}

// ---- public entry points ------------------------------------------------------------------------

static void portable_pack_block(int type, const uint8_t *const src[8], uint8_t *dst) {
    if (enc_q16_packed_block_elements(type) == 32) {
        pack_block32(type, src, dst);
    } else {
        pack_blockK(type, src, dst);
    }
}

int enc_q16_pack_isa(int isa, int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, int64_t r0, int64_t r1,
                     void *out) {
    const int64_t gbb = enc_q16_packed_group_block_bytes(type), qk = enc_q16_packed_block_elements(type);
    if (gbb == 0 || k <= 0 || k % qk != 0 || rows <= 0 || r0 < 0 || r0 % 8 != 0 || r1 < r0 || r1 > rows) return 0;
    if (row_bytes < k / qk * plain_block_bytes(type)) return 0;
    const int detected = enc_isa_detected();
    const enc_q16_pack_block_fn fast = (isa > detected ? detected : isa) >= ENC_ISA_AVX2 ? enc_q16_avx2_packer_for(type) : NULL;
    const int64_t nb = k / qk, bb = plain_block_bytes(type);
    static const uint8_t zero[256];  // a zero block (padding rows): scale 0 and codes 0
    for (int64_t g = r0 / 8; g < (r1 + 7) / 8; g++) {
        const uint8_t *rowp[8];
        for (int r = 0; r < 8; r++) {
            const int64_t row = 8 * g + r;
            rowp[r] = row < rows ? (const uint8_t *)w + row * row_bytes : NULL;
        }
        uint8_t *dst = (uint8_t *)out + g * nb * gbb;
        for (int64_t b = 0; b < nb; b++) {
            const uint8_t *src[8];
            for (int r = 0; r < 8; r++) src[r] = rowp[r] ? rowp[r] + b * bb : zero;
            if (fast) {
                fast(src, dst + b * gbb);
            } else {
                portable_pack_block(type, src, dst + b * gbb);
            }
        }
    }
    return 1;
}

int enc_q16_pack(int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, int64_t r0, int64_t r1, void *out) {
    return enc_q16_pack_isa(enc_isa_active(), type, w, row_bytes, rows, k, r0, r1, out);
}

int enc_q16_packed_unpack_row(int type, const void *packed, int64_t k, int64_t row, void *out) {
    const int64_t gbb = enc_q16_packed_group_block_bytes(type), qk = enc_q16_packed_block_elements(type);
    if (gbb == 0 || k <= 0 || k % qk != 0 || row < 0) return 0;
    const int64_t nb = k / qk, bb = plain_block_bytes(type);
    const uint8_t *group = (const uint8_t *)packed + row / 8 * nb * gbb;
    for (int64_t b = 0; b < nb; b++) {
        if (qk == 32) {
            unpack_block32(type, group + b * gbb, (int)(row % 8), (uint8_t *)out + b * bb);
        } else {
            unpack_blockK(type, group + b * gbb, (int)(row % 8), (uint8_t *)out + b * bb);
        }
    }
    return 1;
}

/// Portable product: unpacks each row and multiplies it with the portable plain-layout kernel.
static void scalar_matmul_packed(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                                 int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const enc_matmul_fn fn = enc_q16_scalar_matmul_for(type);
    const int64_t row_bytes = k / enc_q16_packed_block_elements(type) * plain_block_bytes(type);
    uint8_t stack_row[4096];
    uint8_t *row = row_bytes <= (int64_t)sizeof(stack_row) ? stack_row : (uint8_t *)malloc((size_t)row_bytes);
    if (!row) return;
    for (int64_t r = r0; r < r1; r++) {
        enc_q16_packed_unpack_row(type, packed, k, r, row);
        fn(row, row_bytes, k, 0, 1, x, x_stride, n, y + r, ldy);
    }
    if (row != stack_row) free(row);
}

int enc_q16_matmul_packed_isa(int isa, int type, const void *packed, int64_t k, int64_t r0, int64_t r1,
                              const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const int64_t qk = enc_q16_packed_block_elements(type);
    if (!enc_q16_packed_supported(type) || k <= 0 || k % qk != 0 || r0 < 0 || r0 % 8 != 0 || r1 < r0) return 0;
    if (n <= 0 || r1 == r0) return 1;
    const int detected = enc_isa_detected();
    if ((isa > detected ? detected : isa) >= ENC_ISA_AVX2 && enc_q16_packed_avx2_matmul(type, packed, k, r0, r1, x, x_stride, n, y, ldy)) {
        return 1;
    }
    scalar_matmul_packed(type, packed, k, r0, r1, x, x_stride, n, y, ldy);
    return 1;
}

int enc_q16_matmul_packed(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                          int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    return enc_q16_matmul_packed_isa(enc_isa_active(), type, packed, k, r0, r1, x, x_stride, n, y, ldy);
}
