// The llama family: Llama 2/3/3.1, Mistral, TinyLlama, SmolLM and other files that say "llama".
// RMSNorm, grouped-query attention, RoPE on neighbouring pairs (2i, 2i+1), SwiGLU feed-forward. Optional:
// output.weight (tied to token_embd when absent), q/k/v biases (some converted models carry them), the Llama 3.1
// rope_freqs.weight divisors (bound by model.cpp when present).
#include "engine/model.h"

namespace hearth::engine {

const ArchDescriptor kArchLlama = {
    .name = "llama",
    .ropeStyle = RopeStyle::Norm,
    .qkvBias = false,
    .optionalQkvBias = true,
    .tiedOutputAllowed = true,
};

}  // namespace hearth::engine
