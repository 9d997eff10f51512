// Enclave: F32 matrix products for encoder models: weights packed in panels of 16 outputs, 6x16 register blocks.
#include "enclave_encoder.h"
#include "enclave_kernels.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

int64_t enc_sgemm_packed_count(int64_t m, int64_t k) { return (m + 15) / 16 * 16 * k; }

void enc_sgemm_pack(const float *w, int64_t m, int64_t k, float *out) {
    const int64_t panels = (m + 15) / 16;
    for (int64_t p = 0; p < panels; p++) {
        float *panel = out + p * 16 * k;
        for (int64_t i = 0; i < k; i++) {
            for (int j = 0; j < 16; j++) {
                const int64_t row = p * 16 + j;
                panel[i * 16 + j] = row < m ? w[row * k + i] : 0.0f;
            }
        }
    }
}

/// Writes the 16 outputs of panel `p` for one row, skipping those past m, with the bias added.
static inline void store16(float *yr, const float *acc, int64_t p, int64_t m, const float *bias) {
    for (int j = 0; j < 16; j++) {
        const int64_t col = p * 16 + j;
        if (col < m) yr[col] = acc[j] + (bias ? bias[col] : 0.0f);
    }
}

static void sgemm_scalar(const float *x, int64_t ldx, int64_t n, const float *packed, int64_t k, int64_t m, int64_t p0,
                         int64_t p1, const float *bias, float *y, int64_t ldy) {
    for (int64_t p = p0; p < p1; p++) {
        const float *panel = packed + p * 16 * k;
        for (int64_t r = 0; r < n; r++) {
            float acc[16] = {0};
            const float *xr = x + r * ldx;
            for (int64_t i = 0; i < k; i++) {
                for (int j = 0; j < 16; j++) acc[j] += xr[i] * panel[i * 16 + j];
            }
            store16(y + r * ldy, acc, p, m, bias);
        }
    }
}

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

/// ROWS rows (1...6) of x times one panel.
static inline __attribute__((always_inline)) void block(const int ROWS, const float *x, int64_t ldx, const float *panel,
                                                        int64_t k, __m256 acc[6][2]) {
#pragma clang loop unroll(full)
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t i = 0; i < k; i++) {
        const __m256 w0 = _mm256_loadu_ps(panel + i * 16);
        const __m256 w1 = _mm256_loadu_ps(panel + i * 16 + 8);
#pragma clang loop unroll(full)
        for (int r = 0; r < ROWS; r++) {
            const __m256 xv = _mm256_broadcast_ss(x + r * ldx + i);
            acc[r][0] = _mm256_fmadd_ps(xv, w0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(xv, w1, acc[r][1]);
        }
    }
}

/// Inputs a block reads at a time when k is long: 384 x 16 floats (24 KB) of the panel stay in L1 while the rows of
/// x stream past. A panel of up to 512 inputs is read whole (splitting it only adds passes over y).
enum { ENC_SGEMM_KB = 384, ENC_SGEMM_WHOLE = 512 };

static void sgemm_avx2(const float *x, int64_t ldx, int64_t n, const float *packed, int64_t k, int64_t m, int64_t p0,
                       int64_t p1, const float *bias, float *y, int64_t ldy) {
    __m256 acc[6][2];
    const int64_t kb = k <= ENC_SGEMM_WHOLE ? k : ENC_SGEMM_KB;
    for (int64_t p = p0; p < p1; p++) {
        const int full = p * 16 + 16 <= m;
        for (int64_t k0 = 0; k0 < k; k0 += kb) {
            const int64_t kn = k - k0 < kb ? k - k0 : kb;
            const float *panel = packed + p * 16 * k + k0 * 16;
            // The first block of k starts from the bias, later ones from what the earlier blocks wrote.
            const int first = k0 == 0;
            __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
            if (first && bias && full) {
                b0 = _mm256_loadu_ps(bias + p * 16);
                b1 = _mm256_loadu_ps(bias + p * 16 + 8);
            }
            for (int64_t r = 0; r < n; r += 6) {
                const int rows = n - r < 6 ? (int)(n - r) : 6;
                const float *xr = x + r * ldx + k0;
                switch (rows) {
                case 6: block(6, xr, ldx, panel, kn, acc); break;
                case 5: block(5, xr, ldx, panel, kn, acc); break;
                case 4: block(4, xr, ldx, panel, kn, acc); break;
                case 3: block(3, xr, ldx, panel, kn, acc); break;
                case 2: block(2, xr, ldx, panel, kn, acc); break;
                default: block(1, xr, ldx, panel, kn, acc); break;
                }
                for (int i = 0; i < rows; i++) {
                    float *yr = y + (r + i) * ldy + p * 16;
                    if (full) {
                        const __m256 s0 = first ? b0 : _mm256_loadu_ps(yr);
                        const __m256 s1 = first ? b1 : _mm256_loadu_ps(yr + 8);
                        _mm256_storeu_ps(yr, _mm256_add_ps(acc[i][0], s0));
                        _mm256_storeu_ps(yr + 8, _mm256_add_ps(acc[i][1], s1));
                    } else {
                        float tmp[16];
                        _mm256_storeu_ps(tmp, acc[i][0]);
                        _mm256_storeu_ps(tmp + 8, acc[i][1]);
                        for (int j = 0; j < 16 && p * 16 + j < m; j++) {
                            yr[j] = tmp[j] + (first ? (bias ? bias[p * 16 + j] : 0.0f) : yr[j]);
                        }
                    }
                }
            }
        }
    }
}

#pragma clang attribute pop
#endif

void enc_sgemm_packed(const float *x, int64_t ldx, int64_t n, const float *packed, int64_t k, int64_t m, int64_t p0,
                      int64_t p1, const float *bias, float *y, int64_t ldy) {
#if defined(__x86_64__)
    if (enc_isa_active() >= ENC_ISA_AVX2) {
        sgemm_avx2(x, ldx, n, packed, k, m, p0, p1, bias, y, ldy);
        return;
    }
#endif
    sgemm_scalar(x, ldx, n, packed, k, m, p0, p1, bias, y, ldy);
}
