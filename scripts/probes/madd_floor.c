// Enclave probe: the throughput floor of the int16 multiply-add loop on this CPU (docs/performance.md).
//
// The engine's batched products are chains of vpmaddwd (16 int16 products into 8 int32 sums) + vpaddd
// (accumulate) against an activation pair broadcast to every lane. This measures, in ns per vpmaddwd, the
// minimum over 7 rounds of: vpmaddwd alone; + vpaddd; + a broadcast from memory; and 4 vpmaddwd + 4 FMAs
// (whether float FMAs run beside the multiply-adds or on the same pipes).
//
//   make probe-madd      (clang -O2 -mavx2 -mfma scripts/probes/madd_floor.c; the Swift toolchain has clang)
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define N 50000000LL

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

#define SUM8(a) _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(a##0, a##1), _mm256_add_epi32(a##2, a##3)), \
                                 _mm256_add_epi32(_mm256_add_epi32(a##4, a##5), _mm256_add_epi32(a##6, a##7)))

__attribute__((noinline)) static __m256i madd_only(__m256i w, __m256i x) {
    __m256i a0 = w, a1 = w, a2 = w, a3 = w, a4 = w, a5 = w, a6 = w, a7 = w;
    for (long i = 0; i < N / 8; i++) {
        a0 = _mm256_madd_epi16(a0, x); a1 = _mm256_madd_epi16(a1, x); a2 = _mm256_madd_epi16(a2, x);
        a3 = _mm256_madd_epi16(a3, x); a4 = _mm256_madd_epi16(a4, x); a5 = _mm256_madd_epi16(a5, x);
        a6 = _mm256_madd_epi16(a6, x); a7 = _mm256_madd_epi16(a7, x);
        __asm__("" : "+x"(x));
    }
    return SUM8(a);
}

// Eight different multiplicands per round (x + k), so that no two multiply-adds are the same expression.
#define X(k) _mm256_add_epi16(x, _mm256_set1_epi16(k))
__attribute__((noinline)) static __m256i madd_add(__m256i w, __m256i x) {
    const __m256i x0 = X(0), x1 = X(1), x2 = X(2), x3 = X(3), x4 = X(4), x5 = X(5), x6 = X(6), x7 = X(7);
    __m256i s0 = w, s1 = w, s2 = w, s3 = w, s4 = w, s5 = w, s6 = w, s7 = w;
    for (long i = 0; i < N / 8; i++) {
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(w, x0)); s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(w, x1));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(w, x2)); s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(w, x3));
        s4 = _mm256_add_epi32(s4, _mm256_madd_epi16(w, x4)); s5 = _mm256_add_epi32(s5, _mm256_madd_epi16(w, x5));
        s6 = _mm256_add_epi32(s6, _mm256_madd_epi16(w, x6)); s7 = _mm256_add_epi32(s7, _mm256_madd_epi16(w, x7));
        __asm__("" : "+x"(w));
    }
    return SUM8(s);
}

#define BC(k) _mm256_set1_epi32(p[k])
__attribute__((noinline)) static __m256i madd_add_broadcast(__m256i w, const int32_t *p) {
    __m256i s0 = w, s1 = w, s2 = w, s3 = w, s4 = w, s5 = w, s6 = w, s7 = w;
    for (long i = 0; i < N / 8; i++) {
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(w, BC(0))); s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(w, BC(1)));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(w, BC(2))); s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(w, BC(3)));
        s4 = _mm256_add_epi32(s4, _mm256_madd_epi16(w, BC(4))); s5 = _mm256_add_epi32(s5, _mm256_madd_epi16(w, BC(5)));
        s6 = _mm256_add_epi32(s6, _mm256_madd_epi16(w, BC(6))); s7 = _mm256_add_epi32(s7, _mm256_madd_epi16(w, BC(7)));
        __asm__("" : "+x"(w), "+r"(p));
    }
    return SUM8(s);
}

__attribute__((noinline)) static __m256i madd_with_fma(__m256i w, __m256i x, __m256 f) {
    const __m256i x0 = X(0), x1 = X(1), x2 = X(2), x3 = X(3);
    const __m256 g0 = _mm256_set1_ps(0.5f), g1 = _mm256_set1_ps(0.25f), g2 = _mm256_set1_ps(0.125f), g3 = _mm256_set1_ps(2.0f);
    __m256i s0 = w, s1 = w, s2 = w, s3 = w;
    __m256 f0 = f, f1 = f, f2 = f, f3 = f;
    for (long i = 0; i < N / 4; i++) {
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(w, x0)); s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(w, x1));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(w, x2)); s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(w, x3));
        f0 = _mm256_fmadd_ps(f0, g0, f); f1 = _mm256_fmadd_ps(f1, g1, f);
        f2 = _mm256_fmadd_ps(f2, g2, f); f3 = _mm256_fmadd_ps(f3, g3, f);
        __asm__("" : "+x"(w));
    }
    const __m256 fs = _mm256_add_ps(_mm256_add_ps(f0, f1), _mm256_add_ps(f2, f3));
    return _mm256_add_epi32(_mm256_add_epi32(s0, s1), _mm256_add_epi32(_mm256_add_epi32(s2, s3), _mm256_castps_si256(fs)));
}

int main(void) {
    static int32_t pairs[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const __m256i w = _mm256_set1_epi16(3), x = _mm256_set1_epi16(1);
    volatile __m256i sink;
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int r = 0; r < 7; r++) {
        double t = now();
        sink = madd_only(w, x);
        double d = now() - t;
        if (d < best[0]) best[0] = d;
        t = now();
        sink = madd_add(w, x);
        d = now() - t;
        if (d < best[1]) best[1] = d;
        t = now();
        sink = madd_add_broadcast(w, pairs);
        d = now() - t;
        if (d < best[2]) best[2] = d;
        t = now();
        sink = madd_with_fma(w, x, _mm256_set1_ps(1.0f));
        d = now() - t;
        if (d < best[3]) best[3] = d;
    }
    (void)sink;
    printf("ns per vpmaddwd (minimum of 7 rounds of %lld):\n", N);
    printf("  vpmaddwd alone                   %.3f\n", best[0] / N * 1e9);
    printf("  + vpaddd                         %.3f\n", best[1] / N * 1e9);
    printf("  + vpaddd + broadcast from memory %.3f\n", best[2] / N * 1e9);
    printf("  + vpaddd, 1 FMA per vpmaddwd     %.3f (about 2x the vpaddd line if FMAs share the multiply pipes)\n", best[3] / N * 1e9);
    return 0;
}
