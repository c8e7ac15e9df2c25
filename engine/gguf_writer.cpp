#include "engine/gguf_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <unordered_set>
#include <utility>

namespace hearth::engine {
namespace {

constexpr char kMagic[4] = {'G', 'G', 'U', 'F'};
constexpr std::string_view kAlignmentKey = "general.alignment";
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kIoChunk = uint64_t{1} << 20;  // file writes go through a 1 MiB stdio buffer

template <class T>
std::vector<uint8_t> scalarBytes(T v) {
    std::vector<uint8_t> out(sizeof(T));
    std::memcpy(out.data(), &v, sizeof(T));
    return out;
}

template <class T>
std::vector<uint8_t> arrayBytes(GgufType elem, std::span<const T> v) {
    GgufBytes b;
    b.type(elem).u64(v.size());
    b.raw(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), v.size_bytes()));
    return b.take();
}

template <class S>
std::vector<uint8_t> stringArrayBytes(std::span<const S> v) {
    GgufBytes b;
    b.type(GgufType::String).u64(v.size());
    for (const auto& s : v) b.str(s);
    return b.take();
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Counts the bytes a producer writes for one tensor and forwards them.
class CountingSink final : public GgufTensorSink {
public:
    CountingSink(std::function<Status(std::span<const uint8_t>)> out, const std::string& name, uint64_t expected)
        : out_(std::move(out)), name_(name), expected_(expected) {}
    Status write(std::span<const uint8_t> bytes) override {
        if (bytes.size() > expected_ - written_) {
            return Error{"tensor '" + name_ + "': the producer wrote more than its " + std::to_string(expected_) +
                         " bytes"};
        }
        written_ += bytes.size();
        return out_(bytes);
    }
    uint64_t written() const { return written_; }

private:
    std::function<Status(std::span<const uint8_t>)> out_;
    const std::string& name_;
    uint64_t expected_;
    uint64_t written_ = 0;
};

}  // namespace

// ---- GgufBytes ----

GgufBytes& GgufBytes::str(std::string_view s) {
    u64(s.size());
    return raw(s);
}

GgufBytes& GgufBytes::raw(std::span<const uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
}

GgufBytes& GgufBytes::raw(std::string_view bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
}

GgufBytes& GgufBytes::zeros(uint64_t n) {
    bytes_.resize(bytes_.size() + n, 0);
    return *this;
}

GgufBytes& GgufBytes::padTo(uint64_t alignment) {
    const uint64_t rem = bytes_.size() % alignment;
    return rem == 0 ? *this : zeros(alignment - rem);
}

void GgufBytes::patchU64(size_t at, uint64_t v) {
    assert(at + sizeof(v) <= bytes_.size());
    std::memcpy(bytes_.data() + at, &v, sizeof(v));
}

// ---- tensor sizes ----

Result<uint64_t> ggufTensorBytes(const GgufTensorSpec& spec) {
    const std::string what = "tensor '" + spec.name + "'";
    if (spec.shape.empty() || spec.shape.size() > kMaxDims) {
        return Error{what + " has " + std::to_string(spec.shape.size()) + " dimensions, expected 1 to 4"};
    }
    const auto traits = kernels::typeTraits(static_cast<uint32_t>(spec.type));
    if (!traits) return Error{what + " has unknown type id " + std::to_string(static_cast<uint32_t>(spec.type))};
    for (int64_t ne : spec.shape) {
        if (ne < 1) return Error{what + " has a dimension of " + std::to_string(ne) + ", expected >= 1"};
    }
    if (spec.shape[0] % traits->blockElems != 0) {
        return Error{what + " (" + std::string(traits->name) + "): row length " + std::to_string(spec.shape[0]) +
                     " is not a multiple of the block size " + std::to_string(traits->blockElems)};
    }
    uint64_t bytes = static_cast<uint64_t>(spec.shape[0]) / traits->blockElems * traits->blockBytes;
    for (size_t d = 1; d < spec.shape.size(); ++d) {
        if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(spec.shape[d]), &bytes)) {
            return Error{what + " needs more than 2^64 bytes"};
        }
    }
    return bytes;
}

// ---- GgufWriter ----

void GgufWriter::addKv(std::string_view key, uint32_t type, std::vector<uint8_t> value) {
    if (key == kAlignmentKey && type == static_cast<uint32_t>(GgufType::Uint32) && value.size() == 4) {
        uint32_t a = 0;
        std::memcpy(&a, value.data(), 4);
        if (isPowerOfTwo(a)) alignment_ = a;
    }
    for (Kv& kv : kvs_) {
        if (kv.key == key) {
            kv.type = type;
            kv.value = std::move(value);
            return;
        }
    }
    kvs_.push_back(Kv{std::string(key), type, std::move(value)});
}

