// Element-wise activation kernels of the forward pass (engine/ops.h swiglu), dispatched by the same active ISA as
// the rest of kernels/ (HEARTH_ISA caps it). At batch 1 the SwiGLU of a 1B model's FFN is ~120 K exponentials per
// token, a few % of a token's time in scalar std::exp; vectorised it is noise.
#pragma once

#include <cstdint>

#include "kernels/dispatch.h"

namespace hearth::kernels {

struct ActivationKernels {
    // gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + exp(-gate[i])) * up[i], for i < n. Within a few ulp of
    // the scalar std::exp version; exp overflow for very negative gates gives -0, as there.
    void (*swiglu)(float* gate, const float* up, int64_t n);
};

// The kernels of the active ISA (never null: the scalar table where an ISA has no code of its own).
const ActivationKernels& activationKernels();
// The kernels a given ISA runs (for tests); nullptr if this CPU cannot run that ISA.
const ActivationKernels* activationKernels(Isa isa);

}  // namespace hearth::kernels
