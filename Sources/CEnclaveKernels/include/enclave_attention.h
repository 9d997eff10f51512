// Enclave: attention over an f16 KV cache for a tile of queries (several heads and tokens at once).
#ifndef ENCLAVE_ATTENTION_H
#define ENCLAVE_ATTENTION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For q < nq (1..4) and key j < nkeys:
///   out[q * out_stride + j] = dot(queries + q * dim, keys + j * key_stride)
/// Each key row is converted from f16 once and used for all nq queries.
void enc_attn_tile_scores(const float *queries, int64_t nq, const uint16_t *keys, int64_t key_stride,
                          int64_t nkeys, int64_t dim, float *out, int64_t out_stride);

/// For q < nq (1..4): out[q * dim + d] += sum_j p[q * p_stride + j] * values[j * value_stride + d].
/// Each value row is converted from f16 once and used for all nq queries.
void enc_attn_tile_accumulate(const float *p, int64_t p_stride, int64_t nq, const uint16_t *values,
                              int64_t value_stride, int64_t nkeys, int64_t dim, float *out);

/// Asks the cache to fetch `bytes` bytes at `p` (a hint: cached KV rows stream from memory each step, as the
/// weights pass through the last-level cache between steps).
void enc_prefetch(const void *p, int64_t bytes);

#ifdef __cplusplus
}
#endif

#endif