void GgufWriter::setAlignment(uint32_t alignment) {
    assert(isPowerOfTwo(alignment));
    addUint32(kAlignmentKey, alignment);
}

#define HEARTH_SCALAR_ADDER(Name, CType, Enum) \
    void GgufWriter::Name(std::string_view key, CType v) { \
        addKv(key, static_cast<uint32_t>(GgufType::Enum), scalarBytes(v)); \
    }
HEARTH_SCALAR_ADDER(addUint8, uint8_t, Uint8)
HEARTH_SCALAR_ADDER(addInt8, int8_t, Int8)
HEARTH_SCALAR_ADDER(addUint16, uint16_t, Uint16)
HEARTH_SCALAR_ADDER(addInt16, int16_t, Int16)
HEARTH_SCALAR_ADDER(addUint32, uint32_t, Uint32)
HEARTH_SCALAR_ADDER(addInt32, int32_t, Int32)
HEARTH_SCALAR_ADDER(addUint64, uint64_t, Uint64)
HEARTH_SCALAR_ADDER(addInt64, int64_t, Int64)
HEARTH_SCALAR_ADDER(addFloat32, float, Float32)
HEARTH_SCALAR_ADDER(addFloat64, double, Float64)
#undef HEARTH_SCALAR_ADDER

void GgufWriter::addBool(std::string_view key, bool v) {
    addKv(key, static_cast<uint32_t>(GgufType::Bool), scalarBytes<uint8_t>(v ? 1 : 0));
}

void GgufWriter::addString(std::string_view key, std::string_view v) {
    GgufBytes b;
    b.str(v);
    addKv(key, static_cast<uint32_t>(GgufType::String), b.take());
}

#define HEARTH_ARRAY_ADDER(CType, Enum) \
    void GgufWriter::addArray(std::string_view key, std::span<const CType> v) { \
        addKv(key, static_cast<uint32_t>(GgufType::Array), arrayBytes(GgufType::Enum, v)); \
    }
HEARTH_ARRAY_ADDER(uint8_t, Uint8)
HEARTH_ARRAY_ADDER(int8_t, Int8)
HEARTH_ARRAY_ADDER(uint16_t, Uint16)
HEARTH_ARRAY_ADDER(int16_t, Int16)
HEARTH_ARRAY_ADDER(uint32_t, Uint32)
HEARTH_ARRAY_ADDER(int32_t, Int32)
HEARTH_ARRAY_ADDER(uint64_t, Uint64)
HEARTH_ARRAY_ADDER(int64_t, Int64)
HEARTH_ARRAY_ADDER(float, Float32)
HEARTH_ARRAY_ADDER(double, Float64)
#undef HEARTH_ARRAY_ADDER

void GgufWriter::addBoolArray(std::string_view key, const std::vector<bool>& v) {
    GgufBytes b;
    b.type(GgufType::Bool).u64(v.size());
    for (bool x : v) b.u8(x ? 1 : 0);
    addKv(key, static_cast<uint32_t>(GgufType::Array), b.take());
}

void GgufWriter::addStringArray(std::string_view key, std::span<const std::string> v) {
    addKv(key, static_cast<uint32_t>(GgufType::Array), stringArrayBytes(v));
}

void GgufWriter::addStringArray(std::string_view key, std::span<const std::string_view> v) {
    addKv(key, static_cast<uint32_t>(GgufType::Array), stringArrayBytes(v));
}

void GgufWriter::addRawValue(std::string_view key, uint32_t rawType, std::vector<uint8_t> valueBytes) {
    addKv(key, rawType, std::move(valueBytes));
}

size_t GgufWriter::addTensor(GgufTensorSpec spec, std::vector<uint8_t> data) {
    tensors_.push_back(Tensor{std::move(spec), true, std::move(data)});
    return tensors_.size() - 1;
}

size_t GgufWriter::addTensorF32(std::string name, std::vector<int64_t> shape, std::span<const float> values) {
    std::vector<uint8_t> data(values.size_bytes());
    if (!values.empty()) std::memcpy(data.data(), values.data(), values.size_bytes());
    return addTensor(GgufTensorSpec{std::move(name), std::move(shape), kernels::GgmlType::F32}, std::move(data));
}

size_t GgufWriter::addTensorInfo(GgufTensorSpec spec) {
    tensors_.push_back(Tensor{std::move(spec), false, {}});
    return tensors_.size() - 1;
}

