// Embedding models (engine/embedding.h, engine/arch_bert.cpp).
//
// bert: ../shared/conformance/models/arch-bert.gguf against llama.cpp's ref/arch-bert.texts.json (README §7:
// pooled raw embedding max_abs 2e-3 and cosine >= 0.99999, per-token output max_abs 5e-3; the L2-normalised
// vector with the raw tolerance scaled by 1 / ||embd_single||), for every text, tokenized by our WordPiece.
// nomic-bert: no reference exists here, so a tiny synthetic nomic-bert file (GgufWriter) is checked against a
// float64 scalar computation written below from llama.cpp's graph (fused QKV split Q|K|V, NEOX RoPE on q and k,
// SwiGLU, post-norm, pooling); the same computation with one structural mistake must land far outside the
// tolerance, so the test can tell. Also: load errors name the tensor, chat contexts refuse embedding models.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/embedding.h"
#include "engine/forward.h"
#include "engine/gguf_writer.h"
#include "engine/model.h"
#include "engine/vocab.h"
#include "kernels/dispatch.h"

namespace hearth::engine {
namespace {

namespace fs = std::filesystem;

const fs::path kConformance = fs::path(HEARTH_SHARED_DIR) / "conformance";

double maxAbsDiff(const std::vector<float>& a, const std::vector<double>& b) {
    EXPECT_EQ(a.size(), b.size());
    double m = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}

double cosine(const std::vector<float>& a, const std::vector<double>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        ab += a[i] * b[i];
        aa += double(a[i]) * a[i];
        bb += b[i] * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

double norm2(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s);
}

// ---- bert against llama.cpp ----------------------------------------------------------------------------------

struct BertCase {
    int threads;
    bool exact;
};

void PrintTo(const BertCase& c, std::ostream* os) { *os << c.threads << " thread(s), " << (c.exact ? "exact" : "fast"); }

class BertConformance : public testing::TestWithParam<BertCase> {};

TEST_P(BertConformance, MatchesLlamaCppEmbeddings) {
    const fs::path refPath = kConformance / "ref" / "arch-bert.texts.json";
    const fs::path modelPath = kConformance / "models" / "arch-bert.gguf";
    if (!fs::exists(refPath) || !fs::exists(modelPath)) GTEST_SKIP() << kConformance << " is absent: skipped";
    std::ifstream in(refPath);
    const nlohmann::json ref = nlohmann::json::parse(in);

    auto file = GgufFile::open(modelPath.string());
    ASSERT_TRUE(file.ok()) << file.message();
    auto vocab = Vocab::fromGguf(**file);
    ASSERT_TRUE(vocab.ok()) << vocab.message();
    auto model = Model::load(std::move(*file));
    ASSERT_TRUE(model.ok()) << model.message();
    ASSERT_TRUE((*model)->arch().embedding);
    ASSERT_EQ((*model)->weights().encoder.pooling, Pooling::Mean);
    ASSERT_EQ(ref.at("pooling").get<std::string>(), "mean");
    ASSERT_EQ((*model)->config().nEmbd, ref.at("n_embd").get<int64_t>());

    auto embedder = Embedder::create(**model, EmbedParams{.nThreads = GetParam().threads, .exact = GetParam().exact});
    ASSERT_TRUE(embedder.ok()) << embedder.message();
    double worstRaw = 0, worstL2 = 0, worstTok = 0, worstCos = 1;
    for (const nlohmann::json& item : ref.at("items")) {
        const std::string text = item.at("text");
        const std::vector<int32_t> want = item.at("tokens");
        const std::vector<int32_t> tokens = vocab->tokenize(text, true, true);
        EXPECT_EQ(tokens, want) << text;

        const std::vector<double> single = item.at("embd_single");
        const std::vector<double> l2 = item.at("embd_l2");
        auto raw = (*embedder)->embed(tokens, false);
        ASSERT_TRUE(raw.ok()) << raw.message();
        const double dRaw = maxAbsDiff(*raw, single);
        const double cos = cosine(*raw, single);
        EXPECT_LE(dRaw, 2e-3) << text;
        EXPECT_GE(cos, 0.99999) << text;

        auto unit = (*embedder)->embed(tokens, true);
        ASSERT_TRUE(unit.ok()) << unit.message();
        const double dL2 = maxAbsDiff(*unit, l2);
        EXPECT_LE(dL2, 2e-3 / norm2(single)) << text;
        double n = 0;
        for (float x : *unit) n += double(x) * x;
        EXPECT_NEAR(std::sqrt(n), 1.0, 1e-6);

        auto perToken = (*embedder)->tokenEmbeddings(tokens);
        ASSERT_TRUE(perToken.ok()) << perToken.message();
        std::vector<double> tokRef;
        for (const nlohmann::json& row : item.at("token_embd")) {
            for (double v : row) tokRef.push_back(v);
        }
        const double dTok = maxAbsDiff(*perToken, tokRef);
        EXPECT_LE(dTok, 5e-3) << text;

        worstRaw = std::max(worstRaw, dRaw);
        worstL2 = std::max(worstL2, dL2);
        worstTok = std::max(worstTok, dTok);
        worstCos = std::min(worstCos, cos);
    }
    std::printf("  arch-bert (%d thread(s), %s): embd_single max_abs %.3g, min cosine %.9f; embd_l2 max_abs %.3g; "
                "token_embd max_abs %.3g\n",
                GetParam().threads, GetParam().exact ? "exact" : "fast", worstRaw, worstCos, worstL2, worstTok);
}

INSTANTIATE_TEST_SUITE_P(Embedding, BertConformance,
                         testing::Values(BertCase{1, true}, BertCase{2, true}, BertCase{2, false}),
                         [](const testing::TestParamInfo<BertCase>& info) {
                             return std::to_string(info.param.threads) + "_threads_" +
                                    (info.param.exact ? "exact" : "fast");
                         });

// ---- nomic-bert on a synthetic model ------------------------------------------------------------------------------

struct NomicSynth {
    int64_t nEmbd = 64;
    int64_t nHead = 4;  // head_dim 16
    int64_t nFf = 96;
    int64_t nLayer = 2;
    int64_t nVocab = 50;
    int64_t nCtx = 32;
    float theta = 1000.f;  // nomic-embed-text v1.5's rope.freq_base
    int pooling = 1;       // <arch>.pooling_type; < 0: key absent
    bool qkvBias = false;  // write attn_qkv.bias (nomic-bert-moe style)
    std::string arch = "nomic-bert";
    std::string omit;      // a tensor to leave out
    kernels::GgmlType matType = kernels::GgmlType::F32;  // type of the layers' matrices
};

// Deterministic pseudo-random values in [-scale, scale), plus `offset`.
std::vector<float> values(size_t n, uint32_t seed, float scale, float offset = 0.f) {
    std::vector<float> v(n);
    uint32_t s = seed * 2654435761u + 7;
    for (float& x : v) {
        s = s * 1664525u + 1013904223u;
        x = offset + scale * (float(s >> 8) / float(1u << 24) * 2.f - 1.f);
    }
    return v;
}

struct NomicModel {
    NomicSynth s;
    std::vector<uint8_t> bytes;
    std::map<std::string, std::vector<float>> t;  // every tensor's values, row-major (rows, row length)
};

NomicModel buildNomic(const NomicSynth& s) {
    NomicModel m;
    m.s = s;
    GgufWriter w;
    w.addString("general.architecture", s.arch);
    const std::string a = s.arch + ".";
    w.addUint32(a + "context_length", uint32_t(s.nCtx));
    w.addUint32(a + "embedding_length", uint32_t(s.nEmbd));
    w.addUint32(a + "block_count", uint32_t(s.nLayer));
    w.addUint32(a + "feed_forward_length", uint32_t(s.nFf));
    w.addUint32(a + "attention.head_count", uint32_t(s.nHead));
    w.addFloat32(a + "attention.layer_norm_epsilon", 1e-12f);
    w.addBool(a + "attention.causal", false);
    w.addFloat32(a + "rope.freq_base", s.theta);
    if (s.pooling >= 0) w.addUint32(a + "pooling_type", uint32_t(s.pooling));
    uint32_t seed = 11;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, float offset = 0.f) {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        std::vector<float> v = values(size_t(n), seed++, scale, offset);
        if (name == s.omit) return;
        const bool matrix = shape.size() == 2 && name.starts_with("blk.");
        if (matrix && s.matType != kernels::GgmlType::F32) {
            // Stored quantized; the reference computes with the values the file then holds.
            const int64_t rows = n / shape[0];
            const size_t rowBytes = kernels::rowBytes(s.matType, uint64_t(shape[0]));
            std::vector<uint8_t> bytes(rowBytes * size_t(rows));
            for (int64_t r = 0; r < rows; ++r) {
                kernels::quantizeRow(s.matType, v.data() + r * shape[0], bytes.data() + size_t(r) * rowBytes,
                                     shape[0]);
                kernels::kernelsFor(s.matType)->dequantize(bytes.data() + size_t(r) * rowBytes,
                                                           v.data() + r * shape[0], shape[0]);
            }
            w.addTensor(GgufTensorSpec{name, shape, s.matType}, std::move(bytes));
        } else {
            w.addTensorF32(name, shape, v);
        }
        m.t[name] = std::move(v);
    };
    const int64_t D = s.nEmbd;
    add("token_embd.weight", {D, s.nVocab}, 1.f);
    add("token_types.weight", {D, 2}, 0.5f);
    add("token_embd_norm.weight", {D}, 0.2f, 1.f);
    add("token_embd_norm.bias", {D}, 0.1f);
    for (int64_t l = 0; l < s.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        add(p + "attn_qkv.weight", {D, 3 * D}, 0.4f);
        if (s.qkvBias) add(p + "attn_qkv.bias", {3 * D}, 0.2f);
        add(p + "attn_output.weight", {D, D}, 0.2f);
        add(p + "attn_output_norm.weight", {D}, 0.2f, 1.f);
        add(p + "attn_output_norm.bias", {D}, 0.1f);
        add(p + "ffn_up.weight", {D, s.nFf}, 0.25f);
        add(p + "ffn_gate.weight", {D, s.nFf}, 0.25f);
        add(p + "ffn_down.weight", {s.nFf, D}, 0.2f);
        add(p + "layer_output_norm.weight", {D}, 0.2f, 1.f);
        add(p + "layer_output_norm.bias", {D}, 0.1f);
    }
    auto bytes = w.toBytes();
    EXPECT_TRUE(bytes.ok()) << bytes.message();
    if (bytes.ok()) m.bytes = std::move(*bytes);
    return m;
}

Result<std::unique_ptr<Model>> loadBytes(const std::vector<uint8_t>& bytes) {
    auto file = GgufFile::parse(bytes);
    if (!file) return Error{"parse: " + file.message()};
    return Model::load(std::move(*file));
}

// One structural mistake the reference can be told to make, to show the test would catch it.
enum class Mistake { None, QkvSplitQVK, RopeNormPairs, NoRope, GeluInsteadOfSwiGlu, CausalMask };

// llama.cpp's nomic-bert graph in float64, written out plainly. Returns the last layer's (n, D) output.
std::vector<double> nomicReference(const NomicModel& m, const std::vector<int32_t>& tokens, Mistake mistake) {
    const NomicSynth& s = m.s;
    const int64_t D = s.nEmbd, H = s.nHead, hd = D / H, F = s.nFf, n = int64_t(tokens.size());
    auto T = [&](const std::string& name) -> const std::vector<float>& { return m.t.at(name); };
    // y (rows) = W (rows, cols) x (cols)
    auto matvec = [](const std::vector<float>& W, const std::vector<double>& x, int64_t rows) {
        const int64_t cols = int64_t(x.size());
        std::vector<double> y(static_cast<size_t>(rows), 0.0);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t c = 0; c < cols; ++c) y[size_t(r)] += double(W[size_t(r * cols + c)]) * x[size_t(c)];
        }
        return y;
    };
    auto layerNormRef = [&](std::vector<double>& x, const std::vector<float>& w, const std::vector<float>& b) {
        double mean = 0, var = 0;
        for (double v : x) mean += v;
        mean /= double(x.size());
        for (double v : x) var += (v - mean) * (v - mean);
        var /= double(x.size());
        for (size_t i = 0; i < x.size(); ++i) x[i] = (x[i] - mean) / std::sqrt(var + 1e-12) * w[i] + b[i];
    };

    std::vector<std::vector<double>> x(static_cast<size_t>(n), std::vector<double>(size_t(D)));
    for (int64_t t = 0; t < n; ++t) {
        for (int64_t i = 0; i < D; ++i) {
            x[size_t(t)][size_t(i)] = double(T("token_embd.weight")[size_t(tokens[size_t(t)] * D + i)]) +
                                      double(T("token_types.weight")[size_t(i)]);
        }
        layerNormRef(x[size_t(t)], T("token_embd_norm.weight"), T("token_embd_norm.bias"));
    }
    for (int64_t l = 0; l < s.nLayer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        std::vector<std::vector<double>> q(static_cast<size_t>(n)), k(static_cast<size_t>(n)), v(static_cast<size_t>(n));
        for (int64_t t = 0; t < n; ++t) {
            std::vector<double> qkv = matvec(T(p + "attn_qkv.weight"), x[size_t(t)], 3 * D);
            if (s.qkvBias) {
                for (int64_t i = 0; i < 3 * D; ++i) qkv[size_t(i)] += T(p + "attn_qkv.bias")[size_t(i)];
            }
            const bool swapKv = mistake == Mistake::QkvSplitQVK;
            q[size_t(t)].assign(qkv.begin(), qkv.begin() + D);
            k[size_t(t)].assign(qkv.begin() + (swapKv ? 2 : 1) * D, qkv.begin() + (swapKv ? 3 : 2) * D);
            v[size_t(t)].assign(qkv.begin() + (swapKv ? 1 : 2) * D, qkv.begin() + (swapKv ? 2 : 3) * D);
            // RoPE: angle pos * theta^(-2i/hd) on pairs (i, i + hd/2) of every head (NEOX).
            if (mistake != Mistake::NoRope) {
                for (std::vector<double>* vec : {&q[size_t(t)], &k[size_t(t)]}) {
                    for (int64_t h = 0; h < H; ++h) {
                        for (int64_t i = 0; i < hd / 2; ++i) {
                            const double angle = double(t) * std::pow(double(s.theta), -2.0 * double(i) / double(hd));
                            const bool norm = mistake == Mistake::RopeNormPairs;
                            double& a = (*vec)[size_t(h * hd + (norm ? 2 * i : i))];
                            double& b = (*vec)[size_t(h * hd + (norm ? 2 * i + 1 : i + hd / 2))];
                            const double a0 = a, b0 = b;
                            a = a0 * std::cos(angle) - b0 * std::sin(angle);
                            b = a0 * std::sin(angle) + b0 * std::cos(angle);
                        }
                    }
                }
            }
        }
        std::vector<std::vector<double>> att(static_cast<size_t>(n), std::vector<double>(size_t(D), 0.0));
        for (int64_t h = 0; h < H; ++h) {
            for (int64_t i = 0; i < n; ++i) {
                const int64_t nKeys = mistake == Mistake::CausalMask ? i + 1 : n;
                std::vector<double> sc(static_cast<size_t>(nKeys));
                double mx = -1e300;
                for (int64_t j = 0; j < nKeys; ++j) {
                    double d = 0;
                    for (int64_t e = 0; e < hd; ++e) d += q[size_t(i)][size_t(h * hd + e)] * k[size_t(j)][size_t(h * hd + e)];
                    sc[size_t(j)] = d / std::sqrt(double(hd));
                    mx = std::max(mx, sc[size_t(j)]);
                }
                double sum = 0;
                for (double& e : sc) sum += (e = std::exp(e - mx));
                for (int64_t j = 0; j < nKeys; ++j) {
                    for (int64_t e = 0; e < hd; ++e)
                        att[size_t(i)][size_t(h * hd + e)] += sc[size_t(j)] / sum * v[size_t(j)][size_t(h * hd + e)];
                }
            }
        }
        for (int64_t t = 0; t < n; ++t) {
            const std::vector<double> o = matvec(T(p + "attn_output.weight"), att[size_t(t)], D);
            for (int64_t i = 0; i < D; ++i) x[size_t(t)][size_t(i)] += o[size_t(i)];
            layerNormRef(x[size_t(t)], T(p + "attn_output_norm.weight"), T(p + "attn_output_norm.bias"));
            const std::vector<double> up = matvec(T(p + "ffn_up.weight"), x[size_t(t)], F);
            const std::vector<double> gate = matvec(T(p + "ffn_gate.weight"), x[size_t(t)], F);
            std::vector<double> act(static_cast<size_t>(F));
            for (int64_t i = 0; i < F; ++i) {
                const double g = gate[size_t(i)], u = up[size_t(i)];
                act[size_t(i)] = mistake == Mistake::GeluInsteadOfSwiGlu
                                     ? 0.5 * u * (1 + std::erf(u / std::sqrt(2.0)))
                                     : g / (1 + std::exp(-g)) * u;
            }
            const std::vector<double> down = matvec(T(p + "ffn_down.weight"), act, D);
            for (int64_t i = 0; i < D; ++i) x[size_t(t)][size_t(i)] += down[size_t(i)];
            layerNormRef(x[size_t(t)], T(p + "layer_output_norm.weight"), T(p + "layer_output_norm.bias"));
        }
    }
    std::vector<double> out;
    for (const auto& row : x) out.insert(out.end(), row.begin(), row.end());
    return out;
}

