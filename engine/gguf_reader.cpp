// GGUF parsing with full validation. The parser walks the file once with a cursor; every read first checks that
// the bytes exist, and every count is checked against the bytes left before anything is sized from it, so a
// corrupt or hostile file fails fast with a message and never makes us allocate more than the file could hold.
// Error strings are only built on failure (the `what` callbacks), keeping the happy path cheap for vocabularies
// with 150k strings.
//
// This file must stay compilable by clang 14 with libstdc++ 12 (the fuzz target builds it): no ranges, no fmt.
#include "engine/gguf_reader.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <new>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>

#include "engine/mapped_file.h"

namespace hearth::engine {
namespace {

constexpr char kMagic[4] = {'G', 'G', 'U', 'F'};
constexpr uint64_t kHeaderBytes = 4 + 4 + 8 + 8;  // magic, version, tensor count, kv count
// Smallest possible encodings, used to reject counts the remaining bytes cannot hold.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;               // empty key, type, one-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, n_dims, one ne, type, offset
constexpr uint64_t kStringHeaderBytes = 8;
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kDefaultAlignment = 32;
constexpr uint32_t kLastValueType = static_cast<uint32_t>(GgufType::Float64);
constexpr std::string_view kAlignmentKey = "general.alignment";

std::string num(uint64_t v) { return std::to_string(v); }
std::string inum(int64_t v) { return std::to_string(v); }

// A name from the file, quoted for a message: control and non-ASCII bytes escaped, long names cut.
std::string quoted(std::string_view s) {
    constexpr size_t kMaxShown = 80;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    if (s.size() > kMaxShown) out += "...";
    out += "'";
    return out;
}

// Bytes of one element of a fixed-size value type; 0 for String, Array and unknown types.
uint64_t fixedSize(GgufType t) {
    switch (t) {
        case GgufType::Uint8:
        case GgufType::Int8:
        case GgufType::Bool: return 1;
        case GgufType::Uint16:
        case GgufType::Int16: return 2;
        case GgufType::Uint32:
        case GgufType::Int32:
        case GgufType::Float32: return 4;
        case GgufType::Uint64:
        case GgufType::Int64:
        case GgufType::Float64: return 8;
        case GgufType::String:
        case GgufType::Array: return 0;
    }
    return 0;
}

template <class T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// Reads element i (already bounds-checked by the caller) of a numeric array as T.
template <class T>
T arrayElem(const GgufValue& v, uint64_t i) {
    const uint8_t* p = v.elems + i * fixedSize(v.elemType);
    switch (v.elemType) {
        case GgufType::Uint8: return static_cast<T>(load<uint8_t>(p));
        case GgufType::Int8: return static_cast<T>(load<int8_t>(p));
        case GgufType::Bool: return static_cast<T>(load<uint8_t>(p) != 0 ? 1 : 0);
        case GgufType::Uint16: return static_cast<T>(load<uint16_t>(p));
        case GgufType::Int16: return static_cast<T>(load<int16_t>(p));
        case GgufType::Uint32: return static_cast<T>(load<uint32_t>(p));
        case GgufType::Int32: return static_cast<T>(load<int32_t>(p));
        case GgufType::Uint64: return static_cast<T>(load<uint64_t>(p));
        case GgufType::Int64: return static_cast<T>(load<int64_t>(p));
        case GgufType::Float32: {
            const float f = load<float>(p);
            if constexpr (std::is_integral_v<T>) {
                // Out-of-range float -> int conversion is undefined; clamp (NaN -> 0).
                if (!(f == f)) return 0;
                if (f >= 9.2e18f) return std::numeric_limits<T>::max();
                if (f <= -9.2e18f) return std::numeric_limits<T>::min();
            }
            return static_cast<T>(f);
        }
        case GgufType::Float64: {
            const double d = load<double>(p);
            if constexpr (std::is_integral_v<T>) {
                if (!(d == d)) return 0;
                if (d >= 9.2e18) return std::numeric_limits<T>::max();
                if (d <= -9.2e18) return std::numeric_limits<T>::min();
            }
            return static_cast<T>(d);
        }
        case GgufType::String:
        case GgufType::Array: break;
    }
    return T{};
}

// A cursor over the file bytes. `what` callbacks describe the field being read, for messages only.
class Cursor {
public:
    explicit Cursor(std::span<const uint8_t> bytes) : b_(bytes) {}

