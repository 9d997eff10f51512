// Enclave: shared declarations of the 16-bit-activation kernel files (not part of the public header).
#ifndef ENCLAVE_KERNELS_Q16_INTERNAL_H
#define ENCLAVE_KERNELS_Q16_INTERNAL_H

#include "kernels_internal.h"
#include "enclave_kernels_q16.h"

/// Signature of a quantiser from floats to one activation format.
typedef void (*enc_q16_quantize_fn)(const float *x, int64_t k, void *out);

/// Portable implementations (kernels_q16_scalar.c); NULL if the type or format is not handled there.
enc_matmul_fn enc_q16_scalar_matmul_for(int type);
enc_q16_quantize_fn enc_q16_scalar_quantizer_for(int format);

/// AVX2 + FMA + F16C implementations (kernels_q16_avx2.c); NULL if the type or format has none or the
/// file was built for another architecture. Callers check enc_isa_active() first.
enc_matmul_fn enc_q16_avx2_matmul_for(int type);
enc_q16_quantize_fn enc_q16_avx2_quantizer_for(int format);

#endif
