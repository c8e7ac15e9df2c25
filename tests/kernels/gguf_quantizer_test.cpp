// quantizeRow() against llama.cpp's own output: the conformance models were quantized from an F32 file by
// llama-quantize (qcov-*) and gguf-py (stories260K-*, bit-identical to llama-quantize). Re-quantizing the F32
// tensors must reproduce the quantized files byte for byte. Skips when the shared data directory is absent.
//
// The GGUF walk below is a minimal test-only reader (the engine's reader lives in engine/, which kernels-only
// builds do not have); it still checks every length against the file size.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/kernels/harness.h"

namespace hearth::kernels::test {
namespace {

struct TensorInfo {
    GgmlType type;
    std::vector<uint64_t> dims;
    uint64_t offset;  // from the start of the file
};

class Cursor {
public:
    explicit Cursor(const std::vector<uint8_t>& data) : data_(data) {}
    bool ok() const { return ok_; }
    size_t position() const { return pos_; }
    template <class T>
    T read() {
        T v{};
        if (!need(sizeof v)) return v;
        std::memcpy(&v, data_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    std::string readString() {
        const auto n = read<uint64_t>();
        if (!need(n)) return {};
        std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
        pos_ += n;
        return s;
    }
    void skip(uint64_t n) {
        if (need(n)) pos_ += n;
    }

private:
    bool need(uint64_t n) {
        if (!ok_ || n > data_.size() - pos_) ok_ = false;
        return ok_;
    }
    const std::vector<uint8_t>& data_;
    size_t pos_ = 0;
    bool ok_ = true;
};

// Skips one metadata value of GGUF value type `type`; returns general.alignment's value through `u32` if read.
void skipValue(Cursor& c, uint32_t type, uint32_t* u32 = nullptr) {
    constexpr uint64_t kSizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};  // by GGUF value type id
    if (type == 8) {
        c.readString();
    } else if (type == 9) {
        const auto itemType = c.read<uint32_t>();
        const auto count = c.read<uint64_t>();
        if (itemType == 8 || itemType == 9) {
            for (uint64_t i = 0; i < count && c.ok(); ++i) skipValue(c, itemType);
        } else if (itemType < std::size(kSizes)) {
            c.skip(count * kSizes[itemType]);
        } else {
            c.skip(UINT64_MAX);  // unknown type: fail
        }
    } else if (type < std::size(kSizes)) {
        if (type == 4 && u32 != nullptr) {
            *u32 = c.read<uint32_t>();
        } else {
            c.skip(kSizes[type]);
        }
    } else {
        c.skip(UINT64_MAX);
    }
}

struct GgufFile {
    std::vector<uint8_t> bytes;
    std::map<std::string, TensorInfo> tensors;
};

std::optional<GgufFile> loadGguf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    GgufFile file;
    file.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    Cursor c(file.bytes);
    if (c.read<uint32_t>() != 0x46554747u || c.read<uint32_t>() != 3) return std::nullopt;  // "GGUF", v3
    const auto nTensors = c.read<uint64_t>();
    const auto nKv = c.read<uint64_t>();
    uint32_t alignment = 32;
    for (uint64_t i = 0; i < nKv && c.ok(); ++i) {
        const std::string key = c.readString();
        const auto type = c.read<uint32_t>();
        skipValue(c, type, key == "general.alignment" ? &alignment : nullptr);
    }
    std::vector<std::pair<std::string, TensorInfo>> infos;
    for (uint64_t i = 0; i < nTensors && c.ok(); ++i) {
        std::string name = c.readString();
        TensorInfo info{};
        const auto nDims = c.read<uint32_t>();
        for (uint32_t d = 0; d < nDims && d < 8; ++d) info.dims.push_back(c.read<uint64_t>());
        info.type = static_cast<GgmlType>(c.read<uint32_t>());
        info.offset = c.read<uint64_t>();
        infos.emplace_back(std::move(name), info);
    }
    if (!c.ok() || alignment == 0) return std::nullopt;
    const uint64_t dataStart = (c.position() + alignment - 1) / alignment * alignment;
    for (auto& [name, info] : infos) {
        info.offset += dataStart;
        file.tensors[name] = info;
    }
    return file;
}

uint64_t elementCount(const TensorInfo& t) {
    uint64_t n = 1;
    for (const uint64_t d : t.dims) n *= d;
    return n;
}

// Re-quantizes every tensor of `quantizedName` whose type is `type` from the same tensor in `f32Name`.
void compareFiles(const std::string& dir, const char* f32Name, const char* quantizedName, GgmlType type) {
    const std::optional<GgufFile> f32 = loadGguf(dir + "/" + f32Name);
    const std::optional<GgufFile> quantized = loadGguf(dir + "/" + quantizedName);
    if (!CHECK_MSG(f32 && quantized, "cannot read %s or %s", f32Name, quantizedName)) return;
    int compared = 0;
    for (const auto& [name, q] : quantized->tensors) {
        if (q.type != type) continue;
        const auto it = f32->tensors.find(name);
        if (!CHECK_MSG(it != f32->tensors.end() && it->second.type == GgmlType::F32 && it->second.dims == q.dims,
                       "%s: no matching F32 tensor %s", quantizedName, name.c_str())) {
            continue;
        }
        const uint64_t n = elementCount(q);
        const uint64_t rowLength = q.dims[0];
        const uint64_t bytes = rowBytes(type, n);
        if (!CHECK_MSG(it->second.offset + 4 * n <= f32->bytes.size() && q.offset + bytes <= quantized->bytes.size(),
                       "%s: tensor %s out of bounds", quantizedName, name.c_str())) {
            continue;
        }
        std::vector<uint8_t> ours(bytes);
        const auto* src = reinterpret_cast<const float*>(f32->bytes.data() + it->second.offset);  // 32-aligned
        const uint64_t rowSize = rowBytes(type, rowLength);
        for (uint64_t r = 0; r < n / rowLength; ++r) {
            quantizeRow(type, src + r * rowLength, ours.data() + r * rowSize, static_cast<int64_t>(rowLength));
        }
        const uint8_t* theirs = quantized->bytes.data() + q.offset;
        uint64_t mismatches = 0;
        for (uint64_t i = 0; i < bytes; ++i) mismatches += ours[i] != theirs[i];
        CHECK_MSG(mismatches == 0, "%s %s: %llu of %llu bytes differ from llama.cpp's", quantizedName, name.c_str(),
                  static_cast<unsigned long long>(mismatches), static_cast<unsigned long long>(bytes));
        ++compared;
    }
    std::printf("%s: %d %s tensors compared\n", quantizedName, compared, std::string(typeName(type)).c_str());
    CHECK_MSG(compared > 0, "%s has no %s tensors", quantizedName, std::string(typeName(type)).c_str());
}

}  // namespace

HEARTH_TEST(quantizersMatchLlamaCpp) {
    const std::string models = std::string(HEARTH_SHARED_DIR) + "/conformance/models";
    if (!std::ifstream(models + "/qcov-F32.gguf")) {
        skip("shared conformance models not found in " + models);
        return;
    }
    compareFiles(models, "qcov-F32.gguf", "qcov-Q8_0.gguf", GgmlType::Q8_0);
    compareFiles(models, "qcov-F32.gguf", "qcov-Q4_0.gguf", GgmlType::Q4_0);
    compareFiles(models, "qcov-F32.gguf", "qcov-F16.gguf", GgmlType::F16);
    compareFiles(models, "qcov-F32.gguf", "qcov-BF16.gguf", GgmlType::BF16);
    compareFiles(models, "stories260K.gguf", "stories260K-Q8_0.gguf", GgmlType::Q8_0);
    compareFiles(models, "stories260K.gguf", "stories260K-Q4_0.gguf", GgmlType::Q4_0);
    compareFiles(models, "stories260K.gguf", "stories260K-Q8_0.gguf", GgmlType::F16);
    // Types whose llama.cpp quantizer (without an importance matrix) is a plain reference rule we reproduce.
    compareFiles(models, "qcov-F32.gguf", "qcov-Q4_1.gguf", GgmlType::Q4_1);
    compareFiles(models, "qcov-F32.gguf", "qcov-Q5_0.gguf", GgmlType::Q5_0);
    compareFiles(models, "qcov-F32.gguf", "qcov-Q5_1.gguf", GgmlType::Q5_1);
    compareFiles(models, "qcov-F32.gguf", "qcov-TQ1_0.gguf", GgmlType::TQ1_0);
    compareFiles(models, "qcov-F32.gguf", "qcov-TQ2_0.gguf", GgmlType::TQ2_0);
}

// Our dequantizers on llama.cpp's own files: every tensor of each qcov-<TYPE> file is compared with the F32
// original. The relative RMS error (||w - w_F32|| / ||w_F32||) must be within the type's expected quantization
// error (llama.cpp's measured error + ~30%); a nibble-order, scale-packing or sign bug gives errors of order 1.
// The ternary types are the exception: rounding normal weights to {-amax, 0, amax} already loses 81%, so a layout
// bug only reaches ~100%; their layout is pinned by quantizersMatchLlamaCpp (bit-identical round trip) instead.
// Our own quantizer's error on the same tensors is printed next to it and must be of the same order.
HEARTH_TEST(dequantizeLlamaCppFiles) {
    const std::string models = std::string(HEARTH_SHARED_DIR) + "/conformance/models";
    if (!std::ifstream(models + "/qcov-F32.gguf")) {
        skip("shared conformance models not found in " + models);
        return;
    }
    struct Case {
        const char* file;
        GgmlType type;
        double maxRelRms;  // llama.cpp's error on these (random normal) weights, with ~30% headroom
    };
    const Case cases[] = {
        {"qcov-Q8_0.gguf", GgmlType::Q8_0, 0.007},    {"qcov-Q4_0.gguf", GgmlType::Q4_0, 0.11},
        {"qcov-Q4_1.gguf", GgmlType::Q4_1, 0.10},     {"qcov-Q5_0.gguf", GgmlType::Q5_0, 0.056},
        {"qcov-Q5_1.gguf", GgmlType::Q5_1, 0.05},     {"qcov-Q2_K.gguf", GgmlType::Q2_K, 0.39},
        {"qcov-Q3_K.gguf", GgmlType::Q3_K, 0.20},     {"qcov-Q4_K.gguf", GgmlType::Q4_K, 0.093},
        {"qcov-Q5_K.gguf", GgmlType::Q5_K, 0.047},     {"qcov-Q6_K.gguf", GgmlType::Q6_K, 0.023},
        {"qcov-Q4_K_M.gguf", GgmlType::Q4_K, 0.093},   {"qcov-Q4_K_M.gguf", GgmlType::Q6_K, 0.023},
        {"qcov-IQ4_NL.gguf", GgmlType::IQ4_NL, 0.10}, {"qcov-IQ4_XS.gguf", GgmlType::IQ4_XS, 0.10},
        {"qcov-TQ1_0.gguf", GgmlType::TQ1_0, 0.85},   {"qcov-TQ2_0.gguf", GgmlType::TQ2_0, 0.85},
    };
    const std::optional<GgufFile> f32 = loadGguf(models + "/qcov-F32.gguf");
    if (!CHECK_MSG(f32.has_value(), "cannot read qcov-F32.gguf")) return;
    for (const Case& c : cases) {
        const std::optional<GgufFile> q = loadGguf(models + "/" + c.file);
        if (!CHECK_MSG(q.has_value(), "cannot read %s", c.file)) continue;
        const TypeKernels* k = kernelsFor(c.type, Isa::Scalar);
        if (!CHECK_MSG(k != nullptr, "%s: no kernels", std::string(typeName(c.type)).c_str())) continue;
        double worst = 0.0;
        double worstOurs = 0.0;
        int tensors = 0;
        for (const auto& [name, t] : q->tensors) {
            if (t.type != c.type) continue;
            const auto it = f32->tensors.find(name);
            if (!CHECK_MSG(it != f32->tensors.end() && it->second.dims == t.dims, "%s: %s has no F32 original",
                           c.file, name.c_str())) {
                continue;
            }
            const uint64_t n = elementCount(t);
            if (!CHECK_MSG(t.offset + rowBytes(c.type, n) <= q->bytes.size() &&
                               it->second.offset + 4 * n <= f32->bytes.size(),
                           "%s: %s out of bounds", c.file, name.c_str())) {
                continue;
            }
            std::vector<float> original(n), ours(n), roundTrip(n);
            std::memcpy(original.data(), f32->bytes.data() + it->second.offset, 4 * n);
            k->dequantize(q->bytes.data() + t.offset, ours.data(), static_cast<int64_t>(n));
            std::vector<uint8_t> requantized(rowBytes(c.type, n));
            quantizeRow(c.type, original.data(), requantized.data(), static_cast<int64_t>(n));
            k->dequantize(requantized.data(), roundTrip.data(), static_cast<int64_t>(n));
            double err = 0.0, errOurs = 0.0, norm = 0.0;
            for (uint64_t i = 0; i < n; ++i) {
                norm += static_cast<double>(original[i]) * original[i];
                err += (static_cast<double>(ours[i]) - original[i]) * (static_cast<double>(ours[i]) - original[i]);
                errOurs += (static_cast<double>(roundTrip[i]) - original[i]) *
                           (static_cast<double>(roundTrip[i]) - original[i]);
            }
            const double rel = std::sqrt(err / norm);
            const double relOurs = std::sqrt(errOurs / norm);
            worst = std::max(worst, rel);
            worstOurs = std::max(worstOurs, relOurs);
            CHECK_MSG(rel <= c.maxRelRms, "%s %s: relative RMS error %.4f of llama.cpp's data, expected <= %.4f",
                      c.file, name.c_str(), rel, c.maxRelRms);
            // Our quantizer need not match llama.cpp's search, but must be in the same class.
            CHECK_MSG(relOurs <= 1.25 * c.maxRelRms, "%s %s: our quantizer's relative RMS error %.4f (llama.cpp: %.4f)",
                      c.file, name.c_str(), relOurs, rel);
            ++tensors;
        }
        std::printf("%-18s %-6s %2d tensors: llama.cpp data rel. RMS error <= %.4f, our quantizer <= %.4f\n", c.file,
                    std::string(typeName(c.type)).c_str(), tensors, worst, worstOurs);
        CHECK_MSG(tensors > 0, "%s has no %s tensors", c.file, std::string(typeName(c.type)).c_str());
    }
}

}  // namespace hearth::kernels::test
