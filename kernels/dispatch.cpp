#include "kernels/dispatch.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "kernels/cpu_features.h"
#include "kernels/isa_tables.h"
#include "kernels/reference.h"
#include "kernels/reference_kquants.h"
#include "kernels/reference_legacy.h"

namespace hearth::kernels {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Isa::Count)> kIsaNames = {
    "scalar", "avx2", "avx512", "avx512vnni", "neon", "neondot",
};

constexpr TypeKernels kScalarTable[] = {
    {GgmlType::F32, ref::dequantizeF32, ref::dotF32, GgmlType::F32, ref::quantizeF32, ref::dotActF32},
    {GgmlType::F16, ref::dequantizeF16, ref::dotF16, GgmlType::F32, ref::quantizeF32, ref::dotActF16},
    {GgmlType::BF16, ref::dequantizeBf16, ref::dotBf16, GgmlType::F32, ref::quantizeF32, ref::dotActBf16},
    {GgmlType::Q8_0, ref::dequantizeQ8_0, ref::dotQ8_0, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotQ8_0Q8_0},
    {GgmlType::Q4_0, ref::dequantizeQ4_0, ref::dotQ4_0, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotQ4_0Q8_0},
    {GgmlType::Q4_1, ref::dequantizeQ4_1, ref::dotQ4_1, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotQ4_1Q8_0},
    {GgmlType::Q5_0, ref::dequantizeQ5_0, ref::dotQ5_0, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotQ5_0Q8_0},
    {GgmlType::Q5_1, ref::dequantizeQ5_1, ref::dotQ5_1, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotQ5_1Q8_0},
    {GgmlType::Q2_K, ref::dequantizeQ2_K, ref::dotQ2_K, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotQ2_KQ8_K},
    {GgmlType::Q3_K, ref::dequantizeQ3_K, ref::dotQ3_K, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotQ3_KQ8_K},
    {GgmlType::Q4_K, ref::dequantizeQ4_K, ref::dotQ4_K, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotQ4_KQ8_K},
    {GgmlType::Q5_K, ref::dequantizeQ5_K, ref::dotQ5_K, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotQ5_KQ8_K},
    {GgmlType::Q6_K, ref::dequantizeQ6_K, ref::dotQ6_K, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotQ6_KQ8_K},
    {GgmlType::IQ4_NL, ref::dequantizeIq4Nl, ref::dotIq4Nl, GgmlType::Q8_0, ref::quantizeQ8_0, ref::dotIq4NlQ8_0},
    {GgmlType::IQ4_XS, ref::dequantizeIq4Xs, ref::dotIq4Xs, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotIq4XsQ8_K},
    {GgmlType::TQ1_0, ref::dequantizeTq1_0, ref::dotTq1_0, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotTq1_0Q8_K},
    {GgmlType::TQ2_0, ref::dequantizeTq2_0, ref::dotTq2_0, GgmlType::Q8_K, ref::quantizeQ8_K, ref::dotTq2_0Q8_K},
};
static_assert(std::size(kScalarTable) == kKernelTypeCount);

enum class Family { Portable, X86, Arm };

Family familyOf(Isa isa) {
    switch (isa) {
    case Isa::Avx2:
    case Isa::Avx512:
    case Isa::Avx512Vnni: return Family::X86;
    case Isa::Neon:
    case Isa::NeonDot: return Family::Arm;
    default: return Family::Portable;
    }
}

// The table this build has for isa (empty when it was not compiled in).
std::span<const TypeKernels> compiledTable(Isa isa) {
    switch (isa) {
    case Isa::Scalar: return scalarTable();
#ifdef HEARTH_KERNELS_HAVE_AVX2
    case Isa::Avx2: return avx2Table();
#endif
#ifdef HEARTH_KERNELS_HAVE_AVX512
    case Isa::Avx512: return avx512Table();
#endif
#ifdef HEARTH_KERNELS_HAVE_AVX512VNNI
    case Isa::Avx512Vnni: return avx512VnniTable();
#endif
#ifdef HEARTH_KERNELS_HAVE_NEON
    case Isa::Neon: return neonTable();
#endif
#ifdef HEARTH_KERNELS_HAVE_NEONDOT
    case Isa::NeonDot: return neonDotTable();
#endif
    default: return {};
    }
}

bool runnable(Isa isa) { return !compiledTable(isa).empty() && cpuSupports(isa); }

std::optional<Isa> parseIsa(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < kIsaNames.size(); ++i) {
        if (kIsaNames[i] == lower) return static_cast<Isa>(i);
    }
    return std::nullopt;
}

