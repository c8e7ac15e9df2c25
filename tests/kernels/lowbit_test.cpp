// The low-bit kernels (TQ2_0, Q2_K, TQ1_0 weights x Q8_K activations) against their scalar oracle:
//  - the tile kernels (kernels/gemm_lowbit_*.cpp) through gemmKernelsFor, on every ISA under test, over odd
//    shapes (partial row and token tiles, 1..22 super-blocks, batches that take the prepared-rows path) and
//    misaligned weights and activation rows;
//  - the TQ2_0 lookup-table kernel (kernels/lut_tq2_0_avx512.h) at batch 1, with row counts around its 16-row tile.
// The oracle is gemmReference (the scalar reference's Q8_K dot products); the tolerance is F32 summation order,
// relative to sum |w_j x_j| of the dequantized values, as in gemm_test.cpp.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/gemm.h"
#include "kernels/reference_kquants.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"
#if defined(__x86_64__)
#include "kernels/lut_tq2_0_avx512.h"
#endif

namespace hearth::kernels::test {
namespace {

constexpr GgmlType kLowbitTypes[] = {GgmlType::TQ2_0, GgmlType::Q2_K, GgmlType::TQ1_0};

// Random weight rows of `type` and Q8_K activation rows, at the given misalignments.
struct Operands {
    OffsetBuffer w;
    OffsetBuffer act;
    size_t wRowBytes;
    size_t actRowBytes;
};

Operands makeOperands(GgmlType type, int64_t nRows, int64_t nTok, int64_t n, size_t wOffset, size_t xOffset,
                      Rng& rng) {
    const size_t wRowBytes = rowBytes(type, uint64_t(n));
    const size_t actRowBytes = rowBytes(GgmlType::Q8_K, uint64_t(n));
    Operands o{OffsetBuffer(size_t(nRows) * wRowBytes, wOffset), OffsetBuffer(size_t(nTok) * actRowBytes, xOffset),
               wRowBytes, actRowBytes};
    std::vector<float> row(static_cast<size_t>(n));
    for (int64_t r = 0; r < nRows; ++r) {
        // Every few rows a sparse one (mostly exact zeros, as ternary models have) besides the dense ones.
        for (float& v : row) v = (r % 3 == 2 && rng.uniform() < 0.6f) ? 0.0f : rng.normal(1.0f);
        quantizeRow(type, row.data(), o.w.data() + size_t(r) * wRowBytes, n);
    }
    for (int64_t t = 0; t < nTok; ++t) {
        for (float& v : row) v = rng.normal(2.0f);
        ref::quantizeQ8_K(row.data(), o.act.data() + size_t(t) * actRowBytes, n);
    }
    return o;
}

// Compares got with the oracle for every (token, row); reports the first mismatch. ldy > nRows: the gap must
// keep the sentinel.
bool compare(const std::string& what, GgmlType type, Operands& o, int64_t nRows, int64_t nTok, int64_t n,
             const std::vector<float>& got, size_t ldy, float sentinel) {
    std::vector<float> want(got.size(), sentinel);
    gemmReference(type, o.w.data(), o.wRowBytes, nRows, o.act.data(), o.actRowBytes, nTok, n, want.data(), ldy);
    std::vector<float> wf(static_cast<size_t>(n)), xf(static_cast<size_t>(n));
    const TypeKernels* scalarW = kernelsFor(type, Isa::Scalar);
    for (int64_t t = 0; t < nTok; ++t) {
        ref::dequantizeQ8_K(o.act.data() + size_t(t) * o.actRowBytes, xf.data(), n);
        for (int64_t r = 0; r < nRows; ++r) {
            scalarW->dequantize(o.w.data() + size_t(r) * o.wRowBytes, wf.data(), n);
            double absSum = 0.0;
            for (int64_t j = 0; j < n; ++j) absSum += std::fabs(double(wf[size_t(j)]) * double(xf[size_t(j)]));
            const float a = got[size_t(t) * ldy + size_t(r)];
            const float b = want[size_t(t) * ldy + size_t(r)];
            const double tol = 2e-6 * absSum + 1e-30;
            if (!CHECK_MSG(std::isfinite(a) && std::fabs(double(a) - double(b)) <= tol,
                           "%s %s: rows %lld tokens %lld n %lld: y[%lld][%lld] = %.9g, reference %.9g (tol %.3g)",
                           what.c_str(), std::string(typeName(type)).c_str(), (long long)nRows, (long long)nTok,
                           (long long)n, (long long)t, (long long)r, double(a), double(b), tol)) {
                return false;
            }
        }
        for (size_t r = size_t(nRows); r < ldy; ++r) {
            if (!CHECK_MSG(got[size_t(t) * ldy + r] == sentinel, "%s %s: wrote outside the rows at [%lld][%zu]",
                           what.c_str(), std::string(typeName(type)).c_str(), (long long)t, r)) {
                return false;
            }
        }
    }
    return true;
}

HEARTH_TEST(lowbitGemmMatchesReference) {
    const int64_t blockCounts[] = {1, 2, 3, 8, 22};
    const int64_t rowCounts[] = {1, 3, 4, 5, 9, 17};
    const int64_t tokCounts[] = {1, 2, 4, 5, 7, 13, 40};
    int tested = 0;
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : kLowbitTypes) {
            const GemmKernels* gk = gemmKernelsFor(type, isa);
            if (gk == nullptr) continue;
            CHECK(gk->actType == GgmlType::Q8_K);
            Rng rng(uint64_t(type) * 104729 + uint64_t(isa));
            int i = 0;
            for (const int64_t nb : blockCounts) {
                const int64_t n = nb * kQkK;
                for (const int64_t nRows : rowCounts) {
                    for (const int64_t nTok : tokCounts) {
                        if (nb > 8 && nRows * nTok > 40) continue;  // keep the long rows quick
                        ++i;
                        Operands o = makeOperands(type, nRows, nTok, n, size_t(i % 5), size_t((i / 5) % 3) * 4, rng);
                        // What the tile reads: the packed rows (at an odd offset: any alignment is allowed).
                        const bool packs = gk->pack != nullptr;
                        const size_t xStride = packs ? gk->packedRowBytes(n) : o.actRowBytes;
                        OffsetBuffer packed(size_t(nTok) * xStride, size_t(i % 2) * 4);
                        for (int64_t t = 0; t < nTok; ++t) {
                            const uint8_t* src = o.act.data() + size_t(t) * o.actRowBytes;
                            if (packs) {
                                gk->pack(src, packed.data() + size_t(t) * xStride, n);
                            } else {
                                std::memcpy(packed.data() + size_t(t) * xStride, src, o.actRowBytes);
                            }
                        }
                        const size_t ldy = size_t(nRows) + 3;
                        const float kSentinel = -12345.0f;
                        std::vector<float> got(size_t(nTok) * ldy, kSentinel);
                        gk->gemm(o.w.data(), o.wRowBytes, nRows, packed.data(), xStride, nTok, n, got.data(), ldy);
                        if (!compare(std::string(isaName(isa)), type, o, nRows, nTok, n, got, ldy, kSentinel)) return;
                        ++tested;
                    }
                }
            }
        }
    }
    if (tested == 0) skip("no low-bit tile kernels on the ISAs under test");
}