std::vector<double> poolRef(const std::vector<double>& rows, int64_t n, int64_t D, Pooling pooling, bool normalize) {
    std::vector<double> out(static_cast<size_t>(D), 0.0);
    for (int64_t i = 0; i < D; ++i) {
        if (pooling == Pooling::Cls) out[size_t(i)] = rows[size_t(i)];
        else if (pooling == Pooling::Last) out[size_t(i)] = rows[size_t((n - 1) * D + i)];
        else {
            for (int64_t t = 0; t < n; ++t) out[size_t(i)] += rows[size_t(t * D + i)] / double(n);
        }
    }
    if (normalize) {
        const double nn = norm2(out);
        for (double& x : out) x /= nn;
    }
    return out;
}

const std::vector<int32_t> kNomicTokens = {1, 17, 4, 49, 23, 8, 30, 2, 11};

TEST(NomicBert, MatchesScalarReference) {
    const NomicModel m = buildNomic(NomicSynth{});
    auto model = loadBytes(m.bytes);
    ASSERT_TRUE(model.ok()) << model.message();
    EXPECT_EQ((*model)->arch().name, "nomic-bert");
    EXPECT_TRUE((*model)->arch().embedding);
    EXPECT_EQ((*model)->arch().ropeStyle, RopeStyle::Neox);
    EXPECT_EQ((*model)->weights().encoder.positionEmbd.data, nullptr);

    const int64_t D = m.s.nEmbd, n = int64_t(kNomicTokens.size());
    const std::vector<double> ref = nomicReference(m, kNomicTokens, Mistake::None);
    std::map<bool, std::vector<float>> byMode;  // the first thread count's output per mode
    for (int threads : {1, 3}) {
        for (bool exact : {true, false}) {
            auto e = Embedder::create(**model, EmbedParams{.nThreads = threads, .exact = exact});
            ASSERT_TRUE(e.ok()) << e.message();
            auto perToken = (*e)->tokenEmbeddings(kNomicTokens);
            ASSERT_TRUE(perToken.ok()) << perToken.message();
            EXPECT_LE(maxAbsDiff(*perToken, ref), 1e-4) << threads << " threads, exact " << exact;
            // Every element is computed the same way whichever thread owns it: bit-identical across thread counts.
            if (byMode.count(exact) == 0) byMode[exact] = *perToken;
            EXPECT_EQ(*perToken, byMode[exact]) << threads << " threads, exact " << exact;
            auto pooled = (*e)->embed(kNomicTokens, true);
            ASSERT_TRUE(pooled.ok()) << pooled.message();
            EXPECT_LE(maxAbsDiff(*pooled, poolRef(ref, n, D, Pooling::Mean, true)), 1e-5);
            auto raw = (*e)->embed(kNomicTokens, false);
            ASSERT_TRUE(raw.ok()) << raw.message();
            EXPECT_LE(maxAbsDiff(*raw, poolRef(ref, n, D, Pooling::Mean, false)), 1e-4);
        }
    }

    // The same computation with one mistake is far off: each structural part is really being checked.
    for (Mistake mistake : {Mistake::QkvSplitQVK, Mistake::RopeNormPairs, Mistake::NoRope,
                            Mistake::GeluInsteadOfSwiGlu, Mistake::CausalMask}) {
        auto e = Embedder::create(**model, EmbedParams{.nThreads = 1, .exact = true});
        ASSERT_TRUE(e.ok());
        auto perToken = (*e)->tokenEmbeddings(kNomicTokens);
        ASSERT_TRUE(perToken.ok());
        EXPECT_GT(maxAbsDiff(*perToken, nomicReference(m, kNomicTokens, mistake)), 1e-2) << int(mistake);
    }
}

