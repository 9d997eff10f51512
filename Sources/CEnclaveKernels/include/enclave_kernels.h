// Enclave: CPU kernels for quantised matrix products (C, AVX2 with a portable fallback).
//
// Weights stay in their ggml block encoding (see engine-facts.md §2). Inputs ("activations")
// are first converted once per matrix product to the format the weight type pairs with:
//   F32 / F16 / BF16 weights            -> plain float rows          (ENC_ACT_F32)
//   Q4_0 / Q4_1 / Q5_0 / Q5_1 / Q8_0    -> enc_q8_32 blocks          (ENC_ACT_Q8_32)
//   Q4_K / Q5_K / Q6_K                  -> enc_q8_256 blocks         (ENC_ACT_Q8_256)
// and every kernel then computes integer dot products block by block, as llama.cpp does.
#ifndef ENCLAVE_KERNELS_H
#define ENCLAVE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml type ids (same numbers as in GGUF files).
enum {
    ENC_F32 = 0, ENC_F16 = 1, ENC_Q4_0 = 2, ENC_Q4_1 = 3, ENC_Q5_0 = 6, ENC_Q5_1 = 7, ENC_Q8_0 = 8,
    ENC_Q4_K = 12, ENC_Q5_K = 13, ENC_Q6_K = 14, ENC_BF16 = 30,
};

/// Byte offset of the f16 super-block scale d in a Q6_K block (after ql[128], qh[64] and scales[16]; the
/// block is 210 bytes). `GGMLType.q6_KScaleOffset` in Swift.
#define ENC_Q6_K_D_OFFSET 208

/// Activation formats.
enum { ENC_ACT_F32 = 0, ENC_ACT_Q8_32 = 1, ENC_ACT_Q8_256 = 2 };

/// 32 activations quantised to int8: value_i = d * qs[i]; s = d * sum(qs). 40 bytes.
typedef struct {
    float d;
    float s;
    int8_t qs[32];
} enc_q8_32;

/// 256 activations quantised to int8: value_i = d * qs[i]; bsums[j] = sum(qs[16j .. 16j+15]). 292 bytes.
typedef struct {
    float d;
    int16_t bsums[16];
    int8_t qs[256];
} enc_q8_256;

/// Instruction-set levels the kernels can use.
enum { ENC_ISA_SCALAR = 0, ENC_ISA_AVX2 = 1 };

/// The best level this CPU supports (AVX2 needs AVX2, FMA and F16C).
int enc_isa_detected(void);
/// The level in use on the calling thread (detected at first use; may be lowered with enc_isa_set).
int enc_isa_active(void);
/// Use `level` on the calling thread only (tests, benchmarks) if the CPU supports it; returns the level now active.
int enc_isa_set(int level);

/// The activation format a weight type pairs with, or -1 if the type is not supported.
int enc_activation_format(int type);
/// Bytes of one activation row of `k` elements in `format`.
int64_t enc_activation_row_bytes(int format, int64_t k);

/// Quantise one row of `k` floats (k a multiple of 32) into k/32 enc_q8_32 blocks.
void enc_quantize_q8_32(const float *x, int64_t k, enc_q8_32 *out);
/// Quantise one row of `k` floats (k a multiple of 256) into k/256 enc_q8_256 blocks.
void enc_quantize_q8_256(const float *x, int64_t k, enc_q8_256 *out);
/// Convert one row of `k` floats into `format` (ENC_ACT_F32 copies).
void enc_quantize_row(int format, const float *x, int64_t k, void *out);

/// Matrix product on a range of weight rows:
///   y[c * ldy + r] = dot(weight row r, activation row c)   for r in [r0, r1), c in [0, n)
/// `w` points at row 0; rows are `row_bytes` apart and hold `k` elements of `type`.
/// `x` points at activation row 0 (already in enc_activation_format(type)), rows `x_stride` bytes apart.
/// Single-threaded over [r0, r1): callers split row ranges across threads. For n > 1 the AVX2 path reads and
/// unpacks each weight block once per tile of activation columns (see enc_matmul_default_tile).
void enc_matmul(int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// enc_matmul with an explicit register tile of `tile_rows` weight rows (1, 2 or 4) x `tile_cols` activation
/// columns (1...4), for benchmarks and tests. 0 or less picks the default. The tile changes only the summation
/// order. The scalar path ignores the tile. Returns 1, or 0 (and writes nothing) if the type or tile is unsupported.
int enc_matmul_tiled(int type, int tile_rows, int tile_cols, const void *w, int64_t row_bytes, int64_t k,
                     int64_t r0, int64_t r1, const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// The register tile enc_matmul uses for `type` and `n` activation columns on the active instruction set
/// (1 x 1 on the scalar path).
void enc_matmul_default_tile(int type, int64_t n, int *tile_rows, int *tile_cols);

/// Interleaved ("repacked") weights for Q4_0, Q4_1, Q5_0 and Q8_0: rows in groups of 8 with each block's fields
/// of the 8 rows stored together (same size as the plain layout, the last group padded with zero rows), so the
/// AVX2 kernel advances 8 rows per instruction. A repacked copy replaces the plain rows for products; the values
/// and results are the same as with enc_matmul on the plain rows (up to float summation order).
/// Whether `type` has a repacked layout.
int enc_repack_supported(int type);
/// Bytes of a repacked matrix of `rows` rows of `k` elements (k a multiple of 32), or 0 if unsupported.
int64_t enc_repack_bytes(int type, int64_t rows, int64_t k);
/// Repacks `rows` plain rows (`row_bytes` apart) into `out` (enc_repack_bytes bytes). Returns 1, or 0 if unsupported.
int enc_repack(int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, void *out);
/// Writes plain row `row` of a repacked matrix to `out` (k / 32 blocks). Returns 1, or 0 if unsupported.
int enc_unpack_row(int type, const void *packed, int64_t k, int64_t row, void *out);
/// enc_matmul on a repacked matrix: y[c * ldy + r] for r in [r0, r1), c in [0, n). `r0` must be a multiple of 8
/// (split row ranges between threads at multiples of 8). Returns 1, or 0 (and writes nothing) if unsupported.
int enc_matmul_repacked(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                        int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// IEEE half <-> float conversion of `n` values (round to nearest even; NaNs stay NaN with their payload
/// truncated and made quiet, as F16C does).
void enc_f16_to_f32(const uint16_t *src, float *dst, int64_t n);
void enc_f32_to_f16(const float *src, uint16_t *dst, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
