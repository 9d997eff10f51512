// Enclave: row functions of BERT-style encoders (exact GELU, LayerNorm), AVX2 and portable.
#ifndef ENCLAVE_ENCODER_H
#define ENCLAVE_ENCODER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// x[i] = gelu(x[i]) with the exact erf form 0.5 z (1 + erf(z / sqrt 2)) (HF "gelu"), erf to 1.5e-7
/// (Abramowitz and Stegun 7.1.26).
void enc_gelu_erf(float *x, int64_t n);

/// out = (x - mean) / sqrt(var + eps) * gamma + beta over n values (biased variance, two passes).
/// `out` may be `x`.
void enc_layer_norm(const float *x, const float *gamma, const float *beta, float *out, int64_t n, float eps);

#ifdef __cplusplus
}
#endif

#endif
