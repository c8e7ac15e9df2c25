#include "engine/model.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace hearth::engine {
namespace {

using kernels::GgmlType;

const ArchDescriptor* const kArchs[] = {&kArchLlama, &kArchQwen2, &kArchBert, &kArchNomicBert};

std::string shapeString(const int64_t* ne, uint32_t nDims) {
    std::string s = "[";
    for (uint32_t i = 0; i < nDims; ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(ne[i]);
    }
    return s + "]";
}

// Looks tensors up by name and checks them against the shapes the config implies.
class Binder {
public:
    explicit Binder(const GgufFile& file) : file_(file) {}

    bool has(const std::string& name) const { return file_.findTensor(name) != nullptr; }

    // A matrix of nOut rows of nIn elements (ggml shape [nIn, nOut]) in a type the kernels can compute.
    Result<Weight> matrix(const std::string& name, int64_t nIn, int64_t nOut) const {
        const GgufTensor* t = file_.findTensor(name);
        if (t == nullptr) return Error{"tensor '" + name + "' is missing"};
        const int64_t want[2] = {nIn, nOut};
        if (Status s = checkShape(*t, want, 2); !s) return s.error();
        const kernels::TypeKernels* k = kernels::kernelsFor(t->type);
        if (k == nullptr) {
            return Error{"tensor '" + name + "' has type " + std::string(kernels::typeName(t->type)) +
                         ", which this version cannot compute"};
        }
        const kernels::TypeTraits traits = kernels::traitsOf(t->type);
        if (nIn % traits.blockElems != 0) {
            return Error{"tensor '" + name + "': row length " + std::to_string(nIn) + " is not a multiple of " +
                         std::to_string(traits.blockElems) + " (the " + std::string(traits.name) + " block)"};
        }
        Weight w;
        w.data = t->data;
        w.type = t->type;
        w.nIn = nIn;
        w.nOut = nOut;
        w.rowBytes = kernels::rowBytes(t->type, uint64_t(nIn));
        w.kernels = k;
        if (t->nbytes < w.rowBytes * uint64_t(nOut)) {
            return Error{"tensor '" + name + "': expected " + std::to_string(w.rowBytes * nOut) +
                         " bytes of data, found " + std::to_string(t->nbytes)};
        }
        return w;
    }

    // An F32 vector of n elements (norm weights, biases).
    Result<const float*> vector(const std::string& name, int64_t n) const {
        const GgufTensor* t = file_.findTensor(name);
        if (t == nullptr) return Error{"tensor '" + name + "' is missing"};
        const int64_t want[1] = {n};
        if (Status s = checkShape(*t, want, 1); !s) return s.error();
        if (t->type != GgmlType::F32) {
            return Error{"tensor '" + name + "' has type " + std::string(kernels::typeName(t->type)) +
                         ", expected F32"};
        }
        if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0 || t->nbytes < uint64_t(n) * 4) {
            return Error{"tensor '" + name + "': data is misaligned or short"};
        }
        return reinterpret_cast<const float*>(t->data);
    }

private:
    static Status checkShape(const GgufTensor& t, const int64_t* want, uint32_t nDims) {
        bool same = t.nDims == nDims;
        for (uint32_t i = 0; same && i < nDims; ++i) same = t.ne[i] == want[i];
        if (same) return {};
        return Error{"tensor '" + std::string(t.name) + "': expected " + shapeString(want, nDims) + ", found " +
                     shapeString(t.ne, t.nDims)};
    }

    const GgufFile& file_;
};

// Hyper-parameters the forward pass relies on, beyond what ModelConfig::fromGguf checks.
Status checkConfig(const ModelConfig& c) {
    auto bad = [](const std::string& what) { return Status(Error{"unsupported hyper-parameters: " + what}); };
    if (c.nVocab <= 0 || c.nEmbd <= 0 || c.nLayer <= 0 || c.nFf <= 0 || c.headDim <= 0 || c.headDimV <= 0)
        return bad("a dimension is zero");
    if (c.nHead <= 0 || c.nHeadKv <= 0 || c.nHead % c.nHeadKv != 0)
        return bad("n_head " + std::to_string(c.nHead) + " is not a multiple of n_head_kv " +
                   std::to_string(c.nHeadKv));
    if (c.nRot <= 0 || c.nRot > c.headDim || c.nRot % 2 != 0)
        return bad("rope dimension " + std::to_string(c.nRot) + " must be even and at most head_dim " +
                   std::to_string(c.headDim));
    if (!(c.ropeTheta > 0.f)) return bad("rope.freq_base must be positive");
    // YaRN divides by log(freq_base): a base of 1 or less has no frequency ramp to speak of.
    if (c.ropeScaling == RopeScaling::Yarn && !(c.ropeTheta > 1.f))
        return bad("rope.freq_base " + std::to_string(c.ropeTheta) + " must exceed 1 with YaRN rope scaling");
    return {};
}

