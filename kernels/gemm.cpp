#include "kernels/gemm.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <span>
#include <string_view>

#include "kernels/cpu_features.h"
#include "kernels/gemm_tables.h"
#include "kernels/reference.h"

namespace hearth::kernels {
namespace {

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

// One dot product of the reference's fast path: Q8_0 activations for block types, F32 ones for plain types.
using RefDot = float (*)(const void* row, const void* x, int64_t n);

RefDot refDotFor(GgmlType type) {
    switch (type) {
    case GgmlType::F32: return ref::dotActF32;
    case GgmlType::F16: return ref::dotActF16;
    case GgmlType::BF16: return ref::dotActBf16;
    case GgmlType::Q8_0: return ref::dotQ8_0Q8_0;
    case GgmlType::Q4_0: return ref::dotQ4_0Q8_0;
    default: {
        // Every other block type: the scalar table's fast-path dot product with its activation type (Q8_K for the
        // K-quants and TQ types).
        const TypeKernels* k = kernelsFor(type, Isa::Scalar);
        return k != nullptr && k->actType != GgmlType::F32 ? k->dotAct : nullptr;
    }
    }
}

template <GgmlType T>
void gemmScalar(const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride, int64_t nTok,
                int64_t n, float* y, size_t ldy) {
    gemmReference(T, w, wStride, nRows, x, xStride, nTok, n, y, ldy);
}

constexpr GemmKernels kScalarTable[] = {
    {GgmlType::F32, GgmlType::F32, nullptr, nullptr, gemmScalar<GgmlType::F32>},
    {GgmlType::F16, GgmlType::F32, nullptr, nullptr, gemmScalar<GgmlType::F16>},
    {GgmlType::BF16, GgmlType::F32, nullptr, nullptr, gemmScalar<GgmlType::BF16>},
    {GgmlType::Q8_0, GgmlType::Q8_0, nullptr, nullptr, gemmScalar<GgmlType::Q8_0>},
    {GgmlType::Q4_0, GgmlType::Q8_0, nullptr, nullptr, gemmScalar<GgmlType::Q4_0>},
};

// An ISA's tables, one per source file (gemm_tables.h); a type appears in at most one of them.
using GemmTables = std::array<std::span<const GemmKernels>, 8>;

GemmTables compiledGemmTables(Isa isa) {
    switch (isa) {
    case Isa::Scalar: return {gemmScalarTable()};
#ifdef HEARTH_GEMM_HAVE_AVX2
    // AVX-512 without VNNI has no tiles of its own: the AVX2 ones are the best it can run.
    case Isa::Avx2:
    case Isa::Avx512:
        return {gemmAvx2Table(),     gemmQ8Avx2Table(),     gemmQ4kAvx2Table(),
                gemmQ6kAvx2Table(),  gemmLowbitAvx2Table(), gemmIq4XsAvx2Table()};
#endif
#ifdef HEARTH_GEMM_HAVE_AVX512VNNI
    case Isa::Avx512Vnni:
        return {gemmAvx512VnniTable(), gemmQ4kAvx512VnniTable(), gemmQ6kAvx512VnniTable(), gemmLowbitAvx512VnniTable()};
#endif
    default: return {};
    }
}

GemmTables compiledRepackTables(Isa isa) {
    switch (isa) {
#ifdef HEARTH_GEMM_HAVE_AVX512VNNI
    case Isa::Avx512Vnni:
        return {repackQ4Avx512VnniTable(), repackQ4kAvx512VnniTable(), repackQ6kAvx512VnniTable(),
                repackQ2kAvx512VnniTable(), repackTqAvx512VnniTable(), repackF16Avx512VnniTable(),
                repackIq4XsAvx512VnniTable()};
#endif
    default: (void)isa; return {};
    }
}

// The AMX table, when this build has it, the CPU runs it and HEARTH_AMX does not turn it off ("0").
std::span<const GemmKernels> amxTable() {
#ifdef HEARTH_GEMM_HAVE_AMX
    const char* env = std::getenv("HEARTH_AMX");
    if (env != nullptr && std::string_view(env) == "0") return {};
    if (!cpuSupports(Isa::Avx512Vnni) || !cpuSupportsAmxInt8()) return {};
    return repackAmxTable();
#else
    return {};
#endif
}

// The active ISA's repacked tables, the AMX one first (it overrides the VNNI entries of its types).
GemmTables activeRepackTables() {
    GemmTables tables = compiledRepackTables(activeIsa());
    if (activeIsa() != Isa::Avx512Vnni) return tables;
    const std::span<const GemmKernels> amx = amxTable();
    if (amx.empty()) return tables;
    GemmTables withAmx{amx};
    std::copy(tables.begin(), tables.end() - 1, withAmx.begin() + 1);
    assert(tables.back().empty());
    return withAmx;
}

const GemmKernels* findIn(const GemmTables& tables, GgmlType type) {
    for (const std::span<const GemmKernels> table : tables) {
        for (const GemmKernels& k : table) {
            if (k.type == type) return &k;
        }
    }
    return nullptr;
}

}  // namespace

std::span<const GemmKernels> gemmScalarTable() { return kScalarTable; }

const GemmKernels* gemmKernelsFor(GgmlType type) {
    // Resolved once, like kernelsFor(): the same active ISA (HEARTH_ISA applies).
    static const GemmTables active = compiledGemmTables(activeIsa());
    return findIn(active, type);
}

const GemmKernels* gemmKernelsFor(GgmlType type, Isa isa) {
    if (static_cast<size_t>(isa) >= static_cast<size_t>(Isa::Count) || !cpuSupports(isa)) return nullptr;
    return findIn(compiledGemmTables(isa), type);
}

const GemmKernels* repackedGemmFor(GgmlType type) {
    static const GemmTables active = activeRepackTables();
    return findIn(active, type);
}

const GemmKernels* repackedAmxGemmFor(GgmlType type) {
    static const GemmTables amx{amxTable()};
    return findIn(amx, type);
}

const GemmKernels* repackedGemmFor(GgmlType type, Isa isa) {
    if (static_cast<size_t>(isa) >= static_cast<size_t>(Isa::Count) || !cpuSupports(isa)) return nullptr;
    return findIn(compiledRepackTables(isa), type);
}

void gemmReference(GgmlType type, const void* w, size_t wStride, int64_t nRows, const void* x, size_t xStride,
                   int64_t nTok, int64_t n, float* y, size_t ldy) {
    const RefDot dot = refDotFor(type);
    assert(dot != nullptr);
    for (int64_t t = 0; t < nTok; ++t) {
        for (int64_t r = 0; r < nRows; ++r) {
            y[size_t(t) * ldy + size_t(r)] = dot(bytes(w) + size_t(r) * wStride, bytes(x) + size_t(t) * xStride, n);
        }
    }
}

}  // namespace hearth::kernels