// F16 and Q8_0 matrices (the types real embedding GGUFs come in): the exact path matches the reference on the
// stored values; the fast path (activations rounded to F16 / Q8_0, repacked kernels where the CPU has them) stays
// close.
TEST(NomicBert, QuantizedWeights) {
    for (kernels::GgmlType type : {kernels::GgmlType::F16, kernels::GgmlType::Q8_0}) {
        NomicSynth s;
        s.matType = type;
        const NomicModel m = buildNomic(s);
        const std::vector<double> ref = nomicReference(m, kNomicTokens, Mistake::None);
        const std::vector<double> pooled = poolRef(ref, int64_t(kNomicTokens.size()), s.nEmbd, Pooling::Mean, true);
        for (bool exact : {true, false}) {
            auto file = GgufFile::parse(m.bytes);
            ASSERT_TRUE(file.ok()) << file.message();
            ModelOptions options;
            options.repack = !exact;  // the fast path also gets the repacked kernels, where this CPU has them
            auto model = Model::load(std::move(*file), options);
            ASSERT_TRUE(model.ok()) << model.message();
            auto out = embed(**model, kNomicTokens, EmbedOptions{.normalize = true, .nThreads = 2, .exact = exact});
            ASSERT_TRUE(out.ok()) << out.message();
            const double d = maxAbsDiff(*out, pooled);
            std::printf("  nomic-bert %s %s: pooled max_abs %.3g, cosine %.9f\n", kernels::typeName(type).data(),
                        exact ? "exact" : "fast", d, cosine(*out, pooled));
            EXPECT_LE(d, exact ? 1e-5 : 2e-2) << kernels::typeName(type) << (exact ? " exact" : " fast");
            EXPECT_GE(cosine(*out, pooled), exact ? 0.9999999 : 0.999);
        }
    }
}