std::string layerName(int64_t layer, const char* suffix) { return "blk." + std::to_string(layer) + "." + suffix; }

Status bindWeights(const GgufFile& file, const ModelConfig& c, const ArchDescriptor& arch, ModelWeights* w) {
    Binder b(file);
    const int64_t qDim = c.nHead * c.headDim;
    const int64_t outDim = c.nHead * c.headDimV;

#define HEARTH_BIND(dst, expr)                    \
    do {                                          \
        auto r_ = (expr);                         \
        if (!r_) return r_.error();               \
        dst = *r_;                                \
    } while (0)

    HEARTH_BIND(w->tokenEmbd, b.matrix("token_embd.weight", c.nEmbd, c.nVocab));
    HEARTH_BIND(w->outputNorm, b.vector("output_norm.weight", c.nEmbd));
    if (b.has("output.weight") || !arch.tiedOutputAllowed) {
        HEARTH_BIND(w->output, b.matrix("output.weight", c.nEmbd, c.nVocab));
        w->tiedOutput = false;
    } else {
        w->output = w->tokenEmbd;
        w->tiedOutput = true;
    }
    if (b.has("rope_freqs.weight")) {
        HEARTH_BIND(w->ropeFreqs, b.vector("rope_freqs.weight", c.nRot / 2));
        // Each is a divisor of a rotation frequency: zero, negative or non-finite factors would give NaN angles.
        for (int64_t i = 0; i < c.nRot / 2; ++i) {
            const float f = w->ropeFreqs[i];
            if (!(f > 0.f) || !std::isfinite(f)) {
                return Error{"tensor rope_freqs.weight: factor " + std::to_string(i) + " is " + std::to_string(f) +
                             ", expected a positive finite number"};
            }
        }
    }

    w->layers.assign(size_t(c.nLayer), LayerWeights{});
    for (int64_t l = 0; l < c.nLayer; ++l) {
        LayerWeights& L = w->layers[size_t(l)];
        HEARTH_BIND(L.attnNorm, b.vector(layerName(l, "attn_norm.weight"), c.nEmbd));
        HEARTH_BIND(L.wq, b.matrix(layerName(l, "attn_q.weight"), c.nEmbd, qDim));
        HEARTH_BIND(L.wk, b.matrix(layerName(l, "attn_k.weight"), c.nEmbd, c.kvDim()));
        HEARTH_BIND(L.wv, b.matrix(layerName(l, "attn_v.weight"), c.nEmbd, c.kvDimV()));
        const bool bindBias = arch.qkvBias || (arch.optionalQkvBias && b.has(layerName(l, "attn_q.bias")));
        if (bindBias) {
            HEARTH_BIND(L.bq, b.vector(layerName(l, "attn_q.bias"), qDim));
            HEARTH_BIND(L.bk, b.vector(layerName(l, "attn_k.bias"), c.kvDim()));
            HEARTH_BIND(L.bv, b.vector(layerName(l, "attn_v.bias"), c.kvDimV()));
        }
        HEARTH_BIND(L.wo, b.matrix(layerName(l, "attn_output.weight"), outDim, c.nEmbd));
        HEARTH_BIND(L.ffnNorm, b.vector(layerName(l, "ffn_norm.weight"), c.nEmbd));
        HEARTH_BIND(L.ffnGate, b.matrix(layerName(l, "ffn_gate.weight"), c.nEmbd, c.nFf));
        HEARTH_BIND(L.ffnUp, b.matrix(layerName(l, "ffn_up.weight"), c.nEmbd, c.nFf));
        HEARTH_BIND(L.ffnDown, b.matrix(layerName(l, "ffn_down.weight"), c.nFf, c.nEmbd));
    }
#undef HEARTH_BIND
    return {};
}

// Every matrix the forward pass multiplies by (token_embd is read one row per token, and stays as it is).
std::vector<Weight*> matmulWeights(ModelWeights& w) {
    std::vector<Weight*> out;
    for (LayerWeights& L : w.layers) {
        for (Weight* m : {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffnGate, &L.ffnUp, &L.ffnDown}) out.push_back(m);
    }
    for (EncoderLayerWeights& L : w.encoder.layers) {
        for (Weight* m : {&L.wq, &L.wk, &L.wv, &L.wqkv, &L.wo, &L.ffnUp, &L.ffnGate, &L.ffnDown}) {
            if (m->data != nullptr) out.push_back(m);
        }
    }
    if (w.output.data != nullptr) out.push_back(&w.output);
    return out;
}

}  // namespace

