#include "engine/membw.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <sys/resource.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "engine/memory_estimate.h"
#include "engine/thread_pool.h"
#include "kernels/cpu_features.h"

namespace hearth::engine {
namespace {

constexpr size_t kLine = 64;                 // bytes per load: one cache line, one AVX-512 register
constexpr size_t kUnroll = 4;                // independent accumulators per iteration
constexpr size_t kStep = kLine * kUnroll;    // bytes per loop iteration

// A 64-byte vector of integers (GCC/clang vector extension): the compiler maps it onto one zmm register, two
// ymm or four xmm registers depending on the target of the function it is used in.
using Line = uint64_t __attribute__((vector_size(kLine)));

// Sums n bytes (n a multiple of kStep, p 64-byte aligned) as 64-bit integers. Integer adds have one cycle of
// latency, so four accumulators keep the loads the only limit.
template <int kTag>
[[gnu::always_inline]] inline uint64_t sumLines(const uint8_t* p, size_t n) {
    Line a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (size_t i = 0; i < n; i += kStep) {
        const Line* l = reinterpret_cast<const Line*>(p + i);
        a0 += l[0];
        a1 += l[1];
        a2 += l[2];
        a3 += l[3];
    }
    const Line s = (a0 + a1) + (a2 + a3);
    uint64_t total = 0;
    for (size_t k = 0; k < kLine / sizeof(uint64_t); ++k) total += s[k];
    return total;
}

uint64_t sumBaseline(const uint8_t* p, size_t n) { return sumLines<0>(p, n); }
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2"))) uint64_t sumAvx2(const uint8_t* p, size_t n) { return sumLines<1>(p, n); }
__attribute__((target("avx512f"))) uint64_t sumAvx512(const uint8_t* p, size_t n) { return sumLines<2>(p, n); }
#endif

using SumFn = uint64_t (*)(const uint8_t*, size_t);

SumFn pickSum(const char** name) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (kernels::cpuSupports(kernels::Isa::Avx512)) {
        *name = "avx512";
        return sumAvx512;
    }
    if (kernels::cpuSupports(kernels::Isa::Avx2)) {
        *name = "avx2";
        return sumAvx2;
    }
#endif
    *name = "baseline";
    return sumBaseline;
}

struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
};

}  // namespace

double processCpuSeconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0.0;
    auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

Result<MembwResult> measureReadBandwidth(const MembwParams& params) {
    if (params.nThreads < 1) return Error{"membw: threads must be at least 1, got " + std::to_string(params.nThreads)};
    if (params.passes < 1) return Error{"membw: passes must be at least 1, got " + std::to_string(params.passes)};

    // The buffer: as asked, but at most a quarter of what the machine has free (it is shared), and a whole number
    // of loop steps per thread.
    uint64_t bytes = params.bufferBytes;
    if (auto sys = systemMemory(); sys && sys->availableBytes > 0) bytes = std::min(bytes, sys->availableBytes / 4);
    const uint64_t perThreadUnit = uint64_t(kStep) * uint64_t(params.nThreads);
    bytes = std::max<uint64_t>(bytes / perThreadUnit, 1) * perThreadUnit;
    const size_t slice = size_t(bytes / uint64_t(params.nThreads));

    // 2 MiB alignment so the kernel can back the buffer with huge pages: TLB misses would otherwise be part of
    // what is measured.
    constexpr size_t kHuge = size_t(2) << 20;
    const size_t allocBytes = (size_t(bytes) + kHuge - 1) / kHuge * kHuge;
    std::unique_ptr<uint8_t, FreeDeleter> buf(static_cast<uint8_t*>(std::aligned_alloc(kHuge, allocBytes)));
    if (!buf) return Error{"membw: cannot allocate a " + std::to_string(bytes >> 20) + " MiB buffer"};
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(buf.get(), allocBytes, MADV_HUGEPAGE);  // a hint: ignored where transparent huge pages are off
#endif

    MembwResult result;
    const SumFn sum = pickSum(&result.loadWidth);
    ThreadPool pool(params.nThreads);
    uint8_t* base = buf.get();

    // Non-zero bytes, written by the thread that will read them (first touch places the pages near it).
    pool.run([&](int ith, int) { std::memset(base + size_t(ith) * slice, 0x5a ^ ith, slice); });

    std::vector<uint64_t> sinks(size_t(params.nThreads) * 8, 0);  // one cache line apart: no false sharing
    auto pass = [&] {
        pool.run([&](int ith, int) { sinks[size_t(ith) * 8] += sum(base + size_t(ith) * slice, slice); });
    };
    pass();  // warm-up: page tables, thread wake-up, frequency ramp
    const double cpu0 = processCpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    for (int i = 0; i < params.passes; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        pass();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        result.passGbps.push_back(double(bytes) / s / 1e9);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    result.cpuShare = wall > 0 ? (processCpuSeconds() - cpu0) / (wall * params.nThreads) : 0.0;
    // The sums are never inspected; this keeps the compiler from dropping the reads.
    volatile uint64_t keep = 0;
    for (uint64_t v : sinks) keep = keep + v;

    std::vector<double> sorted = result.passGbps;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    result.gbps = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    result.bestGbps = sorted.back();
    result.nThreads = params.nThreads;
    result.bufferBytes = bytes;
    return result;
}

}  // namespace hearth::engine
