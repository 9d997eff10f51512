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

/// Floats a packed copy of a [m x k] weight takes: m rounded up to 16, times k.
int64_t enc_sgemm_packed_count(int64_t m, int64_t k);

/// Packs `w` ([m x k], row-major: PyTorch's Linear layout, one row per output) into panels of 16 outputs: panel p
/// holds, for each input index i, w[16p + 0...15][i] (zero past row m), so a GEMM reads 16 outputs' weights with
/// two vector loads.
void enc_sgemm_pack(const float *w, int64_t m, int64_t k, float *out);

/// y[r * ldy + j] = bias[j] + sum_i x[r * ldx + i] * w[j][i] for rows r < n and outputs j in panels [p0, p1)
/// (j < m), from a packed copy of w. `bias` may be NULL. Blocks of 6 rows x 16 outputs in registers.
void enc_sgemm_packed(const float *x, int64_t ldx, int64_t n, const float *packed, int64_t k, int64_t m, int64_t p0,
                      int64_t p1, const float *bias, float *y, int64_t ldy);

#ifdef __cplusplus
}
#endif

#endif