Result<Weight> bindMatrix(const GgufFile& file, const std::string& name, int64_t nIn, int64_t nOut) {
    return Binder(file).matrix(name, nIn, nOut);
}

Result<const float*> bindVector(const GgufFile& file, const std::string& name, int64_t n) {
    return Binder(file).vector(name, n);
}

void Model::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

bool copiesPlainWeights() {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    static const bool on = [] {
        std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
        std::string line;
        return std::getline(f, line) && line.find("[never]") == std::string::npos;
    }();
    return on;
#else
    return false;
#endif
}

uint64_t loadedCopyBytes(kernels::GgmlType type, int64_t nIn, int64_t nOut, uint64_t fileBytes) {
    if (nOut <= 0) return 0;
    if (const kernels::GemmKernels* g = kernels::repackedGemmFor(type)) {
        return uint64_t((nOut + g->rowGroup - 1) / g->rowGroup) * g->groupBytes(nIn);  // a multiple of 64
    }
    return copiesPlainWeights() ? (fileBytes + 63) / 64 * 64 : 0;
}

void Model::repackWeights(const std::function<void(double)>& progress) {
    struct Job {
        Weight* w;
        const kernels::GemmKernels* g;
        uint8_t* dst;
    };
    std::vector<Job> jobs;
    std::vector<size_t> sizes;  // bytes of each job's copy
    for (Weight* w : matmulWeights(weights_)) {
        // A multiple of 64, as aligned_alloc wants; a null g copies the rows as they are.
        const uint64_t bytes = loadedCopyBytes(w->type, w->nIn, w->nOut, w->rowBytes * uint64_t(w->nOut));
        if (bytes == 0) continue;
        jobs.push_back(Job{w, kernels::repackedGemmFor(w->type), nullptr});
        sizes.push_back(size_t(bytes));
    }
    // The copies go into one block on 2 MiB pages where the system allows it (MADV_HUGEPAGE, as membw's buffer):
    // token generation streams all of them from memory, and on 4 KiB pages (what a plain allocation got here) the
    // K-quant kernels reached 68 % of a plain read stream on one thread, 83 % on 2 MiB pages. One block, not one
    // per matrix: a 2 MiB page per matrix's tail would cost up to 2 MiB of memory each. Without the block (no
    // memory in one piece), one allocation per matrix as before.
    size_t total = 0;
    for (const size_t bytes : sizes) total += bytes;
    constexpr size_t kHugePage = size_t{2} << 20;
    auto* block = total > 0 ? static_cast<uint8_t*>(
                                  std::aligned_alloc(kHugePage, (total + kHugePage - 1) / kHugePage * kHugePage))
                            : nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (block != nullptr) madvise(block, (total + kHugePage - 1) / kHugePage * kHugePage, MADV_HUGEPAGE);  // a hint
#endif
    if (block != nullptr) repackedStorage_.emplace_back(block);
    size_t offset = 0;
    std::vector<Job> allocated;
    for (size_t i = 0; i < jobs.size(); ++i) {
        uint8_t* dst = block != nullptr ? block + offset : static_cast<uint8_t*>(std::aligned_alloc(64, sizes[i]));
        if (dst == nullptr) continue;  // no memory for the copy: this matrix keeps the in-place kernels
        if (block == nullptr) repackedStorage_.emplace_back(dst);
        offset += sizes[i];
        repackedBytes_ += sizes[i];
        allocated.push_back(Job{jobs[i].w, jobs[i].g, dst});
    }
    jobs = std::move(allocated);
    if (jobs.empty()) {
        if (progress) progress(1.0);
        return;
    }
    uint64_t totalBytes = 0;
    for (const Job& j : jobs) totalBytes += j.w->rowBytes * uint64_t(j.w->nOut);
    // Each matrix is repacked by one worker thread; the workers take matrices in turn (a load of a 1B model
    // repacks ~150 of them). The calling thread only reports progress: one call per finished matrix, in the
    // order they finish (stored bytes done / all), so the caller's callback never runs on another thread.
    std::atomic<size_t> next{0};
    std::mutex mutex;
    std::condition_variable finishedOne;
    std::vector<uint64_t> finished;  // bytes of each matrix done, in completion order (guarded by mutex)
    auto work = [&] {
        for (size_t i = next++; i < jobs.size(); i = next++) {
            const Job& j = jobs[i];
            if (j.g != nullptr) {
                j.g->repack(j.w->data, j.w->rowBytes, j.w->nOut, j.w->nIn, j.dst);
            } else {
                std::memcpy(j.dst, j.w->data, j.w->rowBytes * size_t(j.w->nOut));
            }
            // Only the copy is read from now on (exact mode and a tied embedding fault their pages back in).
            // Dropped matrix by matrix, so a load never holds both forms of the whole model.
            const uint64_t bytes = j.w->rowBytes * uint64_t(j.w->nOut);
            file_->dropPages(j.w->data, bytes);
            {
                std::lock_guard lock(mutex);
                finished.push_back(bytes);
            }
            finishedOne.notify_one();
        }
    };
    const unsigned nThreads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < nThreads && t < jobs.size(); ++t) threads.emplace_back(work);
    uint64_t doneBytes = 0;
    for (size_t reported = 0; reported < jobs.size();) {
        std::vector<uint64_t> batch;
        {
            std::unique_lock lock(mutex);
            finishedOne.wait(lock, [&] { return finished.size() > reported; });
            batch.assign(finished.begin() + std::ptrdiff_t(reported), finished.end());
        }
        for (uint64_t bytes : batch) {
            doneBytes += bytes;
            ++reported;
            // The last matrix reports exactly 1 (the byte sum is exact).
            if (progress) progress(reported == jobs.size() ? 1.0 : double(doneBytes) / double(totalBytes));
        }
    }
    for (std::thread& t : threads) t.join();
    for (const Job& j : jobs) {
        if (j.g == nullptr) {
            j.w->data = j.dst;
            continue;
        }
        j.w->repacked = j.g;
        j.w->repackedData = j.dst;
    }
}

