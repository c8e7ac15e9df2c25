// Internal: the activation kernels (kernels/activation.h) written once over an xsimd architecture A and
// instantiated by each per-ISA translation unit (activation_avx2.cpp, activation_avx512.cpp), the only files
// built with that ISA's flags.
#pragma once

#include <cmath>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/activation.h"

namespace hearth::kernels {
namespace {

template <class A>
struct ActivationSimd {
    using F = xsimd::batch<float, A>;
    static constexpr int64_t kL = static_cast<int64_t>(F::size);

    static void swiglu(float* gate, const float* up, int64_t n) {
        const F one(1.0f);
        int64_t i = 0;
        for (; i + kL <= n; i += kL) {
            const F g = F::load_unaligned(gate + i);
            (g / (one + xsimd::exp(-g)) * F::load_unaligned(up + i)).store_unaligned(gate + i);
        }
        for (; i < n; ++i) gate[i] = gate[i] / (1.f + std::exp(-gate[i])) * up[i];
    }

    // The products and the scale as the scalar version computes them; only the double sum is wider.
    static void scaleRow(float* out, const float* x, const float* w, int64_t n, float scale) {
        const F s(scale);
        int64_t i = 0;
        for (; i + kL <= n; i += kL) (F::load_unaligned(x + i) * s * F::load_unaligned(w + i)).store_unaligned(out + i);
        for (; i < n; ++i) out[i] = x[i] * scale * w[i];
    }
};

}  // namespace
}  // namespace hearth::kernels
