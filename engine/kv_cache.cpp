#include "engine/kv_cache.h"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "kernels/activation.h"
#include "kernels/dispatch.h"
#include "kernels/format_q8_0.h"

namespace hearth::engine {

std::string_view kvTypeName(KvType type) {
    switch (type) {
    case KvType::F32: return "f32";
    case KvType::F16: return "f16";
    case KvType::Q8_0: return "q8_0";
    }
    return "?";
}

std::optional<KvType> parseKvType(std::string_view name) {
    for (KvType t : {KvType::F32, KvType::F16, KvType::Q8_0}) {
        if (name == kvTypeName(t)) return t;
    }
    return std::nullopt;
}

kernels::GgmlType kvGgmlType(KvType type) {
    switch (type) {
    case KvType::F32: return kernels::GgmlType::F32;
    case KvType::F16: return kernels::GgmlType::F16;
    case KvType::Q8_0: return kernels::GgmlType::Q8_0;
    }
    return kernels::GgmlType::F16;
}

Status checkKvType(KvType type, int64_t headDim, int64_t headDimV) {
    if (type != KvType::Q8_0) return {};
    constexpr int64_t kBlock = kernels::kQ8_0BlockElems;
    if (headDim % kBlock != 0 || headDimV % kBlock != 0) {
        return Error{"a q8_0 KV cache needs head_dim a multiple of " + std::to_string(kBlock) +
                     ", but this model has " +
                     (headDim % kBlock != 0 ? "head_dim " + std::to_string(headDim)
                                            : "head_dim_v " + std::to_string(headDimV)) +
                     " (use an f16 KV cache)"};
    }
    return {};
}

Result<std::unique_ptr<KvCache>> KvCache::create(int64_t nLayer, int64_t nCtx, int64_t kvDimK, int64_t kvDimV,
                                                 KvType type, int64_t nHeads) {
    assert(nLayer > 0 && nCtx > 0 && kvDimK > 0 && kvDimV > 0 && nHeads > 0);
    if (kvDimK % nHeads != 0 || kvDimV % nHeads != 0) {
        return Error{"a KV cache of " + std::to_string(nHeads) + " heads needs rows that divide into them, found " +
                     std::to_string(kvDimK) + " keys and " + std::to_string(kvDimV) + " values per position"};
    }
    const kernels::GgmlType gt = kvGgmlType(type);
    const int64_t block = kernels::traitsOf(gt).blockElems;
    if ((kvDimK / nHeads) % block != 0 || (kvDimV / nHeads) % block != 0) {
        return Error{"a " + std::string(kvTypeName(type)) + " KV cache needs heads of a multiple of " +
                     std::to_string(block) + " elements, found " + std::to_string(kvDimK / nHeads) + " keys and " +
                     std::to_string(kvDimV / nHeads) + " values per head"};
    }
    std::unique_ptr<KvCache> c(new KvCache());
    c->nLayer_ = nLayer;
    c->nCtx_ = nCtx;
    c->kvDimK_ = kvDimK;
    c->kvDimV_ = kvDimV;
    c->type_ = type;
    c->keyRowBytes_ = size_t(kernels::rowBytes(gt, uint64_t(kvDimK)));
    c->valueRowBytes_ = size_t(kernels::rowBytes(gt, uint64_t(kvDimV)));
    c->nHeads_ = nHeads;
    c->keyHeadBytes_ = c->keyRowBytes_ / size_t(nHeads);
    c->valueHeadBytes_ = c->valueRowBytes_ / size_t(nHeads);
    c->kernels_ = type == KvType::F32 ? nullptr : kernels::kernelsFor(gt);
    assert(type == KvType::F32 || c->kernels_ != nullptr);
    const double bytes = double(nLayer) * double(nCtx) * double(c->keyRowBytes_ + c->valueRowBytes_);
    // Sizes from a hostile file times a huge context can exceed what size_t / vector::max_size() holds (the
    // products below would wrap into a small allocation).
    if (bytes > double(uint64_t{1} << 52)) {
        return Error{"cannot allocate the KV cache: " + std::to_string(int64_t(bytes / (1 << 20))) +
                     " MiB for " + std::to_string(nCtx) + " positions is beyond any machine"};
    }
    const auto allocate = [](Buffer& buf, size_t n) {
        buf.data.reset(static_cast<uint8_t*>(std::calloc(n == 0 ? 1 : n, 1)));
        buf.size = buf.data ? n : 0;
        return buf.data != nullptr;
    };
    if (!allocate(c->keys_, size_t(nLayer) * size_t(nCtx) * c->keyRowBytes_) ||
        !allocate(c->values_, size_t(nLayer) * size_t(nCtx) * c->valueRowBytes_)) {
        return Error{"cannot allocate the KV cache: " + std::to_string(int64_t(bytes / (1 << 20))) +
                     " MiB for " + std::to_string(nCtx) + " positions"};
    }
    return c;
}

void KvCache::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

void KvCache::setSize(int64_t n) {
    assert(n >= 0 && n <= nCtx_);
    size_ = n;
}

size_t KvCache::elemOffsetBytes(int64_t offset) const {
    switch (type_) {
    case KvType::F32: return size_t(offset) * 4;
    case KvType::F16: return size_t(offset) * 2;
    case KvType::Q8_0:
        assert(offset % kernels::kQ8_0BlockElems == 0);
        return size_t(offset / kernels::kQ8_0BlockElems) * sizeof(kernels::BlockQ8_0);
    }
    return 0;
}

uint8_t* KvCache::at(const Buffer& buf, size_t headBytes, int64_t dim, int64_t layer, int64_t pos,
                     int64_t offset) const {
    const int64_t headDim = dim / nHeads_;
    const int64_t head = offset / headDim;
    return buf.data.get() + (size_t(layer * nHeads_ + head) * size_t(nCtx_) + size_t(pos)) * headBytes +
           elemOffsetBytes(offset - head * headDim);
}

void KvCache::store(int64_t layer, int64_t pos, const float* k, const float* v) {
    assert(layer >= 0 && layer < nLayer_ && pos >= 0 && pos < nCtx_);
    const auto put = [&](const Buffer& buf, size_t headBytes, int64_t dim, const float* x) {
        const int64_t headDim = dim / nHeads_;
        for (int64_t h = 0; h < nHeads_; ++h) {
            uint8_t* d = at(buf, headBytes, dim, layer, pos, h * headDim);
            const float* src = x + h * headDim;
            switch (type_) {
            case KvType::F32: std::memcpy(d, src, headBytes); break;
            case KvType::F16:
                kernels::activationKernels().toF16(src, reinterpret_cast<uint16_t*>(d), headDim);
                break;
            case KvType::Q8_0:
                // The activation quantizer of the Q8_0 entry is the (vectorised) Q8_0 quantizer, bit-identical to
                // kernels::quantizeRow(Q8_0); a head is whole blocks (create).
                kernels_->quantizeAct(src, d, headDim);
                break;
            }
        }
    };
    put(keys_, keyHeadBytes_, kvDimK_, k);
    put(values_, valueHeadBytes_, kvDimV_, v);
}

void KvCache::load(const Buffer& buf, size_t headBytes, int64_t dim, int64_t layer, int64_t pos0,
                   int64_t count, int64_t offset, int64_t n, float* dst) const {
    assert(layer >= 0 && layer < nLayer_ && pos0 >= 0 && pos0 + count <= nCtx_ && offset >= 0 && offset + n <= dim);
    assert(offset / (dim / nHeads_) == (offset + n - 1) / (dim / nHeads_));  // within one head
    const uint8_t* src = at(buf, headBytes, dim, layer, pos0, offset);
    if (type_ == KvType::F32) {
        for (int64_t r = 0; r < count; ++r) std::memcpy(dst + r * n, src + r * headBytes, size_t(n) * 4);
        return;
    }
    // F16 -> F32 is exact, Q8_0 -> F32 is d * q per element; the kernel table has the (vectorised) converters.
    for (int64_t r = 0; r < count; ++r) kernels_->dequantize(src + r * headBytes, dst + r * n, n);
}

void KvCache::loadKeys(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n, float* dst) const {
    load(keys_, keyHeadBytes_, kvDimK_, layer, pos0, count, offset, n, dst);
}

void KvCache::loadValues(int64_t layer, int64_t pos0, int64_t count, int64_t offset, int64_t n,
                         float* dst) const {
    load(values_, valueHeadBytes_, kvDimV_, layer, pos0, count, offset, n, dst);
}

const uint8_t* KvCache::keyData(int64_t layer, int64_t pos, int64_t offset) const {
    assert(layer >= 0 && layer < nLayer_ && pos >= 0 && pos < nCtx_ && offset >= 0 && offset < kvDimK_);
    return at(keys_, keyHeadBytes_, kvDimK_, layer, pos, offset);
}

const uint8_t* KvCache::valueData(int64_t layer, int64_t pos, int64_t offset) const {
    assert(layer >= 0 && layer < nLayer_ && pos >= 0 && pos < nCtx_ && offset >= 0 && offset < kvDimV_);
    return at(values_, valueHeadBytes_, kvDimV_, layer, pos, offset);
}

}  // namespace hearth::engine
