// KvCache: the keys and values of every position seen so far, per layer, so each new token attends to the past
// without recomputing it. Sized once from the context length; a chat session keeps it across turns and truncates
// it when the conversation is edited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/result.h"
#include "kernels/ggml_type.h"

namespace hearth::kernels {
struct TypeKernels;
}

namespace hearth::engine {

// Element type of the cache, per position and layer a row of kvDim keys and one of kvDimV values.
//   F32   4 bytes per element: the exact path the conformance references were made with.
//   F16   2 bytes (llama.cpp's default; ~1e-2 on logits of F32 models): the default of fast contexts.
//   Q8_0  34 bytes per 32 elements (8.5 bits, ~0.53x F16): ggml's block_q8_0 (kernels/format_q8_0.h), each head's
//         slice of a row its own whole blocks, so head_dim and head_dim_v must be multiples of 32 (checkKvType:
//         other models are refused with head_dim named rather than silently given F16, so the memory a user
//         asked for is the memory used). Attention dequantizes it per key block (engine/ops.h).
enum class KvType : uint8_t { F32, F16, Q8_0 };

// "f32", "f16", "q8_0" (the spelling of hearth-cli's --kv-type).
std::string_view kvTypeName(KvType type);
// The inverse of kvTypeName (lower case only); nullopt for anything else.
std::optional<KvType> parseKvType(std::string_view name);
// The GGUF tensor type of the cache's elements (for memory_estimate.h's kvBytesPerToken).
kernels::GgmlType kvGgmlType(KvType type);
// Whether a cache of this type can hold heads of headDim keys and headDimV values: Q8_0 needs both to be multiples
// of its 32-element block (every head's slice must be whole blocks); the error names the model's head_dim.
Status checkKvType(KvType type, int64_t headDim, int64_t headDimV);

class KvCache {
public:
    // nLayer x nCtx rows of kvDimK key and kvDimV value elements, in nHeads heads of kvDimK / nHeads keys and
    // kvDimV / nHeads values. Errors if the allocation fails, or if a head's keys or values are not whole blocks of
    // the type (Q8_0: multiples of 32).
    //
    // Layout: head-major within a layer — the rows of one head at consecutive positions are contiguous
    // (keyStride() bytes apart). Attention reads one head's keys and values over all positions; with whole
    // position rows (all heads) in a row, each head's pass read a strided quarter of every row and the hardware
    // prefetchers fetched the rest as well: with 4 KV heads, ~4x the bytes from memory at long contexts.
    static Result<std::unique_ptr<KvCache>> create(int64_t nLayer, int64_t nCtx, int64_t kvDimK, int64_t kvDimV,
                                                   KvType type, int64_t nHeads = 1);

    int64_t nLayer() const { return nLayer_; }
    int64_t nCtx() const { return nCtx_; }
    int64_t kvDimK() const { return kvDimK_; }
    int64_t kvDimV() const { return kvDimV_; }
    KvType type() const { return type_; }
    // Bytes held, keys and values: nLayer * nCtx * (rowBytes(type, kvDimK) + rowBytes(type, kvDimV)).
    size_t bytes() const { return keys_.size + values_.size; }
    int64_t nHeads() const { return nHeads_; }
    // Bytes of one position's key (value) row in one layer, all heads.
    size_t keyRowBytes() const { return keyRowBytes_; }
    size_t valueRowBytes() const { return valueRowBytes_; }
    // Bytes between the same head's keys (values) at consecutive positions: one head's slice of a row.
    size_t keyStride() const { return keyHeadBytes_; }
    size_t valueStride() const { return valueHeadBytes_; }

    // Positions [0, size()) hold valid keys and values.
    int64_t size() const { return size_; }
    // Marks positions [0, n) valid; 0 <= n <= nCtx. Used after a batch was stored, and to drop a tail.
    void setSize(int64_t n);
    void clear() { setSize(0); }

    // Writes the key row k (kvDimK floats) and value row v (kvDimV floats) of position pos in layer, converting to
    // the cache's type. pos < nCtx; it becomes valid only with setSize.
    void store(int64_t layer, int64_t pos, const float* k, const float* v);

    // Copies elements [offset, offset + n) of the key (value) rows at positions [pos0, pos0 + count) of layer as
    // F32 into dst (count, n): one head's slice of a block of keys, ready for the dot products of attention.
    // The elements lie within one head; for Q8_0, offset and n are multiples of 32.
    void loadKeys(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const;
    void loadValues(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const;

    // The stored bytes of key (value) element `offset` of the row at position pos of layer, in the cache's type;
    // the same head's elements at consecutive positions follow keyStride() (valueStride()) apart. For Q8_0 offset
    // is a multiple of 32 and the pointer is at a block (for kernels that read the stored blocks in place).
    const uint8_t* keyData(int64_t layer, int64_t pos, int64_t offset) const;
    const uint8_t* valueData(int64_t layer, int64_t pos, int64_t offset) const;

private:
    KvCache() = default;
    // Byte offset of element `offset` within a row (offset at a block for Q8_0).
    size_t elemOffsetBytes(int64_t offset) const;
    // Zeroed memory that costs nothing until written: calloc hands large blocks over as fresh zero pages (no memset),
    // so a 32k-token cache is resident only as far as the conversation has filled it.
    struct FreeDeleter {
        void operator()(uint8_t* p) const;
    };
    struct Buffer {
        std::unique_ptr<uint8_t, FreeDeleter> data;
        size_t size = 0;
    };
    void load(const Buffer& buf, size_t headBytes, int64_t dim, int64_t layer, int64_t pos0,
              int64_t count, int64_t offset, int64_t n, float* dst) const;
    // Element `offset` of the row at pos of layer in buf (heads of dim / nHeads_ elements, headBytes each).
    uint8_t* at(const Buffer& buf, size_t headBytes, int64_t dim, int64_t layer, int64_t pos, int64_t offset) const;

    int64_t nLayer_ = 0;
    int64_t nCtx_ = 0;
    int64_t kvDimK_ = 0;
    int64_t kvDimV_ = 0;
    KvType type_ = KvType::F32;
    int64_t nHeads_ = 1;
    size_t keyRowBytes_ = 0;     // rowBytes(type_, kvDimK_)
    size_t valueRowBytes_ = 0;   // rowBytes(type_, kvDimV_)
    size_t keyHeadBytes_ = 0;    // keyRowBytes_ / nHeads_
    size_t valueHeadBytes_ = 0;  // valueRowBytes_ / nHeads_
    const kernels::TypeKernels* kernels_ = nullptr;  // the conversions of type_ (F16 or Q8_0 table entry)
    int64_t size_ = 0;
    Buffer keys_;    // (layer, head, nCtx) rows of keyHeadBytes_ bytes
    Buffer values_;  // (layer, head, nCtx) rows of valueHeadBytes_ bytes
};

}  // namespace hearth::engine
