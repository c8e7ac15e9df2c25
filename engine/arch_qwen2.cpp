// The Qwen2 family (Qwen2, Qwen2.5): the llama layout plus required q/k/v biases (no output bias), RoPE on the two
// halves of a head (NEOX pairs (i, i + d/2)), and usually a tied output (no output.weight: logits use token_embd).
#include "engine/model.h"

namespace hearth::engine {

const ArchDescriptor kArchQwen2 = {
    .name = "qwen2",
    .ropeStyle = RopeStyle::Neox,
    .qkvBias = true,
    .optionalQkvBias = false,
    .tiedOutputAllowed = true,
};

}  // namespace hearth::engine
