#include "kernels/ggml_type.h"

#include <array>

namespace hearth::kernels {
namespace {

struct Entry {
    bool valid;
    TypeTraits traits;
};

// Indexed by raw id. Sizes are GGUF's block layouts (see each format's header for the fields).
constexpr std::array<Entry, kGgmlTypeIdLimit> kTable = {{
    {true, {"F32", 1, 4, true}},         // 0
    {true, {"F16", 1, 2, true}},         // 1
    {true, {"Q4_0", 32, 18, true}},      // 2
    {true, {"Q4_1", 32, 20, true}},     // 3
    {false, {"", 0, 0, false}},          // 4 (removed Q4_2)
    {false, {"", 0, 0, false}},          // 5 (removed Q4_3)
    {true, {"Q5_0", 32, 22, true}},     // 6
    {true, {"Q5_1", 32, 24, true}},     // 7
    {true, {"Q8_0", 32, 34, true}},      // 8
    {true, {"Q8_1", 32, 36, false}},     // 9
    {true, {"Q2_K", 256, 84, true}},    // 10
    {true, {"Q3_K", 256, 110, true}},   // 11
    {true, {"Q4_K", 256, 144, true}},   // 12
    {true, {"Q5_K", 256, 176, true}},   // 13
    {true, {"Q6_K", 256, 210, true}},   // 14
    {true, {"Q8_K", 256, 292, false}},   // 15
    {true, {"IQ2_XXS", 256, 66, false}}, // 16
    {true, {"IQ2_XS", 256, 74, false}},  // 17
    {true, {"IQ3_XXS", 256, 98, false}}, // 18
    {true, {"IQ1_S", 256, 50, false}},   // 19
    {true, {"IQ4_NL", 32, 18, true}},   // 20
    {true, {"IQ3_S", 256, 110, false}},  // 21
    {true, {"IQ2_S", 256, 82, false}},   // 22
    {true, {"IQ4_XS", 256, 136, true}}, // 23
    {true, {"I8", 1, 1, false}},         // 24
    {true, {"I16", 1, 2, false}},        // 25
    {true, {"I32", 1, 4, false}},        // 26
    {true, {"I64", 1, 8, false}},        // 27
    {true, {"F64", 1, 8, false}},        // 28
    {true, {"IQ1_M", 256, 56, false}},   // 29
    {true, {"BF16", 1, 2, true}},        // 30
    {false, {"", 0, 0, false}},          // 31 (removed Q4_0_4_4)
    {false, {"", 0, 0, false}},          // 32 (removed Q4_0_4_8)
    {false, {"", 0, 0, false}},          // 33 (removed Q4_0_8_8)
    {true, {"TQ1_0", 256, 54, true}},   // 34
    {true, {"TQ2_0", 256, 66, true}},   // 35
}};
static_assert(kTable.size() == kGgmlTypeIdLimit);

}  // namespace

std::optional<TypeTraits> typeTraits(uint32_t rawId) {
    if (rawId >= kTable.size() || !kTable[rawId].valid) return std::nullopt;
    return kTable[rawId].traits;
}

TypeTraits traitsOf(GgmlType type) { return kTable[static_cast<uint32_t>(type)].traits; }

std::optional<GgmlType> typeFromName(std::string_view name) {
    for (uint32_t id = 0; id < kTable.size(); ++id) {
        if (kTable[id].valid && kTable[id].traits.name == name) return static_cast<GgmlType>(id);
    }
    return std::nullopt;
}

}  // namespace hearth::kernels
