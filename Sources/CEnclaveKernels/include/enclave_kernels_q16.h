// Enclave: quantised matrix products with 16-bit integer activations.
//
// The int8 activations of llama.cpp (enclave_kernels.h) cost accuracy: on SmolLM2-135M they move
// the top logits of a chat prompt by up to 1.0 and change its greedy answer. Quantising each block
// of 32 activations to int16 instead keeps integer dot products (vpmaddwd on AVX2) and brings the
// logits within ~0.01 of a float64 reference. These kernels are the engine's default.
//   F32 / F16 / BF16 weights            -> plain float rows      (ENC_ACT_F32)
//   Q4_0 / Q4_1 / Q5_0 / Q5_1 / Q8_0    -> enc_q16_32 blocks     (ENC_ACT_Q16_32)
//   Q4_K / Q5_K / Q6_K                  -> enc_q16_256 blocks    (ENC_ACT_Q16_256)
#ifndef ENCLAVE_KERNELS_Q16_H
#define ENCLAVE_KERNELS_Q16_H

#include <stdint.h>
#include "enclave_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ENC_ACT_Q16_32 = 3, ENC_ACT_Q16_256 = 4 };

/// 32 activations quantised to int16: value_i = d * qs[i]; s = d * sum(qs). 72 bytes.
typedef struct {
    float d;
    float s;
    int16_t qs[32];
} enc_q16_32;

/// 256 activations quantised to int16: value_i = d * qs[i]; bsums[j] = sum(qs[16j .. 16j+15]). 580 bytes.
typedef struct {
    float d;
    int32_t bsums[16];
    int16_t qs[256];
} enc_q16_256;

/// The 16-bit activation format a weight type pairs with, or -1 if unsupported.
int enc_q16_activation_format(int type);
/// Bytes of one activation row of `k` elements in `format` (any ENC_ACT_* format).
int64_t enc_q16_activation_row_bytes(int format, int64_t k);
/// Converts one row of `k` floats into any ENC_ACT_* `format` (int8 formats included).
void enc_q16_quantize_row(int format, const float *x, int64_t k, void *out);

/// Like enc_matmul, with activations in enc_q16_activation_format(type):
///   y[c * ldy + r] = dot(weight row r, activation row c)   for r in [r0, r1), c in [0, n)
/// Uses the instruction set of enc_isa_active(). With AVX2, the value of y[c * ldy + r] depends only on
/// weight row r and activation row c: it is bit-identical whatever n, r0, r1 and the other rows are, so a
/// sequence's output does not depend on what it is batched with.
void enc_q16_matmul(int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                    const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// enc_q16_matmul with an explicit instruction-set level (ENC_ISA_*), lowered to what the CPU supports,
/// without changing the process-wide level: for tests and benchmarks that compare implementations.
void enc_q16_matmul_isa(int isa, int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                        const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);
/// enc_q16_quantize_row with an explicit instruction-set level (see enc_q16_matmul_isa).
void enc_q16_quantize_row_isa(int isa, int format, const float *x, int64_t k, void *out);

/// Packed weights for the 16-bit-activation kernels (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K): rows in
/// groups of 8 with each block's fields of the 8 rows stored together, so that one int16 vector holds 2
/// adjacent elements of 8 rows and the AVX2 kernel needs no horizontal reductions (layout in
/// kernels_q16_packed.c). Same size as the plain rows, except Q4_K/Q5_K (+2-3%: scales stored as bytes) and
/// Q6_K (+30%: codes stored as bytes); a last partial group is padded with zero rows. Products on a packed
/// copy are bit-identical to enc_q16_matmul on the plain rows (with AVX2).
/// Whether `type` has a packed layout.
int enc_q16_packed_supported(int type);
/// Bytes of a packed matrix of `rows` rows of `k` elements, or 0 if unsupported (or k is not a whole number
/// of blocks, or rows <= 0).
int64_t enc_q16_packed_bytes(int type, int64_t rows, int64_t k);
/// Packs rows [r0, r1) of a `rows`-row plain matrix (`row_bytes` apart) into `out`, which holds the whole packed
/// matrix (enc_q16_packed_bytes bytes). `r0` must be a multiple of 8; the group holding row r1 - 1 is written
/// whole (rows past `rows` as zero padding), so disjoint ranges split at multiples of 8 may be packed in
/// parallel. Returns 1, or 0 if the type or arguments are not supported.
int enc_q16_pack(int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, int64_t r0, int64_t r1,
                 void *out);
/// enc_q16_pack with an explicit instruction-set level (see enc_q16_matmul_isa); every level writes the same bytes.
int enc_q16_pack_isa(int isa, int type, const void *w, int64_t row_bytes, int64_t rows, int64_t k, int64_t r0,
                     int64_t r1, void *out);
/// Writes plain (ggml) row `row` of a packed matrix to `out` (k / block elements blocks). Returns 1, or 0 if unsupported.
int enc_q16_packed_unpack_row(int type, const void *packed, int64_t k, int64_t row, void *out);
/// enc_q16_matmul on a packed matrix: y[c * ldy + r] for r in [r0, r1), c in [0, n), with activations in
/// enc_q16_activation_format(type). `r0` must be a multiple of 8 (split row ranges between threads at multiples
/// of 8) and `r1` at most the number of rows that were packed. Returns 1, or 0 (and writes nothing) if the type or
/// arguments are not supported.
int enc_q16_matmul_packed(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                          int64_t x_stride, int64_t n, float *y, int64_t ldy);
/// enc_q16_matmul_packed with an explicit instruction-set level (see enc_q16_matmul_isa). The portable path
/// unpacks each row and uses the portable plain-layout kernel.
int enc_q16_matmul_packed_isa(int isa, int type, const void *packed, int64_t k, int64_t r0, int64_t r1,
                              const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy);

#ifdef __cplusplus
}
#endif

#endif
