// libFuzzer target: parse arbitrary bytes as GGUF and, when they parse, touch every value and every tensor's
// first and last byte, so the sanitizers see any view that points outside the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/gguf_reader.h"

using hearth::engine::GgufFile;
using hearth::engine::GgufType;
using hearth::engine::GgufValue;

namespace {

volatile uint64_t gSink;  // keeps the reads from being optimized away

uint64_t touch(std::string_view s) {
    uint64_t h = s.size();
    for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
    return h;
}

uint64_t touchValue(const GgufFile& f, std::string_view key, const GgufValue& v) {
    uint64_t h = static_cast<uint64_t>(v.type) + v.u + static_cast<uint64_t>(v.i) + touch(v.str);
    h += f.getUint(key).value_or(0) + static_cast<uint64_t>(f.getInt(key).value_or(0));
    h += static_cast<uint64_t>(f.getFloat(key).value_or(0.0) != 0.0) + f.getBool(key).value_or(false);
    h += f.getString(key).value_or("").size() + (f.getArray(key) != nullptr);
    if (v.type != GgufType::Array) return h;
    if (v.elemType == GgufType::String) {
        for (std::string_view s : v.strings) h += touch(s);
        return h + (v.strings.size() == v.count);
    }
    for (uint64_t i = 0; i < v.count; ++i) {
        h += static_cast<uint64_t>(v.arrayInt(i));
        h += v.arrayFloat(i) > 0.0;
    }
    return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto r = GgufFile::parse(std::span<const uint8_t>(data, size));
    if (!r.ok()) {
        gSink = r.message().size();
        return 0;
    }
    const GgufFile& f = **r;
    uint64_t h = f.version() + f.alignment() + f.dataOffset() + f.fileBytes();
    for (const auto& kv : f.metadata()) {
        h += touch(kv.key) + touchValue(f, kv.key, kv.value);
        h += f.find(kv.key) == &kv.value;
    }
    for (const auto& t : f.tensors()) {
        h += touch(t.name) + static_cast<uint64_t>(t.nElements()) + static_cast<uint64_t>(t.nRows()) + t.nbytes;
        h += t.data[0] + t.data[t.nbytes - 1];  // nbytes >= 1: every dimension is >= 1
        h += f.findTensor(t.name) == &t;
    }
    gSink = h;
    return 0;
}
