// Synthesized models: random weights in the exact shape of a real model, with llama.cpp's per-tensor type mix for a
// file type, so speed can be measured on files comparable with the ones users download (random weights move the
// same bytes through the same kernels as trained ones) without shipping gigabytes.
//
// The type mix re-implements the default rules of llama.cpp's quantizer (llama-quant.cpp, llama_tensor_get_type,
// for architecture "llama" without an importance matrix): output.weight in Q6_K for most types, attn_v / ffn_down
// with more bits in some layers for the _M types, token_embd in Q4_K for the ternary types, 1-D tensors in F32.
// Files are written as llama.cpp's converter + quantizer write them (metadata keys, tensor order, alignment 32)
// and stream tensor by tensor, so a 7B model never needs its F32 weights in RAM.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf_writer.h"
#include "engine/result.h"
#include "kernels/ggml_type.h"

namespace hearth::engine {

// llama.cpp's file types (llama_ftype), stored as general.file_type: values are written to disk, never change.
enum class FileType : uint32_t {
    AllF32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q8_0 = 7,
    Q5_0 = 8,
    Q5_1 = 9,
    Q2_K = 10,
    Q3_K_S = 11,
    Q3_K_M = 12,
    Q3_K_L = 13,
    Q4_K_S = 14,
    Q4_K_M = 15,
    Q5_K_S = 16,
    Q5_K_M = 17,
    Q6_K = 18,
    IQ4_NL = 25,
    IQ4_XS = 30,
    BF16 = 32,
    TQ1_0 = 36,
    TQ2_0 = 37,
};

// Every FileType above, in the order of llama-quantize's list.
std::span<const FileType> allFileTypes();
// The names llama-quantize takes: "F32", "F16", "BF16", "Q8_0", "Q4_K_M", ... (case-sensitive).
std::string_view fileTypeName(FileType type);
std::optional<FileType> fileTypeFromName(std::string_view name);
// general.file_type value -> name, or nullopt for a value this list does not know.
std::optional<std::string_view> fileTypeNameOf(uint32_t rawFileType);
// The tensor type most weights get (Q4_K for Q4_K_M, ...).
kernels::GgmlType fileTypeBaseType(FileType type);

// Hyper-parameters of a real model family member (llama architecture).
struct SynthShape {
    std::string_view name;     // "tinyllama-1.1b"
    std::string_view label;    // general.name prefix, e.g. "TinyLlama 1.1B"
    int64_t nVocab = 0;
    int64_t nEmbd = 0;
    int64_t nLayer = 0;
    int64_t nHead = 0;
    int64_t nHeadKv = 0;
    int64_t nFf = 0;
    int64_t nCtxTrain = 0;
    float ropeTheta = 10000.f;
    float rmsEps = 1e-5f;

    int64_t headDim() const { return nEmbd / nHead; }
    int64_t nGqa() const { return nHead / nHeadKv; }
};

// tinyllama-1.1b, llama-7b, llama-13b, and "tiny" (n_embd 256, 2 layers, vocab 512: tests; "tiny-mqa" the same
// with one KV head).
std::span<const SynthShape> synthShapes();
const SynthShape* findSynthShape(std::string_view name);

// Overrides of the default mix, as llama-quantize's --pure / --output-tensor-type / --token-embedding-type.
struct TypeMixOptions {
    bool pure = false;                              // every 2-D weight in the base type (overrides still apply)
    std::optional<kernels::GgmlType> outputType;    // output.weight
    std::optional<kernels::GgmlType> tokenEmbdType; // token_embd.weight
};

// One tensor of a synthesized model: name, ggml shape (ne[0] = row length) and type, and how its values are drawn.
struct SynthTensor {
    GgufTensorSpec spec;
    bool isNorm = false;  // RMSNorm weight: values ~1; else ~N(0, 1/sqrt(ne[0]))
};

// The tensors of a llama model of this shape, in the order llama-quantize writes them (non-layer tensors by name,
// then each layer's by name), each with the type llama.cpp's quantizer gives it for this file type.
std::vector<SynthTensor> synthTensorPlan(const SynthShape& shape, FileType type, const TypeMixOptions& mix = {});

// Counts of each tensor type in a plan, by type name ("Q4_K" -> 135), like `hearth-cli info`'s tensor_types.
std::vector<std::pair<std::string, int>> typeCounts(const std::vector<SynthTensor>& plan);

struct SynthOptions {
    std::string arch = "llama";     // only "llama"
    std::string shape;              // a synthShapes() name
    FileType fileType = FileType::F16;
    TypeMixOptions mix;
    uint64_t seed = 42;             // weights are a function of (seed, tensor name, row): thread count is irrelevant
    std::string vocabFrom;          // copy tokenizer.* from this GGUF (its token count must equal the shape's vocab)
    int nThreads = 1;               // threads generating and quantizing rows
    // Called before each tensor is produced (index, count, tensor); may be empty.
    std::function<void(size_t index, size_t count, const SynthTensor& tensor)> progress;
};

// Writes the model to outPath (via outPath + ".part", renamed when complete). Errors: unknown architecture or
// shape, a tensor type this build has no quantizer for (named, with the tensor), a bad --vocab-from file, I/O.
Status synthesizeModel(const SynthOptions& options, const std::string& outPath);

// Checks (without writing anything) that every type of the plan has a quantizer in this build; the error names
// the first missing type and a tensor that needs it.
Status checkQuantizers(const std::vector<SynthTensor>& plan, FileType type);

}  // namespace hearth::engine