TEST(NomicBert, PoolingTypesAndQkvBias) {
    for (int pooling : {-1, 1, 2, 3}) {
        NomicSynth s;
        s.pooling = pooling;
        s.qkvBias = pooling == 2;
        const NomicModel m = buildNomic(s);
        auto model = loadBytes(m.bytes);
        ASSERT_TRUE(model.ok()) << model.message();
        const Pooling want = pooling < 0 ? Pooling::Mean : Pooling(pooling);
        EXPECT_EQ((*model)->weights().encoder.pooling, want);
        EXPECT_EQ((*model)->weights().encoder.layers.at(0).bqkv != nullptr, s.qkvBias);
        auto out = embed(**model, kNomicTokens, EmbedOptions{.normalize = false, .nThreads = 2, .exact = true});
        ASSERT_TRUE(out.ok()) << out.message();
        const std::vector<double> ref = nomicReference(m, kNomicTokens, Mistake::None);
        EXPECT_LE(maxAbsDiff(*out, poolRef(ref, int64_t(kNomicTokens.size()), s.nEmbd, want, false)), 1e-4)
            << "pooling " << pooling;
    }
}

TEST(NomicBert, PoolingNoneAndRank) {
    NomicSynth s;
    s.pooling = 0;
    NomicModel m = buildNomic(s);
    auto model = loadBytes(m.bytes);
    ASSERT_TRUE(model.ok()) << model.message();
    auto out = embed(**model, kNomicTokens);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.message().find("pooling type is 'none'"), std::string::npos) << out.message();

    s.pooling = 4;
    m = buildNomic(s);
    EXPECT_EQ(loadBytes(m.bytes).message(),
              "GGUF key 'nomic-bert.pooling_type' = 4 (rank: a reranker's classifier head) is not supported");
    s.pooling = 9;
    m = buildNomic(s);
    EXPECT_NE(loadBytes(m.bytes).message().find("= 9 is not a pooling type"), std::string::npos);
}