HEARTH_TEST(lutTq2_0MatchesReference) {
#if defined(__x86_64__)
    if (!cpuSupports(Isa::Avx512)) {
        skip("the TQ2_0 lookup-table kernel needs AVX-512 BW");
        return;
    }
    Rng rng(2718);
    int i = 0;
    for (const int64_t nb : {1, 2, 5, 8, 22}) {
        const int64_t n = nb * kQkK;
        for (const int64_t nRows : {1, 7, 15, 16, 17, 33, 64}) {
            ++i;
            Operands o = makeOperands(GgmlType::TQ2_0, nRows, 1, n, size_t(i % 7), size_t(i % 3) * 4, rng);
            std::vector<uint8_t> tableStore(lutTq2_0TableBytes(n) + 64);
            auto* tables = tableStore.data() + (64 - reinterpret_cast<uintptr_t>(tableStore.data()) % 64) % 64;
            lutTq2_0BuildTables(o.act.data(), tables, n);
            const size_t ldy = size_t(nRows) + 2;
            const float kSentinel = -12345.0f;
            std::vector<float> got(ldy, kSentinel);
            lutTq2_0Gemv(o.w.data(), o.wRowBytes, nRows, tables, n, got.data());
            if (!compare("lut", GgmlType::TQ2_0, o, nRows, 1, n, got, ldy, kSentinel)) return;
        }
    }
    // Every code, including the unused 3 (read as +2 like the reference), against extreme activations.
    for (int64_t nRows : {16, 19}) {
        const int64_t n = 2 * kQkK;
        Operands o = makeOperands(GgmlType::TQ2_0, nRows, 1, n, 3, 0, rng);
        for (int64_t r = 0; r < nRows; ++r) {
            for (int64_t b = 0; b < 2; ++b) {
                uint8_t* qs = o.w.data() + size_t(r) * o.wRowBytes + size_t(b) * sizeof(BlockTq2_0);
                for (int j = 0; j < 64; ++j) qs[j] = static_cast<uint8_t>(rng.bits32());
            }
        }
        std::vector<float> extreme(static_cast<size_t>(n));
        for (int64_t j = 0; j < n; ++j) extreme[size_t(j)] = (j % 5 == 0) ? -100.0f : 100.0f;
        ref::quantizeQ8_K(extreme.data(), o.act.data(), n);
        std::vector<uint8_t> tableStore(lutTq2_0TableBytes(n) + 64);
        auto* tables = tableStore.data() + (64 - reinterpret_cast<uintptr_t>(tableStore.data()) % 64) % 64;
        lutTq2_0BuildTables(o.act.data(), tables, n);
        const size_t ldy = size_t(nRows);
        std::vector<float> got(ldy, 0.0f);
        lutTq2_0Gemv(o.w.data(), o.wRowBytes, nRows, tables, n, got.data());
        if (!compare("lut (all codes)", GgmlType::TQ2_0, o, nRows, 1, n, got, ldy, 0.0f)) return;
    }
#else
    skip("the TQ2_0 lookup-table kernel is x86-only");
#endif
}

}  // namespace
}  // namespace hearth::kernels::test
