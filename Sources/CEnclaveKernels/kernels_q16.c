// Enclave: public entry points of the 16-bit-activation kernels; picks AVX2 or portable code at run time.
#include "kernels_q16_internal.h"

int enc_q16_activation_format(int type) {
    switch (type) {
    case ENC_F32: case ENC_F16: case ENC_BF16: return ENC_ACT_F32;
    case ENC_Q8_0: case ENC_Q4_0: case ENC_Q4_1: case ENC_Q5_0: case ENC_Q5_1: return ENC_ACT_Q16_32;
    case ENC_Q4_K: case ENC_Q5_K: case ENC_Q6_K: return ENC_ACT_Q16_256;
    default: return -1;
    }
}

int64_t enc_q16_activation_row_bytes(int format, int64_t k) {
    switch (format) {
    case ENC_ACT_Q16_32: return k / 32 * (int64_t)sizeof(enc_q16_32);
    case ENC_ACT_Q16_256: return k / 256 * (int64_t)sizeof(enc_q16_256);
    default: return enc_activation_row_bytes(format, k);
    }
}

static enc_q16_quantize_fn quantizer_for(int isa, int format) {
    enc_q16_quantize_fn fn = isa >= ENC_ISA_AVX2 ? enc_q16_avx2_quantizer_for(format) : NULL;
    return fn ? fn : enc_q16_scalar_quantizer_for(format);
}

static enc_matmul_fn matmul_for(int isa, int type) {
    enc_matmul_fn fn = isa >= ENC_ISA_AVX2 ? enc_q16_avx2_matmul_for(type) : NULL;
    return fn ? fn : enc_q16_scalar_matmul_for(type);
}

/// The requested level, lowered to what this CPU supports.
static int usable_isa(int isa) {
    const int detected = enc_isa_detected();
    return isa > detected ? detected : isa;
}

void enc_q16_quantize_row_isa(int isa, int format, const float *x, int64_t k, void *out) {
    enc_q16_quantize_fn fn = quantizer_for(usable_isa(isa), format);
    if (fn) {
        fn(x, k, out);
    } else {
        enc_quantize_row(format, x, k, out);  // plain floats and the 8-bit formats
    }
}

void enc_q16_quantize_row(int format, const float *x, int64_t k, void *out) {
    enc_q16_quantize_fn fn = quantizer_for(enc_isa_active(), format);
    if (fn) {
        fn(x, k, out);
    } else {
        enc_quantize_row(format, x, k, out);
    }
}

void enc_q16_matmul_isa(int isa, int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                        const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    enc_matmul_fn fn = matmul_for(usable_isa(isa), type);
    if (fn) {
        fn(w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
    } else {
        enc_matmul(type, w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);  // float weights
    }
}

void enc_q16_matmul(int type, const void *w, int64_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                    const void *x, int64_t x_stride, int64_t n, float *y, int64_t ldy) {
    enc_matmul_fn fn = matmul_for(enc_isa_active(), type);
    if (fn) {
        fn(w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
    } else {
        enc_matmul(type, w, row_bytes, k, r0, r1, x, x_stride, n, y, ldy);
    }
}
