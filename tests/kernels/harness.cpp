#include "tests/kernels/harness.h"

#include <cstdarg>
#include <cstring>
#include <map>

namespace hearth::kernels::test {
namespace {

constexpr int kSkipExitCode = 77;
constexpr int kMaxPrintedFailures = 25;

std::map<std::string, TestFn>& registry() {
    static std::map<std::string, TestFn> tests;
    return tests;
}

int gFailures = 0;
bool gSkipped = false;
std::vector<Isa> gIsas;

int usage() {
    std::fprintf(stderr, "usage: hearth_kernels_test <test> [--isa scalar|avx2|avx512|avx512vnni|neon|neondot|active]\n"
                         "tests:");
    for (const auto& [name, fn] : registry()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
}

}  // namespace

Registrar::Registrar(const char* name, TestFn fn) { registry()[name] = fn; }

bool fail(const char* file, int line, const std::string& message) {
    if (++gFailures <= kMaxPrintedFailures) std::fprintf(stderr, "%s:%d: %s\n", file, line, message.c_str());
    if (gFailures == kMaxPrintedFailures + 1) std::fprintf(stderr, "(further failures not printed)\n");
    return false;
}

void skip(const std::string& reason) {
    gSkipped = true;
    std::printf("SKIPPED: %s\n", reason.c_str());
}

const std::vector<Isa>& isasUnderTest() { return gIsas; }

std::string format(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    char buffer[1024];
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

}  // namespace hearth::kernels::test

int main(int argc, char** argv) {
    using namespace hearth::kernels;
    using namespace hearth::kernels::test;
    if (argc < 2) return usage();
    const auto it = registry().find(argv[1]);
    if (it == registry().end()) return usage();

    gIsas = runnableIsas();
    if (argc == 4 && std::strcmp(argv[2], "--isa") == 0 && std::strcmp(argv[3], "active") == 0) {
        gIsas = {activeIsa()};  // whatever dispatch chose (HEARTH_ISA applies)
    } else if (argc == 4 && std::strcmp(argv[2], "--isa") == 0) {
        bool known = false;
        for (size_t i = 0; i < static_cast<size_t>(Isa::Count); ++i) {
            if (isaName(static_cast<Isa>(i)) != argv[3]) continue;
            known = true;
            const auto isa = static_cast<Isa>(i);
            if (kernelsFor(GgmlType::F32, isa) == nullptr) {
                std::printf("SKIPPED: ISA %s is not built or not supported by this CPU\n", argv[3]);
                return kSkipExitCode;
            }
            gIsas = {isa};
        }
        if (!known) return usage();
    } else if (argc != 2) {
        return usage();
    }

    std::printf("running %s on:", argv[1]);
    for (const Isa isa : gIsas) std::printf(" %s", std::string(isaName(isa)).c_str());
    std::printf(" (active ISA %s)\n", std::string(isaName(activeIsa())).c_str());
    it->second();
    if (gFailures > 0) {
        std::printf("FAILED: %d check(s)\n", gFailures);
        return 1;
    }
    if (gSkipped) return kSkipExitCode;
    std::printf("PASSED\n");
    return 0;
}