    uint64_t pos() const { return pos_; }
    uint64_t size() const { return b_.size(); }
    uint64_t left() const { return b_.size() - pos_; }
    const uint8_t* here() const { return b_.data() + pos_; }
    // Set when a read failed only because the bytes ended: for a header prefix (parseHeader), more bytes may help.
    mutable bool ranOut = false;
    void skip(uint64_t n) { pos_ += n; }  // n must have been checked

    template <class F>
    Status need(uint64_t n, const F& what) const {
        if (n <= left()) return {};
        ranOut = true;
        return Error{"truncated file: " + what() + " needs " + num(n) + " bytes at offset " + num(pos_) +
                     ", the file ends at " + num(size())};
    }

    template <class T, class F>
    Status read(T& out, const F& what) {
        if (Status s = need(sizeof(T), what); !s) return s;
        out = load<T>(here());
        pos_ += sizeof(T);
        return {};
    }

    template <class F>
    Status readString(std::string_view& out, const F& what) {
        uint64_t len = 0;
        if (Status s = read(len, [&] { return what() + " length"; }); !s) return s;
        if (len > left()) {
            ranOut = true;
            return Error{what() + ": string of " + num(len) + " bytes at offset " + num(pos_) +
                         " runs past the end of the file at " + num(size()) + " (truncated or corrupt file)"};
        }
        out = std::string_view(reinterpret_cast<const char*>(here()), len);
        pos_ += len;
        return {};
    }

private:
    std::span<const uint8_t> b_;
    uint64_t pos_ = 0;
};

// Reads a `Raw` from the file and widens it into `dst` (GgufValue keeps one field per signedness).
template <class Raw, class Dst, class F>
Status readAs(Cursor& c, Dst& dst, const F& what) {
    Raw x{};
    if (Status s = c.read(x, what); !s) return s;
    dst = static_cast<Dst>(x);
    return {};
}

// Parses one value of type `raw` at the cursor. `what` names the value ("metadata key 3 ('x')").
template <class F>
Status parseValue(Cursor& c, uint32_t raw, GgufValue& v, const F& what) {
    if (raw > kLastValueType) {
        return Error{what() + " has unknown value type " + num(raw) + " (expected 0.." + num(kLastValueType) + ")"};
    }
    v.type = static_cast<GgufType>(raw);
    auto valueWhat = [&] { return what() + " " + std::string(ggufTypeName(v.type)) + " value"; };
    switch (v.type) {
        case GgufType::Uint8: return readAs<uint8_t>(c, v.u, valueWhat);
        case GgufType::Int8: return readAs<int8_t>(c, v.i, valueWhat);
        case GgufType::Uint16: return readAs<uint16_t>(c, v.u, valueWhat);
        case GgufType::Int16: return readAs<int16_t>(c, v.i, valueWhat);
        case GgufType::Uint32: return readAs<uint32_t>(c, v.u, valueWhat);
        case GgufType::Int32: return readAs<int32_t>(c, v.i, valueWhat);
        case GgufType::Uint64: return readAs<uint64_t>(c, v.u, valueWhat);
        case GgufType::Int64: return readAs<int64_t>(c, v.i, valueWhat);
        case GgufType::Float32: return readAs<float>(c, v.f, valueWhat);
        case GgufType::Float64: return readAs<double>(c, v.f, valueWhat);
        case GgufType::Bool: {
            // GGUF writes 0 or 1; any non-zero byte reads as true.
            uint8_t x = 0;
            if (Status s = c.read(x, valueWhat); !s) return s;
            v.u = x != 0 ? 1 : 0;
            return {};
        }
        case GgufType::String: return c.readString(v.str, valueWhat);
        case GgufType::Array: break;
    }

    // Array: u32 element type, u64 count, elements.
    uint32_t elemRaw = 0;
    if (Status s = c.read(elemRaw, [&] { return what() + " array element type"; }); !s) return s;
    if (elemRaw == static_cast<uint32_t>(GgufType::Array)) {
        return Error{what() + ": nested arrays are not supported (array element type at offset " +
                     num(c.pos() - 4) + " is array)"};
    }
    if (elemRaw > kLastValueType) {
        return Error{what() + " array has unknown element type " + num(elemRaw) + " at offset " + num(c.pos() - 4) +
                     " (expected 0.." + num(kLastValueType) + ")"};
    }
    v.elemType = static_cast<GgufType>(elemRaw);
    if (Status s = c.read(v.count, [&] { return what() + " array length"; }); !s) return s;

    const bool isString = v.elemType == GgufType::String;
    const uint64_t minElemBytes = isString ? kStringHeaderBytes : fixedSize(v.elemType);
    if (v.count > c.left() / minElemBytes) {
        c.ranOut = true;
        return Error{what() + ": array of " + num(v.count) + " " + std::string(ggufTypeName(v.elemType)) +
                     " elements at offset " + num(c.pos()) + " needs " +
                     (v.count > std::numeric_limits<uint64_t>::max() / minElemBytes
                          ? std::string("more than 2^64")
                          : "at least " + num(v.count * minElemBytes)) +
                     " bytes, only " + num(c.left()) + " remain (truncated or corrupt file)"};
    }
    if (!isString) {
        v.elems = c.here();
        c.skip(v.count * minElemBytes);
        return {};
    }
    v.strings.resize(v.count);  // bounded: count <= bytes left / 8
    for (uint64_t j = 0; j < v.count; ++j) {
        if (Status s = c.readString(v.strings[j], [&] { return what() + " array element " + num(j); }); !s) {
            return s;
        }
    }
    return {};
}

uint64_t alignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace

std::string_view ggufTypeName(GgufType type) {
    switch (type) {
        case GgufType::Uint8: return "uint8";
        case GgufType::Int8: return "int8";
        case GgufType::Uint16: return "uint16";
        case GgufType::Int16: return "int16";
        case GgufType::Uint32: return "uint32";
        case GgufType::Int32: return "int32";
        case GgufType::Float32: return "float32";
        case GgufType::Bool: return "bool";
        case GgufType::String: return "string";
        case GgufType::Array: return "array";
        case GgufType::Uint64: return "uint64";
        case GgufType::Int64: return "int64";
        case GgufType::Float64: return "float64";
    }
    return "unknown";
}

int64_t GgufValue::arrayInt(uint64_t idx) const {
    assert(type == GgufType::Array && idx < count && elemType != GgufType::String);
    if (type != GgufType::Array || idx >= count || elems == nullptr) return 0;
    return arrayElem<int64_t>(*this, idx);
}

double GgufValue::arrayFloat(uint64_t idx) const {
    assert(type == GgufType::Array && idx < count && elemType != GgufType::String);
    if (type != GgufType::Array || idx >= count || elems == nullptr) return 0.0;
    return arrayElem<double>(*this, idx);
}

GgufFile::~GgufFile() = default;

Result<std::unique_ptr<GgufFile>> GgufFile::open(const std::string& path) {
    try {
        Result<MappedFile> mapped = MappedFile::open(path);
        if (!mapped) return mapped.error();
        std::unique_ptr<GgufFile> file(new GgufFile());
        file->map_ = std::make_unique<MappedFile>(std::move(mapped).value());
        file->bytes_ = file->map_->bytes();
        if (Status s = file->parseAll(); !s) return s.error();
        return file;
    } catch (const std::bad_alloc&) {
        return Error{"out of memory while reading the GGUF metadata of '" + path + "'"};
    } catch (const std::exception& e) {
        return Error{std::string("unexpected error while reading '") + path + "': " + e.what()};
    }
}

Result<std::unique_ptr<GgufFile>> GgufFile::parse(std::span<const uint8_t> bytes) {
    try {
        std::unique_ptr<GgufFile> file(new GgufFile());
        file->bytes_ = bytes;
        if (Status s = file->parseAll(); !s) return s.error();
        return file;
    } catch (const std::bad_alloc&) {
        return Error{"out of memory while reading the GGUF metadata"};
    } catch (const std::exception& e) {
        return Error{std::string("unexpected error while reading GGUF metadata: ") + e.what()};
    }
}


Result<std::unique_ptr<GgufFile>> GgufFile::parseHeader(std::span<const uint8_t> prefix, uint64_t fileSize,
                                                        bool* needMore) {
    if (needMore != nullptr) *needMore = false;
    try {
        std::unique_ptr<GgufFile> file(new GgufFile());
        file->bytes_ = prefix;
        file->headerOnly_ = true;
        file->fileSize_ = std::max<uint64_t>(fileSize, prefix.size());
        if (Status s = file->parseAll(); !s) {
            // Only worth more bytes when the prefix, not the file, ended.
            if (needMore != nullptr) *needMore = file->ranOut_ && prefix.size() < file->fileSize_;
            return s.error();
        }
        return file;
    } catch (const std::bad_alloc&) {
        return Error{"out of memory while reading the GGUF metadata"};
    } catch (const std::exception& e) {
        return Error{std::string("unexpected error while reading GGUF metadata: ") + e.what()};
    }
}

Status GgufFile::parseAll() {
    Cursor c(bytes_);
    // Whichever return ends the parse, record whether the bytes ran out (parseHeader asks for more then).
    struct RanOut {
        const Cursor& c;
        bool& out;
        ~RanOut() { out = c.ranOut; }
    } ranOutGuard{c, ranOut_};

    // --- Header ---
    if (bytes_.empty()) return Error{"truncated file: the file is empty, a GGUF header needs " + num(kHeaderBytes) + " bytes"};
    if (Status s = c.need(sizeof(kMagic), [] { return std::string("header magic"); }); !s) return s;
    if (std::memcmp(c.here(), kMagic, sizeof(kMagic)) != 0) {
        return Error{"not a GGUF file: expected magic 'GGUF' at offset 0, found " +
                     quoted(std::string_view(reinterpret_cast<const char*>(c.here()), sizeof(kMagic)))};
    }
    c.skip(sizeof(kMagic));
    if (Status s = c.read(version_, [] { return std::string("header version"); }); !s) return s;
    if (version_ == 0x02000000u || version_ == 0x03000000u) {
        return Error{"big-endian GGUF files are not supported (version field reads " + num(version_) +
                     ", i.e. version " + num(version_ >> 24) + " stored big-endian)"};
    }
    if (version_ == 1) return Error{"GGUF version 1 is not supported (expected version 2 or 3; re-convert the model)"};
    if (version_ != 2 && version_ != 3) {
        return Error{"unsupported GGUF version " + num(version_) + " (expected 2 or 3)"};
    }
    uint64_t nTensors = 0;
    uint64_t nKv = 0;
    if (Status s = c.read(nTensors, [] { return std::string("header tensor count"); }); !s) return s;
    if (Status s = c.read(nKv, [] { return std::string("header metadata count"); }); !s) return s;

    // Reject counts the rest of the file cannot possibly hold before sizing anything from them.
    {
        // A header prefix is checked against the whole file's size (the rest is not here but exists).
        const uint64_t left = headerOnly_ ? std::max(fileSize_, bytes_.size()) - c.pos() : c.left();
        uint64_t kvNeed = 0;
        uint64_t tensorNeed = 0;
        uint64_t need = 0;
        const bool overflow = __builtin_mul_overflow(nKv, kMinKvBytes, &kvNeed) ||
                              __builtin_mul_overflow(nTensors, kMinTensorInfoBytes, &tensorNeed) ||
                              __builtin_add_overflow(kvNeed, tensorNeed, &need);
        if (overflow || need > left) {
            return Error{"implausible header counts (truncated or corrupt file): " + num(nKv) +
                         " metadata entries and " + num(nTensors) + " tensor infos need " +
                         (overflow ? std::string("more than 2^64") : "at least " + num(need)) + " bytes after the " +
                         num(kHeaderBytes) + "-byte header, the file has " + num(left)};
        }
    }

    // --- Metadata ---
    kvs_.resize(nKv);
    kvIndex_.reserve(nKv);
    for (uint64_t i = 0; i < nKv; ++i) {
        GgufKv& kv = kvs_[i];
        if (Status s = c.readString(kv.key, [&] { return "metadata key " + num(i); }); !s) return s;
        auto what = [&] { return "metadata key " + num(i) + " (" + quoted(kv.key) + ")"; };
        uint32_t raw = 0;
        if (Status s = c.read(raw, [&] { return what() + " value type"; }); !s) return s;
        if (Status s = parseValue(c, raw, kv.value, what); !s) return s;
        if (!kvIndex_.emplace(kv.key, i).second) {
            return Error{"duplicate metadata key " + quoted(kv.key) + " (entries " + num(kvIndex_[kv.key]) + " and " +
                         num(i) + ")"};
        }
    }

    alignment_ = kDefaultAlignment;
    if (const GgufValue* a = find(kAlignmentKey)) {
        if (a->type != GgufType::Uint32) {
            return Error{"metadata key 'general.alignment' has type " + std::string(ggufTypeName(a->type)) +
                         ", expected uint32"};
        }
        if (a->u == 0 || (a->u & (a->u - 1)) != 0) {
            return Error{"metadata key 'general.alignment' is " + num(a->u) + ", expected a non-zero power of two"};
        }
        alignment_ = a->u;
    }

    // --- Tensor infos ---
    tensors_.resize(nTensors);
    tensorIndex_.reserve(nTensors);
    for (uint64_t i = 0; i < nTensors; ++i) {
        GgufTensor& t = tensors_[i];
        if (Status s = c.readString(t.name, [&] { return "tensor info " + num(i) + " name"; }); !s) return s;
        auto what = [&] { return "tensor " + num(i) + " (" + quoted(t.name) + ")"; };
        if (!tensorIndex_.emplace(t.name, i).second) {
            return Error{"duplicate tensor name " + quoted(t.name) + " (tensor infos " + num(tensorIndex_[t.name]) +
                         " and " + num(i) + ")"};
        }
        if (Status s = c.read(t.nDims, [&] { return what() + " dimension count"; }); !s) return s;
        if (t.nDims < 1 || t.nDims > kMaxDims) {
            return Error{what() + " has " + num(t.nDims) + " dimensions at offset " + num(c.pos() - 4) +
                         ", expected 1 to " + num(kMaxDims)};
        }
        int64_t elements = 1;
        bool overflow = false;
        for (uint32_t d = 0; d < t.nDims; ++d) {
            uint64_t raw = 0;
            if (Status s = c.read(raw, [&] { return what() + " dimension " + num(d); }); !s) return s;
            const auto ne = static_cast<int64_t>(raw);
            if (ne < 1) {
                return Error{what() + " dimension " + num(d) + " is " + inum(ne) + " at offset " + num(c.pos() - 8) +
                             ", expected >= 1"};
            }
            t.ne[d] = ne;
            overflow = overflow || __builtin_mul_overflow(elements, ne, &elements);
        }
        auto shape = [&] {
            std::string s = "[";
            for (uint32_t d = 0; d < t.nDims; ++d) s += (d ? ", " : "") + inum(t.ne[d]);
            return s + "]";
        };
        if (overflow) return Error{what() + " shape " + shape() + " has more than 2^63 elements"};

        uint32_t typeRaw = 0;
        if (Status s = c.read(typeRaw, [&] { return what() + " type"; }); !s) return s;
        const std::optional<kernels::TypeTraits> traits = kernels::typeTraits(typeRaw);
        if (!traits) return Error{"tensor " + quoted(t.name) + " has unknown type id " + num(typeRaw)};
        t.type = static_cast<kernels::GgmlType>(typeRaw);
        if (t.ne[0] % traits->blockElems != 0) {
            return Error{"tensor " + quoted(t.name) + " (" + std::string(traits->name) + ", shape " + shape() +
                         "): row length " + inum(t.ne[0]) + " is not a multiple of the block size " +
                         num(traits->blockElems)};
        }
        uint64_t rowBytes = 0;
        if (__builtin_mul_overflow(static_cast<uint64_t>(t.ne[0]) / traits->blockElems, traits->blockBytes,
                                   &rowBytes) ||
            __builtin_mul_overflow(rowBytes, static_cast<uint64_t>(t.nRows()), &t.nbytes)) {
            return Error{"tensor " + quoted(t.name) + " shape " + shape() + " needs more than 2^64 bytes"};
        }

        if (Status s = c.read(t.offset, [&] { return what() + " data offset"; }); !s) return s;
        if (t.offset % alignment_ != 0) {
            return Error{"tensor " + quoted(t.name) + " data offset " + num(t.offset) +
                         " is not a multiple of the alignment " + num(alignment_)};
        }
    }

    // --- Data section ---
    const uint64_t infosEnd = c.pos();
    dataOffset_ = alignUp(infosEnd, alignment_);
    // A header prefix: tensor extents are checked against the whole file's size, and no tensor has data here.
    const uint64_t endOfFile = headerOnly_ ? fileSize_ : bytes_.size();
    if (dataOffset_ > endOfFile) {
        if (nTensors > 0) {
            return Error{"truncated file: the tensor data section starts at offset " + num(dataOffset_) +
                         " (tensor infos end at " + num(infosEnd) + ", padded to the alignment " + num(alignment_) +
                         "), the file ends at " + num(endOfFile)};
        }
        dataOffset_ = endOfFile;  // no tensors: writers may omit the final padding
    }
    const uint64_t dataBytes = endOfFile - dataOffset_;
    for (GgufTensor& t : tensors_) {
        if (t.offset > dataBytes || t.nbytes > dataBytes - t.offset) {
            const uint64_t begin = dataOffset_ + t.offset;  // cannot overflow: offset checked against 2^64 below
            return Error{"tensor " + quoted(t.name) + ": data [offset " + num(t.offset) + ", " + num(t.nbytes) +
                         " bytes] starting at file offset " +
                         (begin < dataOffset_ ? std::string("past 2^64") : num(begin)) +
                         " runs past the end of the file (" + num(endOfFile) +
                         " bytes; truncated or corrupt file)"};
        }
        t.data = headerOnly_ ? nullptr : bytes_.data() + dataOffset_ + t.offset;
    }

    // Tensors may be stored in any order, but must not share bytes. (Stable: ties are reported in file order.)
    std::vector<size_t> order(tensors_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return tensors_[a].offset < tensors_[b].offset; });
    for (size_t k = 1; k < order.size(); ++k) {
        const GgufTensor& prev = tensors_[order[k - 1]];
        const GgufTensor& next = tensors_[order[k]];
        if (next.offset < prev.offset + prev.nbytes) {
            return Error{"tensors " + quoted(prev.name) + " [offset " + num(prev.offset) + ", " + num(prev.nbytes) +
                         " bytes] and " + quoted(next.name) + " [offset " + num(next.offset) + ", " +
                         num(next.nbytes) + " bytes] overlap"};
        }
    }
    return {};
}

const GgufValue* GgufFile::find(std::string_view key) const {
    const auto it = kvIndex_.find(key);
    return it == kvIndex_.end() ? nullptr : &kvs_[it->second].value;
}

std::optional<uint64_t> GgufFile::getUint(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr) return std::nullopt;
    switch (v->type) {
        case GgufType::Uint8:
        case GgufType::Uint16:
        case GgufType::Uint32:
        case GgufType::Uint64: return v->u;
        case GgufType::Int8:
        case GgufType::Int16:
        case GgufType::Int32:
        case GgufType::Int64:
            if (v->i < 0) return std::nullopt;
            return static_cast<uint64_t>(v->i);
        default: return std::nullopt;
    }
}

