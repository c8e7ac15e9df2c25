// KvCache: the keys and values of every position seen so far, per layer, so each new token attends to the past
// without recomputing it. Sized once from the context length; a chat session keeps it across turns and truncates
// it when the conversation is edited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/result.h"

namespace hearth::engine {

// Element type of the cache. F16 halves its memory (llama.cpp's default; ~1e-2 on logits of F32 models), F32 is
// the exact path the conformance references were made with.
enum class KvType : uint8_t { F32, F16 };

class KvCache {
public:
    // nLayer x nCtx rows of kvDimK key and kvDimV value elements. Errors if the allocation fails.
    static Result<std::unique_ptr<KvCache>> create(int64_t nLayer, int64_t nCtx, int64_t kvDimK, int64_t kvDimV,
                                                   KvType type);

    int64_t nLayer() const { return nLayer_; }
    int64_t nCtx() const { return nCtx_; }
    int64_t kvDimK() const { return kvDimK_; }
    int64_t kvDimV() const { return kvDimV_; }
    KvType type() const { return type_; }
    size_t bytes() const { return keys_.size() + values_.size(); }

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
    void loadKeys(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const;
    void loadValues(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const;

private:
    KvCache() = default;
    void load(const std::vector<uint8_t>& buf, int64_t dim, int64_t layer, int64_t pos0, int64_t count,
              int64_t offset, int64_t n, float* dst) const;

    int64_t nLayer_ = 0;
    int64_t nCtx_ = 0;
    int64_t kvDimK_ = 0;
    int64_t kvDimV_ = 0;
    KvType type_ = KvType::F32;
    size_t elemBytes_ = 4;
    int64_t size_ = 0;
    std::vector<uint8_t> keys_;    // (layer, nCtx, kvDimK) elements of type_
    std::vector<uint8_t> values_;  // (layer, nCtx, kvDimV) elements of type_
};

}  // namespace hearth::engine
