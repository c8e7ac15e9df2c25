// GGUF writer: builds version 3 (or 2) little-endian GGUF files for tests and for synthesized models.
//
// Metadata and tensor infos are kept in memory (they are small); tensor data is either handed over in memory
// (addTensor) or streamed tensor by tensor through a producer callback at write time (addTensorInfo), so a model
// far larger than RAM can be written. Tensors are laid out in the order they were added, each at an offset that is
// a multiple of the alignment, with zero padding after every tensor (as llama.cpp does).
//
// GgufBytes is the low-level little-endian byte builder the writer uses; tests use it directly to hand-make
// malformed layouts the writer would refuse to produce.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/result.h"
#include "kernels/ggml_type.h"

namespace hearth::engine {

// Appends little-endian values to a byte vector.
class GgufBytes {
public:
    GgufBytes& u8(uint8_t v) { return put(v); }
    GgufBytes& i8(int8_t v) { return put(v); }
    GgufBytes& u16(uint16_t v) { return put(v); }
    GgufBytes& i16(int16_t v) { return put(v); }
    GgufBytes& u32(uint32_t v) { return put(v); }
    GgufBytes& i32(int32_t v) { return put(v); }
    GgufBytes& u64(uint64_t v) { return put(v); }
    GgufBytes& i64(int64_t v) { return put(v); }
    GgufBytes& f32(float v) { return put(v); }
    GgufBytes& f64(double v) { return put(v); }
    GgufBytes& type(GgufType t) { return u32(static_cast<uint32_t>(t)); }
    GgufBytes& str(std::string_view s);                  // u64 length + bytes (GGUF string)
    GgufBytes& raw(std::span<const uint8_t> bytes);      // bytes as they are
    GgufBytes& raw(std::string_view bytes);
    GgufBytes& zeros(uint64_t n);
    GgufBytes& padTo(uint64_t alignment);                // zeros up to the next multiple of alignment
    void patchU64(size_t at, uint64_t v);                // overwrite 8 bytes at `at` (must exist)

    size_t size() const { return bytes_.size(); }
    const std::vector<uint8_t>& bytes() const { return bytes_; }
    std::vector<uint8_t> take() { return std::move(bytes_); }

private:
    template <class T>
    GgufBytes& put(T v) {  // host is little-endian (x86-64, AArch64)
        const size_t at = bytes_.size();
        bytes_.resize(at + sizeof(T));
        std::memcpy(bytes_.data() + at, &v, sizeof(T));
        return *this;
    }
    std::vector<uint8_t> bytes_;
};

// Receives one tensor's bytes, in as many pieces as the producer likes. Returns an error if the sink fails (disk
// full) or more bytes arrive than the tensor holds.
class GgufTensorSink {
public:
    virtual ~GgufTensorSink() = default;
    virtual Status write(std::span<const uint8_t> bytes) = 0;
};

struct GgufTensorSpec {
    std::string name;
    std::vector<int64_t> shape;  // ggml order: shape[0] is the row length; 1..4 entries
    kernels::GgmlType type = kernels::GgmlType::F32;
};

// Writes the data of tensor `index` (in addTensor/addTensorInfo order) into the sink: exactly its byte size
// (kernels::rowBytes(type, shape[0]) * rows). Called once per tensor added without data, in file order.
using GgufTensorProducer = std::function<Status(size_t index, const GgufTensorSpec& spec, GgufTensorSink& sink)>;

class GgufWriter {
public:
    explicit GgufWriter(uint32_t version = 3) : version_(version) {}

    // Metadata. Adding a key that exists replaces its value (keeping its position). general.alignment
    // (uint32, a power of two) also sets the alignment the writer uses; setAlignment adds that key.
    void setAlignment(uint32_t alignment);
    uint32_t alignment() const { return alignment_; }

    void addUint8(std::string_view key, uint8_t v);
    void addInt8(std::string_view key, int8_t v);
    void addUint16(std::string_view key, uint16_t v);
    void addInt16(std::string_view key, int16_t v);
    void addUint32(std::string_view key, uint32_t v);
    void addInt32(std::string_view key, int32_t v);
    void addUint64(std::string_view key, uint64_t v);
    void addInt64(std::string_view key, int64_t v);
    void addFloat32(std::string_view key, float v);
    void addFloat64(std::string_view key, double v);
    void addBool(std::string_view key, bool v);
    void addString(std::string_view key, std::string_view v);

    // Arrays; the element type follows the C++ type.
    void addArray(std::string_view key, std::span<const uint8_t> v);
    void addArray(std::string_view key, std::span<const int8_t> v);
    void addArray(std::string_view key, std::span<const uint16_t> v);
    void addArray(std::string_view key, std::span<const int16_t> v);
    void addArray(std::string_view key, std::span<const uint32_t> v);
    void addArray(std::string_view key, std::span<const int32_t> v);
    void addArray(std::string_view key, std::span<const uint64_t> v);
    void addArray(std::string_view key, std::span<const int64_t> v);
    void addArray(std::string_view key, std::span<const float> v);
    void addArray(std::string_view key, std::span<const double> v);
    void addBoolArray(std::string_view key, const std::vector<bool>& v);
    void addStringArray(std::string_view key, std::span<const std::string> v);
    void addStringArray(std::string_view key, std::span<const std::string_view> v);

    // Any value: `rawType` and the encoded value bytes that follow it, written verbatim (tests: unknown types,
    // nested arrays).
    void addRawValue(std::string_view key, uint32_t rawType, std::vector<uint8_t> valueBytes);

    // Tensors. Both return the tensor's index. addTensor copies nothing more: `data` is moved in and must hold
    // exactly the tensor's byte size (checked at write time).
    size_t addTensor(GgufTensorSpec spec, std::vector<uint8_t> data);
    size_t addTensorF32(std::string name, std::vector<int64_t> shape, std::span<const float> values);
    size_t addTensorInfo(GgufTensorSpec spec);  // data comes from the producer at write time

    size_t tensorCount() const { return tensors_.size(); }
    const GgufTensorSpec& tensorSpec(size_t index) const { return tensors_[index].spec; }

    // Serializes the file. Errors: invalid tensor shapes (dims 1..4, each >= 1, row length a multiple of the
    // type's block), duplicate tensor names, a tensor without data and no producer, a producer writing the wrong
    // number of bytes or failing, I/O errors.
    Result<std::vector<uint8_t>> toBytes(const GgufTensorProducer& produce = {}) const;
    // Writes to `path + ".part"` and renames it to `path` on success (no half-written model is left behind).
    Status writeFile(const std::string& path, const GgufTensorProducer& produce = {}) const;

private:
    struct Kv {
        std::string key;
        uint32_t type = 0;
        std::vector<uint8_t> value;  // encoded value bytes
    };
    struct Tensor {
        GgufTensorSpec spec;
        bool hasData = false;
        std::vector<uint8_t> data;
    };
    using ByteOutput = std::function<Status(std::span<const uint8_t>)>;

    void addKv(std::string_view key, uint32_t type, std::vector<uint8_t> value);
    Status writeTo(const ByteOutput& out, const GgufTensorProducer& produce) const;

    uint32_t version_;
    uint32_t alignment_ = 32;
    std::vector<Kv> kvs_;
    std::vector<Tensor> tensors_;
};

// Byte size of a tensor of this shape and type, or an error naming the problem (used by the writer; handy for
// producers).
Result<uint64_t> ggufTensorBytes(const GgufTensorSpec& spec);

}  // namespace hearth::engine
