// Enclave: the interleaved ("repacked") weight layout for 32-element block types, and its portable product.
//
// Rows are taken in groups of 8. For block b of a group the 8 rows' fields are stored together:
//   Q4_0: d[8] (f16) | qs[128]                      144 bytes = 8 x 18
//   Q4_1: d[8] | m[8] (f16) | qs[128]               160 bytes = 8 x 20
//   Q5_0: d[8] | qh[8] (u32) | qs[128]              176 bytes = 8 x 22
//   Q8_0: d[8] | qs[256]                            272 bytes = 8 x 34
// Nibble types: qs holds 4 chunks j = 0..3 of 32 bytes; byte 4r + i of chunk j is byte 4j + i of row r's qs, so
// its low nibbles are elements 4j..4j+3 of the 8 rows and its high nibbles elements 16+4j..16+4j+3.
// Q5_0: qh is a 32-byte bit plane: byte 4r + i holds in bit 2j the 5th bit of element 4j + i of row r and in bit
// 2j + 1 that of element 16 + 4j + i, so one shift and one mask give the 0x10 bits of a whole 32-byte chunk.
// Q8_0: qs holds 8 chunks g of 32 bytes; byte 4r + i of chunk g is element 4g + i of row r.
// A group's blocks are consecutive; groups follow each other; a last partial group is padded with zero rows.
// With 8 rows in the lanes of one vector, the AVX2 kernel needs one scale conversion, one FMA and one min-term
// FMA per block for all 8 rows (kernels_avx2_repack.c).
#include "kernels_internal.h"
#include <stdlib.h>

int64_t enc_repack_group_block_bytes(int type) {
    switch (type) {
    case ENC_Q4_0: return 144;
    case ENC_Q4_1: return 160;
    case ENC_Q5_0: return 176;
    case ENC_Q8_0: return 272;
    default: return 0;
    }
}

int enc_repack_supported(int type) { return enc_repack_group_block_bytes(type) > 0; }

int64_t enc_repack_bytes(int type, int64_t rows, int64_t k) {
    const int64_t gbb = enc_repack_group_block_bytes(type);
    if (gbb == 0 || k <= 0 || k % 32 != 0 || rows < 0) return 0;
    return (rows + 7) / 8 * (k / 32) * gbb;
}

static int block_bytes(int type) {
    switch (type) {
    case ENC_Q4_0: return 18;
    case ENC_Q4_1: return 20;
    case ENC_Q5_0: return 22;
    default: return 34;
    }
}

/// Moves one block between the plain layout (`plain`) and row `r` of a group block (`packed`).
static void move_block(int type, uint8_t *packed, int r, uint8_t *plain, int to_packed) {
#define MOVE(dst_packed, src_plain, n) \
    do { if (to_packed) memcpy(dst_packed, src_plain, n); else memcpy(src_plain, dst_packed, n); } while (0)
    switch (type) {
    case ENC_Q4_0:
        MOVE(packed + 2 * r, plain, 2);
        for (int j = 0; j < 4; j++) MOVE(packed + 16 + 32 * j + 4 * r, plain + 2 + 4 * j, 4);
        break;
    case ENC_Q4_1:
        MOVE(packed + 2 * r, plain, 2);
        MOVE(packed + 16 + 2 * r, plain + 2, 2);
        for (int j = 0; j < 4; j++) MOVE(packed + 32 + 32 * j + 4 * r, plain + 4 + 4 * j, 4);
        break;
    case ENC_Q5_0: {
        MOVE(packed + 2 * r, plain, 2);
        for (int j = 0; j < 4; j++) MOVE(packed + 48 + 32 * j + 4 * r, plain + 6 + 4 * j, 4);
        // qh as a 32-byte bit plane: byte 4r + i, bit 2j = 5th bit of element 4j + i, bit 2j + 1 = of 16 + 4j + i.
        uint8_t *plane = packed + 16 + 4 * r;
        if (to_packed) {
            const uint32_t h = enc_load_u32(plain + 2);
            for (int i = 0; i < 4; i++) {
                uint8_t byte = 0;
                for (int j = 0; j < 4; j++) {
                    byte |= (uint8_t)(((h >> (4 * j + i)) & 1u) << (2 * j));
                    byte |= (uint8_t)(((h >> (16 + 4 * j + i)) & 1u) << (2 * j + 1));
                }
                plane[i] = byte;
            }
        } else {
            uint32_t h = 0;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    h |= (uint32_t)((plane[i] >> (2 * j)) & 1u) << (4 * j + i);
                    h |= (uint32_t)((plane[i] >> (2 * j + 1)) & 1u) << (16 + 4 * j + i);
                }
            }
            memcpy(plain + 2, &h, 4);
        }
        break;
    }
    default:  // ENC_Q8_0
        MOVE(packed + 2 * r, plain, 2);
        for (int g = 0; g < 8; g++) MOVE(packed + 16 + 32 * g + 4 * r, plain + 2 + 4 * g, 4);
        break;
    }
#undef MOVE
}

int enc_repack(int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, void *out) {
    const int64_t gbb = enc_repack_group_block_bytes(type);
    if (gbb == 0 || k <= 0 || k % 32 != 0 || rows < 0) return 0;
    const int64_t nb = k / 32;
    const int bs = block_bytes(type);
    uint8_t *o = (uint8_t *)out;
    memset(o, 0, (size_t)enc_repack_bytes(type, rows, k));
    for (int64_t row = 0; row < rows; row++) {
        const uint8_t *src = (const uint8_t *)w + row * row_bytes;
        uint8_t *group = o + row / 8 * nb * gbb;
        for (int64_t b = 0; b < nb; b++) move_block(type, group + b * gbb, (int)(row % 8), (uint8_t *)(src + b * bs), 1);
    }
    return 1;
}

int enc_unpack_row(int type, const void *packed, int64_t k, int64_t row, void *out) {
    const int64_t gbb = enc_repack_group_block_bytes(type);
    if (gbb == 0 || k <= 0 || k % 32 != 0 || row < 0) return 0;
    const int64_t nb = k / 32;
    const uint8_t *group = (const uint8_t *)packed + row / 8 * nb * gbb;
    for (int64_t b = 0; b < nb; b++) {
        move_block(type, (uint8_t *)(group + b * gbb), (int)(row % 8), (uint8_t *)out + b * block_bytes(type), 0);
    }
    return 1;
}

void enc_scalar_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                                int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    const enc_matmul_fn fn = enc_scalar_matmul_for(type);
    const int64_t row_bytes = k / 32 * block_bytes(type);
    uint8_t stack_row[4096];
    uint8_t *row = row_bytes <= (int64_t)sizeof(stack_row) ? stack_row : (uint8_t *)malloc((size_t)row_bytes);
    if (!row) return;
    for (int64_t r = r0; r < r1; r++) {
        enc_unpack_row(type, packed, k, r, row);
        fn(row, row_bytes, k, 0, 1, x, x_stride, n, y + r, ldy);
    }
    if (row != stack_row) free(row);
}
