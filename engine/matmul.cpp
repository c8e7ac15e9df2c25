#include "engine/matmul.h"

#include <algorithm>
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

namespace {

// How matmul computes one weight over one input: the kernel path and the activation rows it reads.
struct Job {
    const Weight* w = nullptr;
    float* y = nullptr;
    const kernels::GemmKernels* gemm = nullptr;  // tile kernels, or nullptr for a per-row path
    bool repacked = false;                       // gemm reads w.repackedData (groups of gemm->rowGroup rows)
    bool f32 = false;                            // per-row dotF32 over F32 activations (else dotAct over x)
    const uint8_t* x = nullptr;                  // the rows the kernel reads (F32, quantized or packed)
    size_t xStride = 0;                          // bytes between them
};

// Picks the path for w and makes the quantized / packed input it needs (once per input, shared between weights).
Job makeJob(ThreadPool& pool, const Weight& w, MatmulInput& in, float* y, bool exact) {
    assert(w.kernels != nullptr && in.n() == w.nIn);
    const kernels::TypeKernels& k = *w.kernels;
    const int64_t nIn = w.nIn;
    Job job{&w, y};
    const bool wholeActBlocks = nIn % int64_t(kernels::traitsOf(k.actType).blockElems) == 0;
    if (!exact && w.repacked != nullptr) {
        // Repacked at load (the kernels chose the layout and their activation type).
        const kernels::GemmKernels* g = w.repacked;
        job.gemm = g;
        job.repacked = true;
        assert(g->actType == k.actType && wholeActBlocks);
        if (g->pack != nullptr) {
            job.x = in.packed(*g, k, pool);
            job.xStride = g->packedRowBytes(nIn);
        } else if (g->actType == GgmlType::F32) {
            job.x = reinterpret_cast<const uint8_t*>(in.f32());
            job.xStride = size_t(nIn) * sizeof(float);
        } else {
            job.x = in.quantized(k, pool);
            job.xStride = kernels::rowBytes(k.actType, uint64_t(nIn));
        }
        return job;
    }
    const kernels::GemmKernels* g = exact ? nullptr : kernels::gemmKernelsFor(w.type);
    if (g != nullptr && (g->actType == GgmlType::F32 || (g->actType == k.actType && wholeActBlocks))) {
        job.gemm = g;
        if (g->pack != nullptr) {
            job.x = in.packed(*g, k, pool);
            job.xStride = g->packedRowBytes(nIn);
        } else if (g->actType != GgmlType::F32) {
            job.x = in.quantized(k, pool);
            job.xStride = kernels::rowBytes(k.actType, uint64_t(nIn));
        } else {
            job.x = reinterpret_cast<const uint8_t*>(in.f32());
            job.xStride = size_t(nIn) * sizeof(float);
        }
        return job;
    }
    // Exact mode, weights without an activation type, and rows whose length is not a whole number of activation
    // blocks (e.g. an F16 ffn_down of 172 columns next to Q8_0 matrices) take the F32 path.
    job.f32 = exact || k.actType == GgmlType::F32 || !wholeActBlocks;
    if (job.f32) {
        job.x = reinterpret_cast<const uint8_t*>(in.f32());
        job.xStride = size_t(nIn) * sizeof(float);
    } else {
        job.x = in.quantized(k, pool);
        job.xStride = kernels::rowBytes(k.actType, uint64_t(nIn));
    }
    return job;
}

// Rows [r0, r1) of the job's weight for all nTok tokens. Each output element is computed the same way whichever
// range it falls in, so the split between threads never changes results.
void runRows(const Job& job, int64_t nTok, int64_t r0, int64_t r1) {
    const Weight& w = *job.w;
    const int64_t nIn = w.nIn;
    const int64_t nOut = w.nOut;
    if (job.repacked) {
        const int64_t g = job.gemm->rowGroup;
        assert(r0 % g == 0);
        const size_t groupBytes = job.gemm->groupBytes(nIn);
        job.gemm->gemm(w.repackedData + size_t(r0 / g) * groupBytes, groupBytes, r1 - r0, job.x, job.xStride, nTok,
                       nIn, job.y + r0, size_t(nOut));
        return;
    }
    if (job.gemm != nullptr) {
        job.gemm->gemm(w.row(r0), w.rowBytes, r1 - r0, job.x, job.xStride, nTok, nIn, job.y + r0, size_t(nOut));
        return;
    }
    const kernels::TypeKernels& k = *w.kernels;
    // Each thread runs its rows over every token, reading each row once; at batch 1 the rows stream from memory,
    // asked for ahead (kernels::prefetchRow).
    const int64_t ahead = nTok == 1 ? kernels::rowsAhead(w.rowBytes) : 0;
    for (int64_t r = r0; r < r1; ++r) {
        const uint8_t* row = w.row(r);
        if (ahead > 0 && r + ahead < nOut) kernels::prefetchRow(w.row(r + ahead), w.rowBytes);
        for (int64_t t = 0; t < nTok; ++t) {
            const uint8_t* xt = job.x + size_t(t) * job.xStride;
            job.y[t * nOut + r] = job.f32 ? k.dotF32(row, reinterpret_cast<const float*>(xt), nIn)
                                          : k.dotAct(row, xt, nIn);
        }
    }
}

// Chunk boundaries in whole row tiles, about ThreadPool::grainFor of work each: a multiple of the tile kernels'
// row count (4) and of every repacked kernel's row group (16), so a chunk of a repacked weight starts on a group.
constexpr int64_t kRowTile = 16;

int64_t rowGrain(int64_t nIn, int64_t nTok) {
    return (ThreadPool::grainFor(nIn * nTok) + kRowTile - 1) / kRowTile * kRowTile;
}

int64_t roundUpRows(int64_t rows) { return (rows + kRowTile - 1) / kRowTile * kRowTile; }

// Rows per claimed chunk: about 8 chunks per thread, so the threads end within a chunk of each other even when
// one streams slower or is descheduled for a while (a static half each made the caller wait ~10 % of a token).
// Token generation and tiny batches (nTok <= 4, the weights one stream): a step of half a share, so the claims
// (a quarter of what is left, at most `step`, at least step / 4: ThreadPool::parallelForDynamic) start at a quarter
// of the share and shrink to an eighth, instead of an eighth down to a thirty-second: fewer kernel calls and claims
// measured ~1.4 % faster on Q2_K TinyLlama tg (2 threads, alternated pairs, 35 of 50 faster), while a step of a
// whole share (-2 %) or 4-grain chunks (-1.5 %) were slower.
int64_t rowChunk(int64_t rows, int nThreads, int64_t nTok) {
    constexpr int64_t kStreamMaxTokens = 4;
    return rows / (int64_t(nThreads) * (nTok <= kStreamMaxTokens ? 2 : 8));
}

}  // namespace