Isa chooseActiveIsa() {
    const std::vector<Isa> isas = runnableIsas();
    Isa best = isas.back();  // runnableIsas() is ordered, least capable first
    const char* env = std::getenv("HEARTH_ISA");
    if (env == nullptr || *env == '\0') return best;
    const std::optional<Isa> cap = parseIsa(env);
    if (!cap) {
        std::fprintf(stderr,
                     "hearth: ignoring HEARTH_ISA=%s (expected scalar, avx2, avx512, avx512vnni, neon or neondot)\n",
                     env);
        return best;
    }
    if (*cap == Isa::Scalar) return Isa::Scalar;
    if (familyOf(*cap) != familyOf(best) && best != Isa::Scalar) {
        std::fprintf(stderr, "hearth: ignoring HEARTH_ISA=%s (this CPU runs %s)\n", env,
                     std::string(isaName(best)).c_str());
        return best;
    }
    // The best runnable ISA not above the cap (within one family the enum is ordered by capability).
    Isa chosen = Isa::Scalar;
    for (const Isa isa : isas) {
        if (static_cast<uint8_t>(isa) <= static_cast<uint8_t>(*cap)) chosen = isa;
    }
    return chosen;
}

const TypeKernels* findIn(std::span<const TypeKernels> table, GgmlType type) {
    for (const TypeKernels& k : table) {
        if (k.type == type) return &k;
    }
    return nullptr;
}

}  // namespace

std::span<const TypeKernels> scalarTable() { return kScalarTable; }

std::string_view isaName(Isa isa) {
    const auto i = static_cast<size_t>(isa);
    return i < kIsaNames.size() ? kIsaNames[i] : std::string_view("unknown");
}

std::vector<Isa> runnableIsas() {
    std::vector<Isa> isas;
    for (size_t i = 0; i < static_cast<size_t>(Isa::Count); ++i) {
        const auto isa = static_cast<Isa>(i);
        if (runnable(isa)) isas.push_back(isa);
    }
    return isas;
}

Isa activeIsa() {
    static const Isa active = chooseActiveIsa();
    return active;
}

const TypeKernels* kernelsFor(GgmlType type) {
    // Resolved once: the engine calls this once per matrix, the kernels then run without further dispatch.
    static const std::span<const TypeKernels> active = compiledTable(activeIsa());
    return findIn(active, type);
}

const TypeKernels* kernelsFor(GgmlType type, Isa isa) {
    if (static_cast<size_t>(isa) >= static_cast<size_t>(Isa::Count) || !runnable(isa)) return nullptr;
    return findIn(compiledTable(isa), type);
}

void quantizeRow(GgmlType type, const float* x, void* dst, int64_t n) {
    switch (type) {
    case GgmlType::F32: ref::quantizeF32(x, dst, n); return;
    case GgmlType::F16: ref::quantizeF16(x, dst, n); return;
    case GgmlType::BF16: ref::quantizeBf16(x, dst, n); return;
    case GgmlType::Q8_0: ref::quantizeQ8_0(x, dst, n); return;
    case GgmlType::Q4_0: ref::quantizeQ4_0(x, dst, n); return;
    case GgmlType::Q4_1: ref::quantizeQ4_1(x, dst, n); return;
    case GgmlType::Q5_0: ref::quantizeQ5_0(x, dst, n); return;
    case GgmlType::Q5_1: ref::quantizeQ5_1(x, dst, n); return;
    case GgmlType::Q8_K: ref::quantizeQ8_K(x, dst, n); return;
    case GgmlType::Q2_K: ref::quantizeQ2_K(x, dst, n); return;
    case GgmlType::Q3_K: ref::quantizeQ3_K(x, dst, n); return;
    case GgmlType::Q4_K: ref::quantizeQ4_K(x, dst, n); return;
    case GgmlType::Q5_K: ref::quantizeQ5_K(x, dst, n); return;
    case GgmlType::Q6_K: ref::quantizeQ6_K(x, dst, n); return;
    case GgmlType::IQ4_NL: ref::quantizeIq4Nl(x, dst, n); return;
    case GgmlType::IQ4_XS: ref::quantizeIq4Xs(x, dst, n); return;
    case GgmlType::TQ1_0: ref::quantizeTq1_0(x, dst, n); return;
    case GgmlType::TQ2_0: ref::quantizeTq2_0(x, dst, n); return;
    default: break;
    }
    // A programmer error: callers check traitsOf(type).computeSupported first.
    std::fprintf(stderr, "hearth: quantizeRow has no quantizer for type %s\n", std::string(typeName(type)).c_str());
    std::abort();
}

}  // namespace hearth::kernels