TEST(NomicBert, MissingTensorsAreNamed) {
    for (const char* name : {"blk.1.attn_qkv.weight", "blk.0.ffn_gate.weight", "token_types.weight",
                             "token_embd_norm.bias", "blk.0.layer_output_norm.bias"}) {
        NomicSynth s;
        s.omit = name;
        const NomicModel m = buildNomic(s);
        EXPECT_EQ(loadBytes(m.bytes).message(), "tensor '" + std::string(name) + "' is missing");
    }
    // The same file called bert lacks bert's own tensors.
    NomicSynth s;
    s.arch = "bert";
    const NomicModel m = buildNomic(s);
    EXPECT_EQ(loadBytes(m.bytes).message(), "tensor 'position_embd.weight' is missing");
}

TEST(Embedding, InputErrorsAndChatRefusal) {
    const NomicModel m = buildNomic(NomicSynth{});
    auto model = loadBytes(m.bytes);
    ASSERT_TRUE(model.ok()) << model.message();
    auto e = Embedder::create(**model);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)->embed({}, true).message(), "no tokens to embed");
    const std::vector<int32_t> bad = {1, 50};
    EXPECT_EQ((*e)->embed(bad, true).message(), "token id 50 at index 1 is outside the vocabulary [0, 50)");
    const std::vector<int32_t> longInput(33, 1);
    EXPECT_EQ((*e)->embed(longInput, true).message(), "the input has 33 tokens, more than the 32 this model takes");
    const std::vector<int32_t> full(32, 1);
    EXPECT_TRUE((*e)->embed(full, true).ok());

    // Chat and generation paths refuse it with a reason.
    auto ctx = Context::create(**model, ContextParams{.nCtx = 16});
    ASSERT_FALSE(ctx.ok());
    EXPECT_NE(ctx.message().find("this is an embedding model ('nomic-bert')"), std::string::npos) << ctx.message();
}

