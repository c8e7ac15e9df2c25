#include "engine/matmul.h"

#include <cassert>

#include "engine/thread_pool.h"

namespace hearth::engine {

using kernels::GgmlType;

void MatmulInput::reset(const float* x, int64_t nTok, int64_t n) {
    x_ = x;
    nTok_ = nTok;
    n_ = n;
    for (Quantized& q : cache_) q.valid = false;
    for (Packed& p : packed_) p.valid = false;
}

namespace {

uint8_t* align64(uint8_t* p) { return p + (64 - reinterpret_cast<uintptr_t>(p) % 64) % 64; }

}  // namespace

const uint8_t* MatmulInput::packed(const kernels::GemmKernels& g, const kernels::TypeKernels& k, ThreadPool& pool) {
    assert(g.pack != nullptr && g.actType == k.actType);
    Packed* slot = nullptr;
    for (Packed& p : packed_) {
        if (p.gemm == &g) slot = &p;
    }
    if (slot == nullptr) {
        packed_.push_back(Packed{&g, {}, false});
        slot = &packed_.back();
    }
    if (!slot->valid) {
        const uint8_t* xq = quantized(k, pool);
        const size_t qBytes = kernels::rowBytes(k.actType, uint64_t(n_));
        const size_t pBytes = g.packedRowBytes(n_);
        slot->bytes.resize(size_t(nTok_) * pBytes + 64);
        uint8_t* dst = align64(slot->bytes.data());
        pool.parallelFor(
            nTok_,
            [&](int64_t t0, int64_t t1) {
                for (int64_t t = t0; t < t1; ++t) g.pack(xq + size_t(t) * qBytes, dst + size_t(t) * pBytes, n_);
            },
            ThreadPool::grainFor(n_));
        slot->valid = true;
    }
    return align64(slot->bytes.data());
}

const uint8_t* MatmulInput::quantized(const kernels::TypeKernels& k, ThreadPool& pool) {
    Quantized* slot = nullptr;
    for (Quantized& q : cache_) {
        if (q.type == k.actType) slot = &q;
    }
    if (slot == nullptr) {
        cache_.push_back(Quantized{k.actType, {}, false});
        slot = &cache_.back();
    }
    if (!slot->valid) {
        const size_t rowBytes = kernels::rowBytes(k.actType, uint64_t(n_));
        slot->bytes.resize(size_t(nTok_) * rowBytes);
        uint8_t* dst = slot->bytes.data();
        pool.parallelFor(
            nTok_,
            [&](int64_t t0, int64_t t1) {
                for (int64_t t = t0; t < t1; ++t) k.quantizeAct(x_ + t * n_, dst + size_t(t) * rowBytes, n_);
            },
            ThreadPool::grainFor(n_));
        slot->valid = true;
    }
    return slot->bytes.data();
}

void matmul(ThreadPool& pool, const Weight& w, MatmulInput& in, float* y, bool exact) {
    assert(w.kernels != nullptr && in.n() == w.nIn);
    const kernels::TypeKernels& k = *w.kernels;
    const int64_t nTok = in.nTok();
    const int64_t nIn = w.nIn;
    const int64_t nOut = w.nOut;

    const bool wholeActBlocks = nIn % int64_t(kernels::traitsOf(k.actType).blockElems) == 0;

    // Tile kernels: each thread takes a contiguous block of rows, in whole tiles, and computes it for all tokens.
    const kernels::GemmKernels* g = exact ? nullptr : kernels::gemmKernelsFor(w.type);
    if (g != nullptr && (g->actType == GgmlType::F32 || (g->actType == k.actType && wholeActBlocks))) {
        const uint8_t* x = reinterpret_cast<const uint8_t*>(in.f32());
        size_t xStride = size_t(nIn) * sizeof(float);
        if (g->pack != nullptr) {
            x = in.packed(*g, k, pool);
            xStride = g->packedRowBytes(nIn);
        } else if (g->actType != GgmlType::F32) {
            x = in.quantized(k, pool);
            xStride = kernels::rowBytes(k.actType, uint64_t(nIn));
        }
        constexpr int64_t kRowTile = 4;  // the tiles' row count: chunk boundaries on whole tiles
        const int64_t grain = (ThreadPool::grainFor(nIn * nTok) + kRowTile - 1) / kRowTile * kRowTile;
        pool.parallelFor(nOut, [&](int64_t r0, int64_t r1) {
            g->gemm(w.row(r0), w.rowBytes, r1 - r0, x, xStride, nTok, nIn, y + r0, size_t(nOut));
        }, grain);
        return;
    }

    // Exact mode, weights without an activation type, and rows whose length is not a whole number of activation
    // blocks (e.g. an F16 ffn_down of 172 columns next to Q8_0 matrices) take the F32 path.
    const bool f32Path = exact || k.actType == GgmlType::F32 || !wholeActBlocks;
    if (f32Path) {
        const float* x = in.f32();
        // Each thread takes a contiguous block of rows and runs it over every token, reading its rows once.
        pool.parallelFor(nOut, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const uint8_t* row = w.row(r);
                for (int64_t t = 0; t < nTok; ++t) y[t * nOut + r] = k.dotF32(row, x + t * nIn, nIn);
            }
        }, ThreadPool::grainFor(nIn * nTok));
        return;
    }

    const uint8_t* xq = in.quantized(k, pool);
    const size_t actRowBytes = kernels::rowBytes(k.actType, uint64_t(nIn));
    pool.parallelFor(nOut, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.row(r);
            for (int64_t t = 0; t < nTok; ++t) y[t * nOut + r] = k.dotAct(row, xq + size_t(t) * actRowBytes, nIn);
        }
    }, ThreadPool::grainFor(nIn * nTok));
}

}  // namespace hearth::engine
