// Enclave: vectorised element-wise functions of the forward pass (activations, softmax).
#ifndef ENCLAVE_ACTIVATIONS_H
#define ENCLAVE_ACTIVATIONS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// gate[i] = silu(gate[i]) * up[i], silu(z) = z / (1 + e^-z)   (SwiGLU).
void enc_silu_mul(float *gate, const float *up, int64_t n);
/// gate[i] = gelu_tanh(gate[i]) * up[i], gelu_tanh(z) = 0.5 z (1 + tanh(0.79788456 (z + 0.044715 z^3)))  (GeGLU).
void enc_gelu_mul(float *gate, const float *up, int64_t n);
/// RoPE on one head with adjacent pairs (x[2i], x[2i+1]) for i < pairs:
///   (a, b) -> (a cos_i - b sin_i, a sin_i + b cos_i). Dimensions from 2*pairs on are left alone.
void enc_rope_adjacent(float *x, const float *cos, const float *sin, int64_t pairs);
/// RoPE on one head with split-half pairs (x[i], x[i + pairs]) for i < pairs.
void enc_rope_halves(float *x, const float *cos, const float *sin, int64_t pairs);
/// In-place softmax over n values (max subtracted); returns the sum of exponentials before normalising.
float enc_softmax(float *x, int64_t n);
/// sum(e^(x[i] - maximum)) over n values, with maximum >= every x[i]; NaN values count as minus infinity.
/// Float partial sums over blocks of 1,024 values, added in double.
double enc_sum_exp(const float *x, int64_t n, float maximum);

#ifdef __cplusplus
}
#endif

#endif
