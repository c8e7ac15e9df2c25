// The activation kernels for AVX2 + FMA + F16C (8 floats per vector): the only file built with those flags for them.
#include <immintrin.h>

#include "kernels/activation_simd.h"
#include "kernels/fp16.h"

namespace hearth::kernels {
namespace {

using Simd = ActivationSimd<xsimd::fma3<xsimd::avx2>>;

void rmsnormAvx2(float* out, const float* x, const float* w, int64_t n, float eps) {
    // Squares of floats are exact in double, so a fused multiply-add rounds only the sum.
    __m256d a[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int j = 0; j < 4; ++j) {
            const __m256d d = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4 * j));
            a[j] = _mm256_fmadd_pd(d, d, a[j]);
        }
    }
    const __m256d s4 = _mm256_add_pd(_mm256_add_pd(a[0], a[1]), _mm256_add_pd(a[2], a[3]));
    const __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
    double ss = _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
    for (; i < n; ++i) ss += double(x[i]) * double(x[i]);
    Simd::scaleRow(out, x, w, n, float(1.0 / std::sqrt(ss / double(n) + double(eps))));
}

void toF16Avx2(const float* x, uint16_t* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
    }
    for (; i < n; ++i) dst[i] = f32ToFp16(x[i]);
}

}  // namespace

const ActivationKernels* activationAvx2Table() {
    static constexpr ActivationKernels kTable{&Simd::swiglu, &rmsnormAvx2, &toF16Avx2};
    return &kTable;
}

}  // namespace hearth::kernels
