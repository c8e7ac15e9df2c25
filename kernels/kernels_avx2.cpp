// AVX2 + FMA + F16C kernels. Only this file is compiled with -mavx2 -mfma -mf16c (kernels/CMakeLists.txt);
// dispatch.cpp calls avx2Table() only after cpuSupports(Isa::Avx2).
#include <immintrin.h>

#include "kernels/simd_kernels.h"
#include "kernels/simd_kquants_x86.h"

namespace hearth::kernels {
namespace {

struct Avx2Primitives {
    using Arch = xsimd::fma3<xsimd::avx2>;
    using F = xsimd::batch<float, Arch>;  // 8 lanes
    static constexpr int kBlocksPerStep = 1;
    using Quants = X86Quants;

    static __m128i load128(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
    static __m256i load256(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static __m256 i8ToF32(__m128i low8) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(low8)); }

    static F loadF16(const uint8_t* p) { return _mm256_cvtph_ps(load128(p)); }

    // The largest lane; the 8 int32 lanes of q (in [-128, 127]) as 8 bytes at dst.
    static float maxLane(F m) {
        __m128 a = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        a = _mm_max_ps(a, _mm_movehl_ps(a, a));
        return _mm_cvtss_f32(_mm_max_ss(a, _mm_movehdup_ps(a)));
    }
    static void storeI8(xsimd::batch<int32_t, Arch> q, uint8_t* dst) {
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm_packs_epi16(w, w));
    }

    static F loadBf16(const uint8_t* p) {
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(load128(p)), 16));
    }

    static void expandQ8(const uint8_t* qs, F* out) {
        for (int k = 0; k < 4; ++k) out[k] = i8ToF32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(qs + 8 * k)));
    }

    // 16 packed bytes -> (low nibbles - 8) = elements 0..15, (high nibbles - 8) = elements 16..31.
    static void nibbles(const uint8_t* qs, __m128i& lo, __m128i& hi) {
        const __m128i v = load128(qs);
        const __m128i mask = _mm_set1_epi8(0x0f);
        const __m128i eight = _mm_set1_epi8(8);
        lo = _mm_sub_epi8(_mm_and_si128(v, mask), eight);
        hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(v, 4), mask), eight);
    }

    static void expandQ4(const uint8_t* qs, F* out) {
        __m128i lo, hi;
        nibbles(qs, lo, hi);
        out[0] = i8ToF32(lo);
        out[1] = i8ToF32(_mm_srli_si128(lo, 8));
        out[2] = i8ToF32(hi);
        out[3] = i8ToF32(_mm_srli_si128(hi, 8));
    }

    // Signed x signed bytes -> 8 int32 partial sums. maddubs wants unsigned x signed, so use |a| and b * sign(a).
    // No int16 saturation: |a| <= 128 and |b| <= 127 (Q8_0 activations never hold -128) give pairs <= 32512.
    static __m256i dotI8(__m256i a, __m256i b) {
        const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
        return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
    }

    static F dotStepQ8(const uint8_t* w, const uint8_t* x) {
        return _mm256_cvtepi32_ps(dotI8(load256(w + 2), load256(x + 2)));
    }

    // A Q4_0 block's 32 signed values in element order: the 16 bytes in both halves, the upper half shifted
    // right by 4 (per 64-bit lane), then masked: [low nibbles | high nibbles] - 8.
    static __m256i unpackQ4(const uint8_t* qs) {
        const __m256i v = _mm256_broadcastsi128_si256(load128(qs));
        const __m256i nib = _mm256_and_si256(_mm256_srlv_epi64(v, _mm256_set_epi64x(4, 4, 0, 0)), _mm256_set1_epi8(0x0f));
        return _mm256_sub_epi8(nib, _mm256_set1_epi8(8));
    }

    static F dotStepQ4(const uint8_t* w, const uint8_t* x) {
        return _mm256_cvtepi32_ps(dotI8(unpackQ4(w + 2), load256(x + 2)));
    }

    static F scales(const float* s) { return F(s[0]); }

    static float halfToFloat(const uint8_t* p) { return _cvtsh_ss(loadU16(p)); }
};

constexpr auto kTable = makeTable<Avx2Primitives>();
static_assert(inKernelTypeOrder(kTable));

}  // namespace

std::span<const TypeKernels> avx2Table() { return kTable; }

}  // namespace hearth::kernels
