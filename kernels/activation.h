// Element-wise kernels of the forward pass (engine/ops.h swiglu and rmsnorm, the KV cache's F16 store), dispatched
// by the same active ISA as the rest of kernels/ (HEARTH_ISA caps it). At batch 1 the SwiGLU of a 1B model's FFN is
// ~120 K exponentials per token, a few % of a token's time in scalar std::exp; vectorised it is noise. The same for
// the 45 RMS norms (0.16 ms per token in the scalar loops of a 22-layer model) and the ~11 K F32 -> F16 conversions
// of the keys and values a token stores (0.13 ms one by one in software).
#pragma once

#include <cstdint>

#include "kernels/dispatch.h"

namespace hearth::kernels {

struct ActivationKernels {
    // gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + exp(-gate[i])) * up[i], for i < n. Within a few ulp of
    // the scalar std::exp version; exp overflow for very negative gates gives -0, as there.
    void (*swiglu)(float* gate, const float* up, int64_t n);
    // out[i] = x[i] * scale * w[i] with scale = 1 / sqrt(mean of x[i]^2 + eps), the mean summed in double (a wide
    // residual stream loses digits in a float sum); out may be x. Within an ulp or so of the scalar version (the
    // double sum's order differs, the products are the same float operations).
    void (*rmsnorm)(float* out, const float* x, const float* w, int64_t n, float eps);
    // dst[i] = x[i] as IEEE F16 bits, rounded to nearest even (fp16.h f32ToFp16, bit for bit; NaN stays NaN).
    void (*toF16)(const float* x, uint16_t* dst, int64_t n);
};

// The kernels of the active ISA (never null: the scalar table where an ISA has no code of its own).
const ActivationKernels& activationKernels();
// The kernels a given ISA runs (for tests); nullptr if this CPU cannot run that ISA.
const ActivationKernels* activationKernels(Isa isa);

}  // namespace hearth::kernels
