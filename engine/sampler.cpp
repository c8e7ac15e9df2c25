#include "engine/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <random>

namespace hearth::engine {
namespace {

uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

float sanitize(float logit) { return std::isnan(logit) ? -std::numeric_limits<float>::infinity() : logit; }

}  // namespace

void Xoshiro256::reseed(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& s : s_) s = splitmix64(x);
}

uint64_t Xoshiro256::next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

Sampler::Sampler(const SamplerParams& params) : params_(params), rng_(params.seed) {}

void Sampler::reseed(uint64_t seed) {
    params_.seed = seed;
    rng_.reseed(seed);
}

void Sampler::setParams(const SamplerParams& params) {
    params_ = params;
    rng_.reseed(params.seed);
}

uint64_t Sampler::randomSeed() {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ uint64_t(rd());
}

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
    assert(!logits.empty());
    const auto n = int32_t(logits.size());

    candidates_.resize(size_t(n));
    for (int32_t i = 0; i < n; ++i) candidates_[size_t(i)] = {i, sanitize(logits[size_t(i)])};

    // 1. Repeat penalty, once per distinct token of the recent window (a token seen 3 times is penalised once).
    if (params_.repeatPenalty != 1.0f && params_.repeatPenalty > 0.0f && params_.repeatLastN != 0) {
        const size_t window = params_.repeatLastN < 0 ? history.size()
                                                      : std::min(history.size(), size_t(params_.repeatLastN));
        recent_.assign(history.end() - std::ptrdiff_t(window), history.end());
        std::sort(recent_.begin(), recent_.end());
        recent_.erase(std::unique(recent_.begin(), recent_.end()), recent_.end());
        for (int32_t id : recent_) {
            if (id < 0 || id >= n) continue;
            float& l = candidates_[size_t(id)].logit;
            l = l > 0.0f ? l / params_.repeatPenalty : l * params_.repeatPenalty;
        }
    }

    // Total order: higher logit first, then lower id. Deterministic under any sort algorithm.
    const auto better = [](const Candidate& a, const Candidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };

    // 2. Greedy.
    if (!(params_.temperature > 0.0f)) {
        return std::min_element(candidates_.begin(), candidates_.end(), better)->id;
    }

    // 3. Top-k: keep the k best, sorted (nth_element leaves them in a library-dependent order; every later sum and
    // walk must see a canonical order to give the same result everywhere). Without top-k they stay in id order.
    if (params_.topK > 0 && params_.topK < n) {
        std::nth_element(candidates_.begin(), candidates_.begin() + params_.topK, candidates_.end(), better);
        candidates_.resize(size_t(params_.topK));
        std::sort(candidates_.begin(), candidates_.end(), better);
    }

    const float maxLogit = std::min_element(candidates_.begin(), candidates_.end(), better)->logit;
    if (maxLogit == -std::numeric_limits<float>::infinity()) {
        // Every logit is -inf (or NaN): nothing to weigh; fall back to the lowest id among them.
        return std::min_element(candidates_.begin(), candidates_.end(), better)->id;
    }

    // Probability mass at temperature 1 of the top-k set: top-p is normalised over it (as llama.cpp does).
    double total = 0.0;
    for (const Candidate& c : candidates_) total += std::exp(double(c.logit) - double(maxLogit));

    // 5, applied before 4 because it is cheap and shrinks what top-p must sort. Both keep a prefix of the sorted
    // order, so the result is the shorter prefix either way (top-p's normalisation was fixed above). Min-p:
    // p >= minP * pMax  <=>  logit >= maxLogit + log(minP). remove_if is stable: the order stays canonical.
    if (params_.minP > 0.0f && params_.minP <= 1.0f) {
        const double threshold = double(maxLogit) + std::log(double(params_.minP));
        candidates_.erase(std::remove_if(candidates_.begin(), candidates_.end(),
                                         [&](const Candidate& c) { return double(c.logit) < threshold; }),
                          candidates_.end());
    }

    // 4. Top-p: the smallest prefix of the sorted candidates whose mass reaches topP (at least one).
    if (params_.topP < 1.0f) {
        std::sort(candidates_.begin(), candidates_.end(), better);
        double cum = 0.0;
        size_t keep = candidates_.size();
        for (size_t i = 0; i < candidates_.size(); ++i) {
            cum += std::exp(double(candidates_[i].logit) - double(maxLogit)) / total;
            if (cum >= double(params_.topP)) {
                keep = i + 1;
                break;
            }
        }
        candidates_.resize(keep);
    }

    // 6. Temperature and the draw: weights exp((l - max) / T), pick where the cumulative weight passes u * sum.
    const double invT = 1.0 / double(params_.temperature);
    weights_.resize(candidates_.size());
    double sum = 0.0;
    for (size_t i = 0; i < candidates_.size(); ++i) {
        weights_[i] = std::exp((double(candidates_[i].logit) - double(maxLogit)) * invT);
        sum += weights_[i];
    }
    const double target = rng_.uniform() * sum;
    double cum = 0.0;
    for (size_t i = 0; i < candidates_.size(); ++i) {
        cum += weights_[i];
        if (target < cum) return candidates_[i].id;
    }
    // Rounding left the target at the very end: the last candidate with a non-zero weight.
    for (size_t i = candidates_.size(); i-- > 0;)
        if (weights_[i] > 0.0) return candidates_[i].id;
    return candidates_.front().id;
}

}  // namespace hearth::engine
