// The fit check: "will this model run here, with how much context, and how fast?" — answered from the model's own
// metadata (or, before a download, from its shapes) and this machine's memory, for the catalog, the local models
// page and `hearth-cli info` alike, so all three show the same numbers for the same file.
//
// RAM needed is engine/memory_estimate.h's total (resident weights + KV cache at the chosen context and KV type +
// compute buffers + fixed overhead). It is compared with the memory available now (MemAvailable, or what the cgroup
// still allows) and with the total (MemTotal or the cgroup limit):
//
//   Fits   needed <= 85 % of available. The 15 % left covers what the estimate cannot see: MemAvailable is the
//          kernel's guess of what could be reclaimed, other programs grow while the model runs, and the heap
//          fragments. A model that fits runs without disturbing anything else.
//   Tight  not Fits, but needed <= available, or needed <= 90 % of total. Either it fits with almost no headroom,
//          or it would run only once other programs give memory back (closing them, or the kernel swapping them
//          out). The last 10 % of the total is what the kernel, the desktop and the app itself need to stay
//          responsive: beyond it the machine thrashes.
//   No     needed > available and needed > 90 % of total: it does not run on this machine at this context
//          (a smaller context, a q8_0 KV cache or a smaller quantization may).
//
// The largest context that fits (maxCtxFit) is the largest n with total(n) <= available (the Tight boundary, not
// the Fits one: a user asking "how far can I go?" wants the limit), capped at the trained context; 0 when the
// weights alone do not fit.
//
// Predicted generation speed: generating a token streams every weight it uses from RAM once, plus the KV cache
// of the positions so far, so tokens/s <= bandwidth / bytes read per token. Bytes read per token =
// weightBytesPerToken (bytesPerTokenFromFile) + kvBytesPerToken(kvType) * n_ctx / 2 (the cache read at a typical
// fill, half the context: a chat grows from empty to full). This is the roofline ceiling; `hearth-cli bench`
// reports how close the engine comes to it (its tg_gbps against mem_gbps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/memory_estimate.h"
#include "engine/model_config.h"
#include "kernels/ggml_type.h"

namespace hearth::engine {

class GgufFile;

enum class FitVerdict : uint8_t { Fits, Tight, No };

inline constexpr double kFitsShareOfAvailable = 0.85;  // Fits: needed <= this share of available (see above)
inline constexpr double kTightShareOfTotal = 0.90;     // Tight: needed <= this share of total (or <= available)

// "fits", "tight" or "no" (hearth-cli info's JSON key `fit`).
std::string_view fitVerdictName(FitVerdict verdict);

// The verdict for needing neededBytes on a machine with `memory` (the rule above).
FitVerdict fitVerdict(uint64_t neededBytes, const SystemMemory& memory);

// Bytes of weights one generated token reads (as hearth-cli bench counts it): every tensor of the file except the
// token embedding, of which one row (the token's) is read — unless the output is tied to the embedding (no
// output.weight): then the output matmul reads all of it, and the row lookup one row more.
uint64_t bytesPerTokenFromFile(const GgufFile& file);

// A model known by its shapes only (a catalog entry before download). Fields of 0 are derived where they can be.
struct ModelShape {
    uint64_t fileBytes = 0;  // size of the GGUF file: the weights plus a metadata header (vocabulary; < ~1-2 %)
    int64_t nLayer = 0;
    int64_t nHead = 0;       // query heads; 0: nEmbd / headDim (llama, qwen2; qwen3 sets it explicitly)
    int64_t nHeadKv = 0;     // key/value heads (GQA)
    int64_t headDim = 0;     // key head size
    int64_t headDimV = 0;    // value head size; 0: headDim
    int64_t nEmbd = 0;
    int64_t nFf = 0;
    int64_t nVocab = 0;
    int64_t nCtxTrain = 0;
    bool tiedOutput = false;  // no separate output matrix (config.json tie_word_embeddings)
    // Stored bytes of token_embd when known; 0: estimated as nVocab * nEmbd parameters at the file's average bytes
    // per parameter (fileBytes / parameterCount()).
    uint64_t embdBytes = 0;
    // token_embd's type when known: with a tied output it decides whether this CPU keeps a repacked copy
    // (kernels::repackedGemmFor). Unknown: a copy is assumed (an upper bound).
    std::optional<kernels::GgmlType> embdType;

    // Parameters the shapes imply: embedding (and output unless tied), per layer q/k/v/o, gate/up/down and the two
    // norms, and the final norm. Biases are left out (a few thousand per layer).
    uint64_t parameterCount() const;
    // The hyper-parameters memory_estimate's formulas need (arch and RoPE fields left at their defaults).
    ModelConfig config() const;
};

// The shapes of a file (for comparing the two variants, and for one code path in callers that hold a file).
ModelShape shapeOf(const GgufFile& file, const ModelConfig& config);

struct FitReport {
    MemoryEstimate memory;            // at the requested context and KV type
    kernels::GgmlType kvType = kernels::GgmlType::F16;
    uint64_t availableBytes = 0;      // SystemMemory::availableBytes
    uint64_t totalBytes = 0;          // SystemMemory::totalBytes
    bool cgroupLimited = false;       // SystemMemory::cgroupLimited
    FitVerdict verdict = FitVerdict::No;
    int64_t maxCtxFit = 0;            // largest context with total <= available, capped at nCtxTrain (when known)
    int64_t nCtxTrain = 0;
    uint64_t weightBytesPerToken = 0; // weights read per generated token (bytesPerTokenFromFile)
    double kvBytesReadPerToken = 0;   // memory.kvBytesPerToken * nCtx / 2: the cache read at half fill
    double bandwidthGbps = 0;         // 1e9 bytes/s; 0 = not known
    double predictedTgTps = 0;        // bandwidth / (weightBytesPerToken + kvBytesReadPerToken); 0 = not known

    uint64_t neededBytes() const { return memory.totalBytes(); }
    // One line in English for logs and hearth-cli, e.g. "needs 5.1 GiB of 7.8 GiB available: fits; up to 32768
    // tokens of context; ~12 tok/s predicted at 17.2 GB/s" (bandwidth in 1e9 bytes/s, as membw reports it). The
    // app builds its own translated text from the fields.
    std::string summary() const;
};

// The fit check of a GGUF file at a context of nCtx tokens with a KV cache of kvType, on a machine with `memory`
// and a read bandwidth of bandwidthGbps (nullopt or <= 0: speed not predicted).
FitReport fitCheck(const GgufFile& file, const ModelConfig& config, int64_t nCtx, kernels::GgmlType kvType,
                   const SystemMemory& memory, std::optional<double> bandwidthGbps = std::nullopt);

// The same from shapes only. Weights in RAM = fileBytes (the header's few bytes counted as weights), plus, for a
// tied output, a second copy of the embedding (Model::load repacks it for the output matmul while the row
// lookups keep the file's form; without embdType it is assumed that this CPU repacks it: an upper bound).
// Bytes per token = fileBytes less the embedding unless tied, plus one embedding row.
FitReport fitCheck(const ModelShape& shape, int64_t nCtx, kernels::GgmlType kvType, const SystemMemory& memory,
                   std::optional<double> bandwidthGbps = std::nullopt);

}  // namespace hearth::engine
