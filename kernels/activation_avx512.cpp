// The activation kernels for AVX-512 F (16 floats per vector): the only file built with those flags for them.
#include <immintrin.h>

#include "kernels/activation_simd.h"
#include "kernels/fp16.h"

namespace hearth::kernels {
namespace {

using Simd = ActivationSimd<xsimd::avx512bw>;

void rmsnormAvx512(float* out, const float* x, const float* w, int64_t n, float eps) {
    // Squares of floats are exact in double, so a fused multiply-add rounds only the sum.
    __m512d a[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 4; ++j) {
            const __m512d d = _mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8 * j));
            a[j] = _mm512_fmadd_pd(d, d, a[j]);
        }
    }
    double ss = _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a[0], a[1]), _mm512_add_pd(a[2], a[3])));
    for (; i < n; ++i) ss += double(x[i]) * double(x[i]);
    Simd::scaleRow(out, x, w, n, float(1.0 / std::sqrt(ss / double(n) + double(eps))));
}

void toF16Avx512(const float* x, uint16_t* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm512_cvtps_ph(_mm512_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), h);
    }
    for (; i < n; ++i) dst[i] = f32ToFp16(x[i]);
}

}  // namespace

const ActivationKernels* activationAvx512Table() {
    static constexpr ActivationKernels kTable{&Simd::swiglu, &rmsnormAvx512, &toF16Avx512};
    return &kTable;
}

}  // namespace hearth::kernels
