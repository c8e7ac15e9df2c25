// How much RAM a model needs, from GGUF metadata alone (nothing is loaded), and how much the machine has. The fit
// check ("will this model run?") and the context meter ("how many tokens fit?") are built on these numbers.
//
// Needed RAM = weights + KV cache + compute buffers + fixed overhead, where
//   weights      = sum over tensors of their stored size (GgufTensor::nbytes). The file is memory-mapped, so
//                  these pages are page cache rather than anonymous memory, but they must stay resident for
//                  usable speed, so they count in full. Matrices that Model::load repacks for the CPU's kernels
//                  move into anonymous memory of about the same size and leave the mapping; loadedWeightBytes
//                  counts them at their repacked size (the file's size, plus the padding of the last group of 16
//                  rows; the other matrices, copied as they are where huge pages make that pay
//                  (copiesPlainWeights), at their size in whole 64-byte lines), and a tied output matrix (no
//                  output.weight) twice: the embedding keeps its file form for row lookups next to the repacked
//                  copy the output matmul reads.
//   KV cache     = kvBytesPerToken * n_ctx, with
//                  kvBytesPerToken = n_layer * (rowBytes(kvType, n_head_kv * head_dim_k)
//                                               + rowBytes(kvType, n_head_kv * head_dim_v))
//                  i.e. n_layer * n_head_kv * (head_dim_k + head_dim_v) * bytes per element: F32 4, F16 2,
//                  Q8_0 34/32 (a 32-element block is 32 int8 + one f16 scale). Example: stories260K (5 layers,
//                  4 KV heads, head_dim 8) in F16 = 5 * 4 * (8 + 8) * 2 = 640 bytes per token.
//   compute      = F32 activations of one batch of n_batch tokens (default 512) plus the logits of one token:
//                  4 * (n_batch * (2*n_embd                        residual and its normalised copy
//                                  + n_head*head_dim_k + kvDimK + kvDimV   q, k, v
//                                  + n_head*head_dim_v                     attention output
//                                  + 2*n_ff                                FFN gate and up
//                                  + n_head*n_ctx)                         attention scores against the context
//                       + n_vocab)                                          logits
//                  The scores term is the worst case (every head's full row at once); it makes the estimate an
//                  upper bound (7B at n_ctx 4096: ~0.3 GB, comparable to llama.cpp's compute buffer).
//   overhead     = kFixedOverheadBytes (64 MiB): runtime, thread stacks, tokenizer tables, heap slack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/ggml_type.h"

namespace hearth::engine {

class GgufFile;
struct ModelConfig;

inline constexpr uint64_t kFixedOverheadBytes = uint64_t{64} << 20;  // 64 MiB, see above
inline constexpr int64_t kDefaultBatch = 512;                        // tokens per prompt-processing batch

struct MemoryEstimate {
    uint64_t weightBytes = 0;      // loadedWeightBytes (with repacking)
    uint64_t kvBytesPerToken = 0;  // all layers, K and V
    int64_t nCtx = 0;              // context the KV figure is for
    uint64_t kvBytes = 0;          // kvBytesPerToken * nCtx
    uint64_t computeBytes = 0;     // activations of one batch + logits
    uint64_t overheadBytes = kFixedOverheadBytes;

    uint64_t totalBytes() const { return weightBytes + kvBytes + computeBytes + overheadBytes; }
};

// Sum of GgufTensor::nbytes over every tensor of the file.
uint64_t weightBytes(const GgufFile& file);

// The weights' RAM once Model::load has run on this CPU: weightBytes, with the matrices the active ISA has
// repacked kernels for (kernels::repackedGemmFor) at their repacked size and the plain copies (copiesPlainWeights) at
// theirs, when repack is on (ModelOptions::repack).
uint64_t loadedWeightBytes(const GgufFile& file, bool repack = true);

// Bytes of one KV cache position over all layers (see above), from the shapes alone, so a catalog entry's cache is
// known before its file is downloaded. kvType is F32, F16 or Q8_0 (any type works: a row is rounded up to whole
// blocks). Example: Llama-3-8B (32 layers, 8 KV heads, head_dim 128) in F16: 32 * 8 * (128 + 128) * 2 = 128 KiB.
uint64_t kvBytesPerToken(int64_t nLayer, int64_t nHeadKv, int64_t headDimK, int64_t headDimV,
                         kernels::GgmlType kvType = kernels::GgmlType::F16);

// The same for a model's hyper-parameters.
uint64_t kvBytesPerToken(const ModelConfig& config, kernels::GgmlType kvType = kernels::GgmlType::F16);

// Compute buffers for a batch of nBatch tokens attending to nCtx positions (see above).
uint64_t computeBytes(const ModelConfig& config, int64_t nCtx, int64_t nBatch = kDefaultBatch);

// All of the above for a context of nCtx tokens.
MemoryEstimate estimateMemory(const GgufFile& file, const ModelConfig& config, int64_t nCtx,
                              kernels::GgmlType kvType = kernels::GgmlType::F16, int64_t nBatch = kDefaultBatch);

// The largest context whose total (weights + KV + compute + overhead) fits in budgetBytes; 0 if not even an empty
// context fits. Not capped at the trained context: the caller clamps to config.nCtxTrain.
int64_t maxContextForBudget(const GgufFile& file, const ModelConfig& config, uint64_t budgetBytes,
                            kernels::GgmlType kvType = kernels::GgmlType::F16, int64_t nBatch = kDefaultBatch);

// The same for weights of residentWeightBytes in RAM (a model known by its shapes only, e.g. a catalog entry).
int64_t maxContextForBudget(uint64_t residentWeightBytes, const ModelConfig& config, uint64_t budgetBytes,
                            kernels::GgmlType kvType = kernels::GgmlType::F16, int64_t nBatch = kDefaultBatch);

// RAM of the machine as this process sees it.
struct SystemMemory {
    uint64_t totalBytes = 0;      // MemTotal, or the cgroup limit when lower
    uint64_t availableBytes = 0;  // MemAvailable, or what the cgroup still allows when lower
    bool cgroupLimited = false;   // a container/cgroup limit is below the machine's RAM
};

// Reads <procDir>/meminfo (MemTotal, MemAvailable; kB) and the memory limit of this process's cgroup under
// cgroupRoot: v2 memory.max / memory.current / memory.stat inactive_file, else v1 memory.limit_in_bytes /
// memory.usage_in_bytes / memory.stat total_inactive_file, taking the lowest limit from the process's cgroup up to
// the root (a parent's limit applies to its children). Available in a cgroup = limit - usage + inactive file
// pages (reclaimable cache). nullopt when meminfo is unreadable (not Linux). The directories are parameters so
// tests can point them at a fake tree.
std::optional<SystemMemory> systemMemory(const std::string& procDir = "/proc",
                                         const std::string& cgroupRoot = "/sys/fs/cgroup");

}  // namespace hearth::engine
