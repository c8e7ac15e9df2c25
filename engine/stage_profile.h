// StageProfile: where the forward pass spends its wall time, stage by stage (matmuls by tensor kind, activation
// quantize/pack, attention, norms, ...), for `HEARTH_PROFILE=1 hearth-cli bench ...` (printed on stderr).
//
// It works by laps: the forward pass calls lap(stage) right after each stage, which charges the wall time since the
// previous lap (or begin()) to that stage. Laps add lines next to the stages instead of wrapping them. Off (the
// default) every call is one predictable branch on a bool, so the forward pass keeps its speed.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace hearth::engine {

enum class Stage : uint8_t {
    Embed,        // token embedding rows, RoPE angles
    Norm,         // rmsnorm before attention / feed-forward / output
    ActQuant,     // matmul inputs quantized to the activation type and packed for the tile kernels
    MatQkv,       // attn_q, attn_k, attn_v (+ biases)
    MatAttnOut,   // attn_output
    MatGateUp,    // ffn_gate, ffn_up
    MatDown,      // ffn_down
    MatOutput,    // output (logits)
    Rope,         // rotary position embedding of queries and keys
    KvStore,      // the batch's keys and values appended to the cache
    Attention,    // causal attention over the cache
    Elementwise,  // residual adds, SwiGLU
    Count
};

inline const char* stageName(Stage s) {
    static constexpr const char* kNames[] = {"embed",       "norm",    "act quant+pack", "matmul qkv",
                                             "matmul attn_out", "matmul gate+up", "matmul down", "matmul output",
                                             "rope",        "kv store", "attention",      "elementwise"};
    static_assert(std::size(kNames) == size_t(Stage::Count));
    return kNames[size_t(s)];
}

class StageProfile {
public:
    using Clock = std::chrono::steady_clock;

    bool enabled() const { return enabled_; }
    void setEnabled(bool on) { enabled_ = on; }
    void clear() {
        seconds_.fill(0.0);
        tokens_ = 0;
        evals_ = 0;
    }

    // Starts a forward pass of nTok tokens: the next lap measures from here.
    void begin(int64_t nTok) {
        if (!enabled_) return;
        tokens_ += nTok;
        ++evals_;
        last_ = Clock::now();
    }
    // Charges the time since the previous lap (or begin) to stage s.
    void lap(Stage s) {
        if (!enabled_) return;
        const Clock::time_point now = Clock::now();
        seconds_[size_t(s)] += std::chrono::duration<double>(now - last_).count();
        last_ = now;
    }

    double seconds(Stage s) const { return seconds_[size_t(s)]; }
    int64_t tokens() const { return tokens_; }  // tokens run since clear()
    int64_t evals() const { return evals_; }    // forward passes since clear()

private:
    bool enabled_ = false;
    std::array<double, size_t(Stage::Count)> seconds_{};
    int64_t tokens_ = 0;
    int64_t evals_ = 0;
    Clock::time_point last_{};
};

}  // namespace hearth::engine
