// GGUF reader: memory-maps a GGUF file (versions 2 and 3, little-endian) and exposes its metadata and zero-copy
// tensor views. Every count, length, offset, size and alignment is checked against the file before use; a
// malformed file yields an Error that says what was expected and what was found. Nothing here throws or aborts.
//
// File layout (all little-endian):
//   magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
//   n_kv x { string key | u32 value_type | value }
//   n_tensors x { string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset }
//   padding to general.alignment (default 32) | tensor data (offsets are relative to its start)
// string = u64 length + bytes (no terminator); array = u32 elem_type + u64 count + elements.
//
// What the parser accepts (beyond the layout): version 2 or 3 (v1 and big-endian files are refused by name);
// value types 0..12, no nested arrays; unique keys and tensor names; general.alignment, when present, a uint32
// non-zero power of two; 1..4 dimensions, each >= 1 (zero-sized tensors are refused: no real model has one and
// they would make every "rows x row length" computation downstream a special case); a known ggml type id (any of
// them, including ones the engine cannot compute with: that is decided when binding weights); a row length that is
// a multiple of the type's block; offsets that are multiples of the alignment, inside the file and not
// overlapping (tensors may be stored in any order). A file with no tensors may end without the final padding
// (llama.cpp's vocab-only GGUFs do). A Bool byte other than 0 reads as true.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/result.h"
#include "kernels/ggml_type.h"

namespace hearth::engine {

// Written to disk: values are GGUF's and never change.
enum class GgufType : uint32_t {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12,
};
std::string_view ggufTypeName(GgufType type);

// A metadata value, viewing the mapped file. Arrays of numbers are kept as a pointer to their (possibly unaligned)
// bytes; arrays of strings are split into views at parse time. Nested arrays are rejected by the parser.
struct GgufValue {
    GgufType type = GgufType::Uint8;
    uint64_t u = 0;          // unsigned integers and Bool
    int64_t i = 0;           // signed integers
    double f = 0.0;          // Float32 / Float64
    std::string_view str;    // String
    // Array:
    GgufType elemType = GgufType::Uint8;
    uint64_t count = 0;
    const uint8_t* elems = nullptr;           // numeric arrays: count * elemSize bytes
    std::vector<std::string_view> strings;    // string arrays

    // Element i of a numeric array, converted. i must be < count.
    int64_t arrayInt(uint64_t i) const;
    double arrayFloat(uint64_t i) const;
};

struct GgufKv {
    std::string_view key;
    GgufValue value;
};

struct GgufTensor {
    std::string_view name;
    uint32_t nDims = 0;
    int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the row length (innermost), as ggml
    kernels::GgmlType type = kernels::GgmlType::F32;
    uint64_t offset = 0;           // relative to the data section
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr; // inside the mapping
    int64_t nElements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t nRows() const { return ne[1] * ne[2] * ne[3]; }
};

class MappedFile;

class GgufFile {
public:
    // Maps and parses a file. Errors name the file part at fault (e.g. "tensor 'blk.0.attn_q.weight': data
    // [offset 4096, 8192 bytes] ends past the end of the file (6000 bytes)").
    static Result<std::unique_ptr<GgufFile>> open(const std::string& path);
    // Parses a buffer the caller keeps alive (tests, fuzzing).
    static Result<std::unique_ptr<GgufFile>> parse(std::span<const uint8_t> bytes);
    // Parses the metadata and tensor infos from the first bytes of a file of `fileSize` bytes (e.g. fetched with an
    // HTTP Range request), checking tensor extents against fileSize. Tensors have no data (data == nullptr) and
    // fileBytes() is fileSize. On an error, *needMore says whether it was only that the prefix ended early.
    static Result<std::unique_ptr<GgufFile>> parseHeader(std::span<const uint8_t> prefix, uint64_t fileSize,
                                                         bool* needMore = nullptr);

    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    uint32_t version() const { return version_; }
    uint64_t fileBytes() const { return headerOnly_ ? fileSize_ : bytes_.size(); }
    uint64_t alignment() const { return alignment_; }
    uint64_t dataOffset() const { return dataOffset_; }

    const std::vector<GgufKv>& metadata() const { return kvs_; }
    const GgufValue* find(std::string_view key) const;

    // Typed getters: nullopt when absent or of an incompatible type (any integer type converts to the integer
    // getters when it fits; Float32/Float64 to getFloat).
    std::optional<uint64_t> getUint(std::string_view key) const;
    std::optional<int64_t> getInt(std::string_view key) const;
    std::optional<double> getFloat(std::string_view key) const;
    std::optional<bool> getBool(std::string_view key) const;
    std::optional<std::string_view> getString(std::string_view key) const;
    const GgufValue* getArray(std::string_view key) const;  // nullptr unless an Array

    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const GgufTensor* findTensor(std::string_view name) const;

    // Hint that tensor bytes [p, p + n) (inside this file's data) will not be read for a while: on a mapped file
    // their whole pages leave resident memory (MappedFile::dropPages); a parsed buffer is left alone.
    void dropPages(const uint8_t* p, size_t n) const;
    // Reads tensor bytes [p, p + n) in now (MappedFile::prefault); a parsed buffer is in memory already.
    void prefault(const uint8_t* p, size_t n) const;

private:
    GgufFile() = default;
    Status parseAll();

    std::unique_ptr<MappedFile> map_;
    std::span<const uint8_t> bytes_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t dataOffset_ = 0;
    bool headerOnly_ = false;  // parseHeader: bytes_ is a prefix of a file of fileSize_ bytes
    uint64_t fileSize_ = 0;
    bool ranOut_ = false;      // the last parse failed because the bytes ended
    std::vector<GgufKv> kvs_;
    std::vector<GgufTensor> tensors_;
    // Name -> index into kvs_ / tensors_ (names are unique: duplicates are rejected).
    std::unordered_map<std::string_view, size_t> kvIndex_;
    std::unordered_map<std::string_view, size_t> tensorIndex_;
};

}  // namespace hearth::engine
