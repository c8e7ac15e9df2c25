// Sampler: picks the next token from one row of logits. Same parameters, seed and inputs give the same tokens on
// every platform: the random stream is our own xoshiro256** (seeded by splitmix64) with our own 53-bit
// uniform-double conversion, the candidate order is a total order (logit descending, then id ascending), and
// sums are in double. (Only a last-ulp difference in std::exp between C libraries can flip a draw that lands
// exactly on a probability boundary.)
//
// Pipeline, as llama.cpp's default chain: repeat penalty -> top-k -> top-p -> min-p -> temperature -> draw.
// The filters look at probabilities at temperature 1, so temperature only reshapes what survives them.
// temperature <= 0 is greedy: argmax of the penalised logits, ties to the lowest id.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hearth::engine {

struct SamplerParams {
    float temperature = 0.8f;   // <= 0: greedy (argmax); otherwise logits are divided by it before the draw
    int32_t topK = 40;          // keep the k most likely tokens; <= 0 or >= n_vocab: off
    float topP = 0.95f;         // keep the smallest most-likely set whose probability reaches p; >= 1: off
    float minP = 0.05f;         // drop tokens with probability < minP * (probability of the best); <= 0: off
    float repeatPenalty = 1.0f; // tokens in the last repeatLastN of the history: positive logits are divided by
                                // it, negative ones multiplied (llama.cpp semantics); 1: off
    int32_t repeatLastN = 64;   // how much of the history the penalty looks at; 0: off; < 0: the whole history
    uint64_t seed = 0;          // the random stream; same seed, same draws
};

// xoshiro256** (Blackman & Vigna), seeded through splitmix64 so any 64-bit seed (even 0) gives a good state.
// Self-contained so its output is identical on every standard library.
class Xoshiro256 {
public:
    explicit Xoshiro256(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed);
    uint64_t next();
    // Uniform in [0, 1): the top 53 bits of next() scaled by 2^-53, exactly representable in a double.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t s_[4] = {};
};

class Sampler {
public:
    explicit Sampler(const SamplerParams& params = {});

    // Returns the id of the chosen token, in [0, logits.size()). logits is one row of n_vocab floats (not
    // modified; NaN counts as -inf); history holds the tokens so far (prompt and generated), oldest first, of
    // which the last repeatLastN are penalised (ids outside the vocabulary are ignored). logits must not be empty.
    int32_t sample(std::span<const float> logits, std::span<const int32_t> history = {});
    int32_t sample(const float* logits, int64_t nVocab, std::span<const int32_t> history = {}) {
        return sample(std::span<const float>(logits, size_t(nVocab)), history);
    }

    // Restarts the random stream (a new conversation with a fixed seed repeats itself).
    void reseed(uint64_t seed);
    const SamplerParams& params() const { return params_; }
    // Changes the parameters; the random stream is reseeded from params.seed.
    void setParams(const SamplerParams& params);

    // A seed from std::random_device, for "random seed" in the UI.
    static uint64_t randomSeed();

private:
    struct Candidate {
        int32_t id;
        float logit;
    };

    SamplerParams params_;
    Xoshiro256 rng_;
    std::vector<Candidate> candidates_;  // (n_vocab) scratch, reused between calls
    std::vector<int32_t> recent_;        // (repeatLastN) scratch: distinct recent ids
    std::vector<double> weights_;        // (candidates) scratch: unnormalised probabilities
};

}  // namespace hearth::engine