Status GgufWriter::writeTo(const ByteOutput& out, const GgufTensorProducer& produce) const {
    // Sizes and offsets first, so nothing is written for an invalid layout.
    std::vector<uint64_t> sizes(tensors_.size());
    std::vector<uint64_t> offsets(tensors_.size());
    std::unordered_set<std::string_view> names;
    uint64_t dataBytes = 0;
    for (size_t i = 0; i < tensors_.size(); ++i) {
        const Tensor& t = tensors_[i];
        if (!names.insert(t.spec.name).second) return Error{"duplicate tensor name '" + t.spec.name + "'"};
        Result<uint64_t> size = ggufTensorBytes(t.spec);
        if (!size) return size.error();
        sizes[i] = *size;
        if (t.hasData && t.data.size() != sizes[i]) {
            return Error{"tensor '" + t.spec.name + "' has " + std::to_string(t.data.size()) + " bytes of data, its " +
                         "shape and type need " + std::to_string(sizes[i])};
        }
        if (!t.hasData && !produce) return Error{"tensor '" + t.spec.name + "' has no data and there is no producer"};
        offsets[i] = dataBytes;
        dataBytes += (sizes[i] + alignment_ - 1) / alignment_ * alignment_;
    }

    // Header, metadata, tensor infos, padding.
    GgufBytes head;
    head.raw(std::string_view(kMagic, sizeof(kMagic))).u32(version_).u64(tensors_.size()).u64(kvs_.size());
    for (const Kv& kv : kvs_) head.str(kv.key).u32(kv.type).raw(kv.value);
    for (size_t i = 0; i < tensors_.size(); ++i) {
        const GgufTensorSpec& s = tensors_[i].spec;
        head.str(s.name).u32(static_cast<uint32_t>(s.shape.size()));
        for (int64_t ne : s.shape) head.i64(ne);
        head.u32(static_cast<uint32_t>(s.type)).u64(offsets[i]);
    }
    head.padTo(alignment_);
    if (Status st = out(head.bytes()); !st) return st;

    // Tensor data, each padded to the alignment.
    const std::vector<uint8_t> padding(alignment_, 0);
    for (size_t i = 0; i < tensors_.size(); ++i) {
        const Tensor& t = tensors_[i];
        if (t.hasData) {
            if (Status st = out(t.data); !st) return st;
        } else {
            CountingSink sink(out, t.spec.name, sizes[i]);
            if (Status st = produce(i, t.spec, sink); !st) return st;
            if (sink.written() != sizes[i]) {
                return Error{"tensor '" + t.spec.name + "': the producer wrote " + std::to_string(sink.written()) +
                             " bytes, expected " + std::to_string(sizes[i])};
            }
        }
        const uint64_t rem = sizes[i] % alignment_;
        if (rem != 0) {
            if (Status st = out(std::span<const uint8_t>(padding.data(), alignment_ - rem)); !st) return st;
        }
    }
    return {};
}

Result<std::vector<uint8_t>> GgufWriter::toBytes(const GgufTensorProducer& produce) const {
    try {
        std::vector<uint8_t> bytes;
        Status st = writeTo(
            [&](std::span<const uint8_t> b) {
                bytes.insert(bytes.end(), b.begin(), b.end());
                return Status{};
            },
            produce);
        if (!st) return st.error();
        return bytes;
    } catch (const std::bad_alloc&) {
        return Error{"out of memory while building a GGUF file in memory"};
    }
}

Status GgufWriter::writeFile(const std::string& path, const GgufTensorProducer& produce) const {
    const std::string part = path + ".part";
    std::FILE* f = std::fopen(part.c_str(), "wb");
    if (f == nullptr) return Error{"cannot create '" + part + "': " + std::strerror(errno)};
    std::setvbuf(f, nullptr, _IOFBF, kIoChunk);
    Status st;
    try {
        st = writeTo(
            [&](std::span<const uint8_t> b) -> Status {
                if (!b.empty() && std::fwrite(b.data(), 1, b.size(), f) != b.size()) {
                    return Error{"cannot write '" + part + "': " + std::strerror(errno)};
                }
                return {};
            },
            produce);
    } catch (const std::bad_alloc&) {
        st = Error{"out of memory while writing '" + path + "'"};
    }
    if (std::fclose(f) != 0 && st) st = Error{"cannot write '" + part + "': " + std::strerror(errno)};
    if (st && std::rename(part.c_str(), path.c_str()) != 0) {
        st = Error{"cannot rename '" + part + "' to '" + path + "': " + std::strerror(errno)};
    }
    if (!st) std::remove(part.c_str());
    return st;
}

}  // namespace hearth::engine