const ArchDescriptor* findArch(std::string_view arch) {
    for (const ArchDescriptor* a : kArchs) {
        if (a->name == arch) return a;
    }
    return nullptr;
}

Result<std::unique_ptr<Model>> Model::load(const std::string& path, const ModelOptions& options) {
    auto file = GgufFile::open(path);
    if (!file) return Error{path + ": " + file.message()};
    auto model = load(std::move(*file), options);
    if (!model) return Error{path + ": " + model.message()};
    return model;
}

Result<std::unique_ptr<Model>> Model::load(std::unique_ptr<GgufFile> file, const ModelOptions& options) {
    const std::optional<std::string_view> archName = file->getString("general.architecture");
    if (!archName) {
        // Present with another type is not "missing": say what was found.
        const GgufValue* v = file->find("general.architecture");
        if (v != nullptr)
            return Error{"metadata key 'general.architecture' has type " + std::string(ggufTypeName(v->type)) +
                         ", expected a string"};
        return Error{"metadata key 'general.architecture' is missing"};
    }
    const ArchDescriptor* arch = findArch(*archName);
    if (arch == nullptr) return Error{"architecture '" + std::string(*archName) + "' is not supported yet"};

    auto config = ModelConfig::fromGguf(*file);
    if (!config) return config.error();
    if (Status s = checkConfig(*config); !s) return s.error();

    std::unique_ptr<Model> m(new Model());
    m->config_ = std::move(*config);
    // The family decides how RoPE pairs dims; the config's value is informational for other readers.
    m->config_.ropeStyle = arch->ropeStyle;
    m->arch_ = arch;
    const Status bound = arch->bind != nullptr ? arch->bind(*file, m->config_, &m->weights_)
                                               : bindWeights(*file, m->config_, *arch, &m->weights_);
    if (!bound) return bound.error();
    m->file_ = std::move(file);
    if (options.repack) m->repackWeights(options.progress);
    // Each new token reads one row of the embedding from the mapping: page by page from the disk (a page cache
    // that dropped the file) that cost 0.3 ms per generated token, ~2 % of a token of a 1B model, and a page
    // fault per new row even when cached. The whole table is read in at load instead, as llama.cpp's mmap does.
    const Weight& embd = m->weights_.tokenEmbd;
    if (embd.data != nullptr) m->file_->prefault(embd.data, size_t(embd.rowBytes) * size_t(embd.nOut));
    return m;
}

uint64_t Model::weightBytes() const {
    uint64_t total = 0;
    for (const GgufTensor& t : file_->tensors()) total += t.nbytes;
    return total;
}

}  // namespace hearth::engine