std::optional<int64_t> GgufFile::getInt(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr) return std::nullopt;
    switch (v->type) {
        case GgufType::Uint8:
        case GgufType::Uint16:
        case GgufType::Uint32:
        case GgufType::Uint64:
            if (v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
            return static_cast<int64_t>(v->u);
        case GgufType::Int8:
        case GgufType::Int16:
        case GgufType::Int32:
        case GgufType::Int64: return v->i;
        default: return std::nullopt;
    }
}

std::optional<double> GgufFile::getFloat(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr || (v->type != GgufType::Float32 && v->type != GgufType::Float64)) return std::nullopt;
    return v->f;
}

std::optional<bool> GgufFile::getBool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr || v->type != GgufType::Bool) return std::nullopt;
    return v->u != 0;
}

std::optional<std::string_view> GgufFile::getString(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr || v->type != GgufType::String) return std::nullopt;
    return v->str;
}

const GgufValue* GgufFile::getArray(std::string_view key) const {
    const GgufValue* v = find(key);
    return (v != nullptr && v->type == GgufType::Array) ? v : nullptr;
}

const GgufTensor* GgufFile::findTensor(std::string_view name) const {
    const auto it = tensorIndex_.find(name);
    return it == tensorIndex_.end() ? nullptr : &tensors_[it->second];
}

void GgufFile::dropPages(const uint8_t* p, size_t n) const {
    if (map_ == nullptr || p < bytes_.data() || p > bytes_.data() + bytes_.size()) return;
    map_->dropPages(size_t(p - bytes_.data()), n);
}

void GgufFile::prefault(const uint8_t* p, size_t n) const {
    if (map_ == nullptr || p < bytes_.data() || p > bytes_.data() + bytes_.size()) return;
    map_->prefault(size_t(p - bytes_.data()), n);
}

}  // namespace hearth::engine
