// Tensor element types as GGUF stores them. The numeric values are written to disk by llama.cpp (ggml_type) and
// must never change or be reused; unused ids (31..33: removed repacked Q4_0 variants) stay unused.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth::kernels {

enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
};
inline constexpr uint32_t kGgmlTypeIdLimit = 36;  // every valid id is below this

struct TypeTraits {
    std::string_view name;  // llama.cpp's spelling, e.g. "Q4_K"
    uint32_t blockElems;    // elements per block (1 for plain scalar types)
    uint32_t blockBytes;    // bytes per block
    bool computeSupported;  // the engine has kernels for it (loadable as a weight)
};

// Traits of a raw on-disk id, or nullopt if the id names no type.
std::optional<TypeTraits> typeTraits(uint32_t rawId);
TypeTraits traitsOf(GgmlType type);  // type must be valid
inline std::string_view typeName(GgmlType type) { return traitsOf(type).name; }
std::optional<GgmlType> typeFromName(std::string_view name);

// Bytes of a row of n elements; n must be a multiple of blockElems.
inline uint64_t rowBytes(GgmlType type, uint64_t n) {
    const TypeTraits t = traitsOf(type);
    return n / t.blockElems * t.blockBytes;
}
// Bits per weight, e.g. 4.5 for Q4_0.
inline double bitsPerWeight(GgmlType type) {
    const TypeTraits t = traitsOf(type);
    return 8.0 * t.blockBytes / t.blockElems;
}

}  // namespace hearth::kernels