void prepareMatmulInput(ThreadPool& pool, const Weight& w, MatmulInput& in, bool exact) {
    makeJob(pool, w, in, nullptr, exact);
}

void matmul(ThreadPool& pool, const Weight& w, MatmulInput& in, float* y, bool exact) {
    const Job job = makeJob(pool, w, in, y, exact);
    const int64_t nTok = in.nTok();
    // Each thread claims blocks of rows in turn and computes each for all tokens.
    pool.parallelForDynamic(w.nOut, [&](int64_t r0, int64_t r1) { runRows(job, nTok, r0, r1); },
                            rowGrain(w.nIn, nTok), rowChunk(w.nOut, pool.size(), nTok));
}

void matmulGroup(ThreadPool& pool, std::span<const MatmulOut> outs, MatmulInput& in, bool exact) {
    constexpr size_t kMaxOuts = 4;
    assert(outs.size() <= kMaxOuts);
    Job jobs[kMaxOuts];
    // Job j owns [first[j], first[j + 1]) of the concatenation: its rows, padded to whole row tiles so that every
    // chunk of it starts on a tile (and a repacked group); the padding rows are skipped.
    int64_t first[kMaxOuts + 1] = {};
    for (size_t j = 0; j < outs.size(); ++j) {
        jobs[j] = makeJob(pool, *outs[j].w, in, outs[j].y, exact);
        first[j + 1] = first[j] + roundUpRows(outs[j].w->nOut);
    }
    const int64_t nTok = in.nTok();
    const int64_t total = first[outs.size()];
    pool.parallelForDynamic(total, [&](int64_t c0, int64_t c1) {
        for (size_t j = 0; j < outs.size(); ++j) {
            const int64_t r0 = std::max(c0, first[j]) - first[j];
            const int64_t r1 = std::min(std::min(c1, first[j + 1]) - first[j], jobs[j].w->nOut);
            if (r0 < r1) runRows(jobs[j], nTok, r0, r1);
        }
    }, rowGrain(in.n(), nTok), rowChunk(total, pool.size(), nTok));
}

}  // namespace hearth::engine
