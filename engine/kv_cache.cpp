#include "engine/kv_cache.h"

#include <cassert>
#include <cstring>
#include <new>
#include <string>

#include "kernels/dispatch.h"
#include "kernels/fp16.h"

namespace hearth::engine {

Result<std::unique_ptr<KvCache>> KvCache::create(int64_t nLayer, int64_t nCtx, int64_t kvDimK, int64_t kvDimV,
                                                 KvType type) {
    assert(nLayer > 0 && nCtx > 0 && kvDimK > 0 && kvDimV > 0);
    std::unique_ptr<KvCache> c(new KvCache());
    c->nLayer_ = nLayer;
    c->nCtx_ = nCtx;
    c->kvDimK_ = kvDimK;
    c->kvDimV_ = kvDimV;
    c->type_ = type;
    c->elemBytes_ = type == KvType::F32 ? 4 : 2;
    const double bytes = double(nLayer) * double(nCtx) * double(kvDimK + kvDimV) * double(c->elemBytes_);
    // Sizes from a hostile file times a huge context can exceed what size_t / vector::max_size() holds (the
    // products below would wrap, or resize would throw length_error rather than bad_alloc).
    if (bytes > double(uint64_t{1} << 52)) {
        return Error{"cannot allocate the KV cache: " + std::to_string(int64_t(bytes / (1 << 20))) +
                     " MiB for " + std::to_string(nCtx) + " positions is beyond any machine"};
    }
    try {
        c->keys_.resize(size_t(nLayer) * size_t(nCtx) * size_t(kvDimK) * c->elemBytes_);
        c->values_.resize(size_t(nLayer) * size_t(nCtx) * size_t(kvDimV) * c->elemBytes_);
    } catch (const std::bad_alloc&) {
        return Error{"cannot allocate the KV cache: " + std::to_string(int64_t(bytes / (1 << 20))) +
                     " MiB for " + std::to_string(nCtx) + " positions"};
    }
    return c;
}

void KvCache::setSize(int64_t n) {
    assert(n >= 0 && n <= nCtx_);
    size_ = n;
}

void KvCache::store(int64_t layer, int64_t pos, const float* k, const float* v) {
    assert(layer >= 0 && layer < nLayer_ && pos >= 0 && pos < nCtx_);
    uint8_t* kd = keys_.data() + size_t((layer * nCtx_ + pos) * kvDimK_) * elemBytes_;
    uint8_t* vd = values_.data() + size_t((layer * nCtx_ + pos) * kvDimV_) * elemBytes_;
    if (type_ == KvType::F32) {
        std::memcpy(kd, k, size_t(kvDimK_) * 4);
        std::memcpy(vd, v, size_t(kvDimV_) * 4);
        return;
    }
    for (int64_t i = 0; i < kvDimK_; ++i) kernels::storeU16(kd + 2 * i, kernels::f32ToFp16(k[i]));
    for (int64_t i = 0; i < kvDimV_; ++i) kernels::storeU16(vd + 2 * i, kernels::f32ToFp16(v[i]));
}

void KvCache::load(const std::vector<uint8_t>& buf, int64_t dim, int64_t layer, int64_t pos0, int64_t count,
                   int64_t offset, int64_t n, float* dst) const {
    assert(layer >= 0 && layer < nLayer_ && pos0 >= 0 && pos0 + count <= nCtx_ && offset + n <= dim);
    const uint8_t* src = buf.data() + size_t((layer * nCtx_ + pos0) * dim + offset) * elemBytes_;
    const size_t stride = size_t(dim) * elemBytes_;
    if (type_ == KvType::F32) {
        for (int64_t r = 0; r < count; ++r) std::memcpy(dst + r * n, src + r * stride, size_t(n) * 4);
        return;
    }
    // F16 -> F32 is exact; the kernel table has the (vectorised) converter.
    static const kernels::TypeKernels* f16 = kernels::kernelsFor(kernels::GgmlType::F16);
    for (int64_t r = 0; r < count; ++r) f16->dequantize(src + r * stride, dst + r * n, n);
}

void KvCache::loadKeys(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const {
    load(keys_, kvDimK_, layer, pos0, count, offset, n, dst);
}

void KvCache::loadValues(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n,
                         float* dst) const {
    load(values_, kvDimV_, layer, pos0, count, offset, n, dst);
}

}  // namespace hearth::engine