TEST(Embedding, TextGenerationModelIsRefused) {
    const fs::path path = fs::path(HEARTH_SHARED_DIR) / "models" / "stories260K.gguf";
    if (!fs::exists(path)) GTEST_SKIP() << path << " is absent: skipped";
    auto model = Model::load(path.string());
    ASSERT_TRUE(model.ok()) << model.message();
    auto e = Embedder::create(**model);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.message(), "'llama' is a text generation model, not an embedding model");
}

TEST(Embedding, LayerNormAndGelu) {
    // Mean 2.5, variance 1.25: (x - 2.5) / sqrt(1.25) * w + b.
    const float x[] = {1, 2, 3, 4}, w[] = {1, 2, 1, 0.5f}, b[] = {0, 0, 1, -1};
    float y[4];
    layerNorm(y, x, w, b, 4, 0.f);
    const double sd = std::sqrt(1.25);
    EXPECT_NEAR(y[0], -1.5 / sd, 1e-6);
    EXPECT_NEAR(y[1], -0.5 / sd * 2, 1e-6);
    EXPECT_NEAR(y[2], 0.5 / sd + 1, 1e-6);
    EXPECT_NEAR(y[3], 1.5 / sd * 0.5 - 1, 1e-6);
    // The tanh form: gelu(1) = 0.5 (1 + tanh(sqrt(2/pi) * 1.044715)) = 0.841192; odd part gelu(-x) = gelu(x) - x.
    float g[] = {0.f, 1.f, -1.f, 6.f, -6.f};
    geluTanh(g, 5);
    EXPECT_EQ(g[0], 0.f);
    EXPECT_NEAR(g[1], 0.841192, 1e-6);
    EXPECT_NEAR(g[2], 0.841192 - 1, 1e-6);
    EXPECT_NEAR(g[3], 6.f, 1e-5);
    EXPECT_NEAR(g[4], 0.f, 1e-5);
}

TEST(Embedding, PoolAndNormaliseHelpers) {
    const float rows[] = {1, 2, 3, 4, 5, 6};  // 3 tokens x 2
    float out[2];
    poolRows(rows, 3, 2, Pooling::Mean, out);
    EXPECT_FLOAT_EQ(out[0], 3.f);
    EXPECT_FLOAT_EQ(out[1], 4.f);
    poolRows(rows, 3, 2, Pooling::Cls, out);
    EXPECT_FLOAT_EQ(out[1], 2.f);
    poolRows(rows, 3, 2, Pooling::Last, out);
    EXPECT_FLOAT_EQ(out[0], 5.f);
    float v[] = {3, 4};
    normalizeL2(v, 2);
    EXPECT_FLOAT_EQ(v[0], 0.6f);
    EXPECT_FLOAT_EQ(v[1], 0.8f);
    float z[] = {0, 0};
    normalizeL2(z, 2);
    EXPECT_EQ(z[0], 0.f);
}

}  // namespace
}  // namespace hearth::engine
