// Enclave: shared declarations of the packed-layout files of the 16-bit-activation kernels (not public).
#ifndef ENCLAVE_KERNELS_Q16_PACKED_INTERNAL_H
#define ENCLAVE_KERNELS_Q16_PACKED_INTERNAL_H

#include "kernels_q16_internal.h"

/// Bytes of one block of a group of 8 packed rows (kernels_q16_packed.c), 0 if the type has no packed layout.
int64_t enc_q16_packed_group_block_bytes(int type);
/// Elements per block of `type` (32, or 256 for the K-quants).
int64_t enc_q16_packed_block_elements(int type);

/// AVX2 + FMA + F16C product on a packed matrix (kernels_q16_packed_avx2.c). Returns 0 (and writes nothing)
/// if this build has no AVX2 kernel for the type; arguments are checked by the caller. Callers check
/// the instruction set first.
int enc_q16_packed_avx2_matmul(int type, const void *packed, int64_t k, int64_t r0, int64_t r1, const void *x,
                               int64_t x_stride, int64_t n, float *y, int64_t ldy);

/// Packs one block of 8 rows (src[r] = row r's block in the plain layout) into its packed group block.
typedef void (*enc_q16_pack_block_fn)(const uint8_t *const src[8], uint8_t *dst);
/// AVX2 packers (kernels_q16_pack_avx2.c), byte-identical to the portable ones; NULL where there is none.
enc_q16_pack_block_fn enc_q16_avx2_packer_for(int type);

#endif
