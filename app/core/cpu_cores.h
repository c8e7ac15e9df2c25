// The machine's core counts, shared by the engine worker (its default thread count) and the settings (their
// default and the range a user may choose from), so both agree on what "the physical cores" means.
#pragma once

namespace hearth::app {

// Physical cores (distinct physical id / core id pairs of /proc/cpuinfo): SMT siblings share a core's execution
// units and memory path, so more threads than cores only adds synchronisation. Falls back to hardwareThreads()
// where /proc/cpuinfo does not say (other systems, some containers). At least 1.
int physicalCores();

// Logical CPUs (std::thread::hardware_concurrency), at least 1.
int hardwareThreads();

}  // namespace hearth::app
