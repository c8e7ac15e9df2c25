// AVX2 + FMA + F16C tile kernels (kernels/gemm.h). Only this file is compiled with -mavx2 -mfma -mf16c; gemm.cpp
// calls gemmAvx2Table() only after cpuSupports(Isa::Avx2) (also under Isa::Avx512, which has no tiles of its own).
//
// Plain types only (F32, F16, BF16 weights x F32 activations): 8 elements per step, converted to F32 once per row
// and shared by the tile's tokens, 4 rows x 2 tokens per tile (8 accumulators of the 16 registers); the row tail
// (n % 8) is added in scalar. Q8_0/Q4_0 weights: gemm_q8_avx2.cpp.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "kernels/fp16.h"
#include "kernels/gemm_tables.h"
#include "kernels/gemm_tiling.h"
#include "kernels/simd_x86_common.h"

namespace hearth::kernels {
namespace {

constexpr int kMr = 4;                    // weight rows per tile
constexpr int kNt = 2;                    // tokens per tile
constexpr size_t kL2Budget = 192 * 1024;  // weight bytes per row block (stay in L2 across token tiles)

template <GgmlType T>
constexpr int64_t kElemBytes = T == GgmlType::F32 ? 4 : 2;

template <GgmlType T>
inline __m256 loadPlain(const uint8_t* p) {
    if constexpr (T == GgmlType::F32) return _mm256_loadu_ps(reinterpret_cast<const float*>(p));
    if constexpr (T == GgmlType::F16) return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    if constexpr (T == GgmlType::BF16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(v), 16));
    }
}

template <GgmlType T>
inline float loadScalar(const uint8_t* p) {
    if constexpr (T == GgmlType::F32) {
        float v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    if constexpr (T == GgmlType::F16) return fp16ToF32(loadU16(p));
    if constexpr (T == GgmlType::BF16) return bitsToFloat(uint32_t(loadU16(p)) << 16);
}

template <GgmlType T, int MR, int NT>
void tilePlain(const uint8_t* w, size_t wStride, const uint8_t* x, size_t xStride, int64_t n, float* y, size_t ldy) {
    constexpr int64_t es = kElemBytes<T>;
    __m256 acc[MR][NT];
    for (auto& row : acc) {
        for (__m256& a : row) a = _mm256_setzero_ps();
    }
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 wv[MR];
        for (int r = 0; r < MR; ++r) wv[r] = loadPlain<T>(w + size_t(r) * wStride + i * es);
        for (int t = 0; t < NT; ++t) {
            const __m256 xv = _mm256_loadu_ps(reinterpret_cast<const float*>(x + size_t(t) * xStride) + i);
            for (int r = 0; r < MR; ++r) acc[r][t] = _mm256_fmadd_ps(wv[r], xv, acc[r][t]);
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int t = 0; t < NT; ++t) {
            float sum = hsum(acc[r][t]);
            for (int64_t j = i; j < n; ++j) {
                float xj;
                std::memcpy(&xj, x + size_t(t) * xStride + size_t(j) * sizeof(float), sizeof xj);
                sum += loadScalar<T>(w + size_t(r) * wStride + j * es) * xj;
            }
            y[size_t(t) * ldy + size_t(r)] = sum;
        }
    }
}

template <GgmlType T>
struct PlainTiles {
    template <int MR, int NT>
    static constexpr PlainTileFn tile = tilePlain<T, MR, NT>;
};

template <GgmlType T>
void gemmPlain(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok, int64_t n,
               float* y, size_t ldy) {
    gemmWithTiles<kMr, kNt>(kTileTable<PlainTileFn, kMr, kNt, PlainTiles<T>>, kL2Budget, w, wStride, nRows, x,
                            xStride, nTok, n, y, ldy);
}

constexpr GemmKernels kTable[] = {
    {GgmlType::F32, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::F32>},
    {GgmlType::F16, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::F16>},
    {GgmlType::BF16, GgmlType::F32, nullptr, nullptr, gemmPlain<GgmlType::BF16>},
};

}  // namespace

std::span<const GemmKernels> gemmAvx2Table() { return kTable; }

}  // namespace hearth::kernels
