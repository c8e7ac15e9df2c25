// A tiny self-contained test harness for the kernel tests (no GoogleTest: these tests also cross-build for
// AArch64 and run under qemu, where no arm64 GoogleTest exists).
//
// A test binary runs one named test per invocation: `hearth_kernels_test <test> [--isa <name>]`, one ctest
// entry each (see CMakeLists.txt). CHECK records a failure and continues; the process exits 1 if any check
// failed and 77 (ctest SKIP_RETURN_CODE) if the test was skipped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/dispatch.h"

namespace hearth::kernels::test {

using TestFn = void (*)();

struct Registrar {
    Registrar(const char* name, TestFn fn);
};

// Records a failure (printed, up to a limit per test) and returns false.
bool fail(const char* file, int line, const std::string& message);
// Marks the running test as skipped with a reason (the test should return right after).
void skip(const std::string& reason);

// The ISAs a test should cover: the one given with --isa ("active": activeIsa()), else every runnable one.
const std::vector<Isa>& isasUnderTest();

// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace hearth::kernels::test

#define HEARTH_TEST(name)                                                               \
    static void name##Test();                                                           \
    static const ::hearth::kernels::test::Registrar name##Registrar(#name, name##Test); \
    static void name##Test()

#define CHECK(cond) ((cond) ? true : ::hearth::kernels::test::fail(__FILE__, __LINE__, "CHECK(" #cond ") failed"))
#define CHECK_MSG(cond, ...) \
    ((cond) ? true : ::hearth::kernels::test::fail(__FILE__, __LINE__, ::hearth::kernels::test::format(__VA_ARGS__)))
