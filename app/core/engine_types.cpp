#include "app/core/engine_types.h"

namespace hearth::app {

void registerEngineTypes() {
    // Queued connections copy arguments through the meta-type system; registering by name as well makes the
    // fully qualified spelling used in signal signatures resolvable. qRegisterMetaType is itself idempotent, the
    // once-flag just saves the work on repeated calls.
    static const bool registered = [] {
        qRegisterMetaType<LoadOptions>("hearth::app::LoadOptions");
        qRegisterMetaType<ModelInfo>("hearth::app::ModelInfo");
        qRegisterMetaType<TurnRequest>("hearth::app::TurnRequest");
        qRegisterMetaType<GenerationProgress>("hearth::app::GenerationProgress");
        qRegisterMetaType<GenerationResult>("hearth::app::GenerationResult");
        qRegisterMetaType<ChatTurn>("hearth::app::ChatTurn");
        qRegisterMetaType<SamplerSettings>("hearth::app::SamplerSettings");
        return true;
    }();
    (void)registered;
}

}  // namespace hearth::app
