// Matrix times a batch of activation rows, y = W x, over weights in any type the kernel table can compute.
//
// The weight type is resolved once per matrix (kernelsFor), never per block. Exact mode takes the dot products
// against F32 activations (dotF32: the weights are dequantized on the fly); fast mode quantizes every activation
// row once into the type the weight kernel pairs with (Q8_0 for block quants, as llama.cpp does) and uses the
// integer dot product. Rows are split across threads; every output element is one dot product computed by one
// thread, so the result is the same for any thread count.
//
// In fast mode, weight types with tile kernels on the active ISA (kernels/gemm.h) go through them: each call
// computes a block of rows for all tokens, several rows x tokens at a time, with the activations repacked once
// per input into the tile's layout. Exact mode keeps the per-row dot products of the kernel table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/dispatch.h"
#include "kernels/gemm.h"
#include "kernels/ggml_type.h"

namespace hearth::engine {

class ThreadPool;

// A 2-D weight viewing the mapped file: nOut rows of nIn elements of `type` (ggml shape [nIn, nOut]).
struct Weight {
    const uint8_t* data = nullptr;                 // (nOut, rowBytes) bytes inside the mapping
    kernels::GgmlType type = kernels::GgmlType::F32;
    int64_t nIn = 0;                               // ne[0]: elements per row (the input width)
    int64_t nOut = 0;                              // ne[1]: rows (the output width)
    size_t rowBytes = 0;                           // bytes of one row
    const kernels::TypeKernels* kernels = nullptr; // kernelsFor(type), resolved once at load
    // The same rows re-laid out at load for the active ISA's repacked kernels (kernels::repackedGemmFor), or
    // nullptr: groups of repacked->rowGroup rows, repacked->groupBytes(nIn) bytes each, owned by the Model. Fast
    // mode reads only this copy; exact mode and the embedding lookup read `data`.
    const kernels::GemmKernels* repacked = nullptr;
    const uint8_t* repackedData = nullptr;

    const uint8_t* row(int64_t r) const { return data + size_t(r) * rowBytes; }
};

// The input of one or more matmuls: nTok rows of n F32 activations, plus quantized copies made on first use and
// kept until reset(), so the q/k/v (or gate/up) projections that read the same rows quantize them once.
class MatmulInput {
public:
    // x (nTok, n) must stay alive and unchanged until the next reset.
    void reset(const float* x, int64_t nTok, int64_t n);

    const float* f32() const { return x_; }
    int64_t nTok() const { return nTok_; }
    int64_t n() const { return n_; }

    // The rows quantized to k.actType with k.quantizeAct: (nTok, rowBytes(actType, n)) bytes.
    const uint8_t* quantized(const kernels::TypeKernels& k, ThreadPool& pool);

    // The rows quantized as above, then packed by g.pack: (nTok, g.packedRowBytes(n)) bytes, 64-byte aligned.
    // g.actType must be k.actType (the per-row kernels of the same weight type).
    const uint8_t* packed(const kernels::GemmKernels& g, const kernels::TypeKernels& k, ThreadPool& pool);

private:
    struct Quantized {
        kernels::GgmlType type;
        std::vector<uint8_t> bytes;  // (nTok, rowBytes(type, n))
        bool valid = false;
    };
    const float* x_ = nullptr;
    int64_t nTok_ = 0;
    int64_t n_ = 0;
    struct Packed {
        const kernels::GemmKernels* gemm;
        std::vector<uint8_t> bytes;  // (nTok, packedRowBytes(n)) from the first 64-byte boundary on
        bool valid = false;
    };
    std::vector<Quantized> cache_;  // one per activation type seen; buffers are reused across resets
    std::vector<Packed> packed_;    // one per tile-kernel set seen (the packing depends on the weight type)
};

// y (in.nTok(), w.nOut) = rows of in times w^T. in.n() must equal w.nIn.
void matmul(ThreadPool& pool, const Weight& w, MatmulInput& in, float* y, bool exact);

// Several weights that read the same input (q/k/v, gate/up) in one dispatch: their rows are concatenated and split
// between the threads as one matrix, so the threads meet once instead of once per weight. At most 4 weights; each
// y as in matmul. Results equal separate matmul calls.
struct MatmulOut {
    const Weight* w;
    float* y;
};
void matmulGroup(ThreadPool& pool, std::span<const MatmulOut> outs, MatmulInput& in, bool exact);

// Makes the quantized / packed copy of in that matmul(pool, w, in, y, exact) will read, if any (matmul does this
// itself on first use; calling it first only moves that work, e.g. so a profile can time it apart).
void prepareMatmulInput(ThreadPool& pool, const Weight& w, MatmulInput& in, bool exact);

}  // namespace hearth::engine
