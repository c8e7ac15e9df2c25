// Microbenchmark of the matrix kernels, one weight type at a time, on one thread; not part of ctest (the kernels'
// correctness is tested in tests/kernels/). For TinyLlama's two FFN shapes (5632 x 2048 and 2048 x 5632) it times,
// on the active ISA (HEARTH_ISA=avx2|scalar|... to force a lower one):
//   - the per-row dot products (kernelsFor(type)->dotAct or dotF32), the path without tiles, at batch 1;
//   - the tile kernel (gemmKernelsFor) at batch 1 and at batch 64, and the per-row path at batch 64;
//   - the repacked kernel (repackedGemmFor: weights re-laid out once, as at model load), at batch 1 and 64;
//   - for TQ2_0 the T-MAC style lookup-table GEMV (kernels/lut_tq2_0_avx512.h), with its table build.
// Batch 1 is reported in GB/s of weights (the matrix fits in L2/L3 after the first pass, so this is the kernel's
// compute ceiling, which must exceed the machine's per-core memory bandwidth for generation to be memory bound),
// batch 64 in tokens/s of that matrix. Times are this thread's CPU time, best of the repetitions: the machine may be
// shared, and time spent descheduled only adds noise.
//
// Run: gemm_bench [--reps N] [TYPE ...]     (default: every type the engine computes with)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/dispatch.h"
#include "kernels/gemm.h"
#if defined(__x86_64__)
#include "kernels/lut_tq2_0_avx512.h"
#endif

using namespace hearth::kernels;

namespace {

constexpr int64_t kBatch = 64;

double seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

template <class Fn>
double best(int reps, Fn&& fn) {
    double t = 1e30;
    for (int i = 0; i < reps; ++i) {
        const double t0 = seconds();
        fn();
        t = std::min(t, seconds() - t0);
    }
    return t;
}

uint8_t* align64(std::vector<uint8_t>& v) {
    return v.data() + (64 - reinterpret_cast<uintptr_t>(v.data()) % 64) % 64;
}

void run(GgmlType type, int64_t nRows, int64_t n, int reps) {
    const std::string name(typeName(type));
    const TypeKernels* k = kernelsFor(type);
    if (k == nullptr || n % int64_t(traitsOf(type).blockElems) != 0) return;
    std::mt19937 rng(42);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    const size_t wRow = rowBytes(type, uint64_t(n));
    const GgmlType actType = k->actType;
    const size_t xRow = rowBytes(actType, uint64_t(n));
    std::vector<uint8_t> w(size_t(nRows) * wRow), act(size_t(kBatch) * xRow);
    std::vector<float> xf(size_t(kBatch) * size_t(n)), row(static_cast<size_t>(n));
    for (int64_t r = 0; r < nRows; ++r) {
        for (float& v : row) v = nd(rng);
        quantizeRow(type, row.data(), w.data() + size_t(r) * wRow, n);
    }
    for (float& v : xf) v = nd(rng);
    for (int64_t t = 0; t < kBatch; ++t) {
        if (actType != GgmlType::F32) k->quantizeAct(xf.data() + t * n, act.data() + size_t(t) * xRow, n);
    }
    std::vector<float> y(size_t(kBatch) * size_t(nRows));
    const double gb = double(w.size()) * 1e-9;
    auto perRow = [&](int64_t t, int64_t r) {
        const uint8_t* wr = w.data() + size_t(r) * wRow;
        return actType == GgmlType::F32 ? k->dotF32(wr, xf.data() + t * n, n)
                                        : k->dotAct(wr, act.data() + size_t(t) * xRow, n);
    };
    const double tRow = best(reps, [&] {
        for (int64_t r = 0; r < nRows; ++r) y[size_t(r)] = perRow(0, r);
    });
    std::printf("%-6s %5lld x %5lld  per-row   batch 1: %8.3f ms %6.2f GB/s\n", name.c_str(), (long long)nRows,
                (long long)n, tRow * 1e3, gb / tRow);

    if (const GemmKernels* g = gemmKernelsFor(type)) {
        // The tile's activation rows: packed, or the actType rows as they are.
        const bool f32 = g->actType == GgmlType::F32;
        const size_t xs = g->pack != nullptr ? g->packedRowBytes(n) : f32 ? size_t(n) * sizeof(float) : xRow;
        std::vector<uint8_t> packed(size_t(kBatch) * xs + 64);
        const uint8_t* p = f32 ? reinterpret_cast<const uint8_t*>(xf.data()) : act.data();
        double tPack = 0.0;
        if (g->pack != nullptr) {
            uint8_t* dst = align64(packed);
            tPack = best(reps, [&] { g->pack(act.data(), dst, n); });
            for (int64_t t = 1; t < kBatch; ++t) g->pack(act.data() + size_t(t) * xRow, dst + size_t(t) * xs, n);
            p = dst;
        }
        const double t1 = best(reps, [&] { g->gemm(w.data(), wRow, nRows, p, xs, 1, n, y.data(), size_t(nRows)); });
        const double t64 = best(std::max(1, reps / 4), [&] {
            g->gemm(w.data(), wRow, nRows, p, xs, kBatch, n, y.data(), size_t(nRows));
        });
        const double tRow64 = best(1, [&] {
            for (int64_t r = 0; r < nRows; ++r) {
                for (int64_t t = 0; t < kBatch; ++t) y[size_t(t) * size_t(nRows) + size_t(r)] = perRow(t, r);
            }
        });
        std::printf("%-6s %5lld x %5lld  tile      batch 1: %8.3f ms %6.2f GB/s (pack %.1f us)\n", name.c_str(),
                    (long long)nRows, (long long)n, t1 * 1e3, gb / t1, tPack * 1e6);
        std::printf("%-6s %5lld x %5lld  batch %lld: tile %8.2f ms (%6.0f tok/s of this matrix), per-row %8.2f ms\n",
                    name.c_str(), (long long)nRows, (long long)n, (long long)kBatch, t64 * 1e3, double(kBatch) / t64,
                    tRow64 * 1e3);
    }
    if (const GemmKernels* g = repackedGemmFor(type)) {
        // Weights repacked once (as at model load), then the same batch-1 / batch-64 timings.
        const size_t xs = g->pack != nullptr ? g->packedRowBytes(n) : xRow;
        std::vector<uint8_t> packed(size_t(kBatch) * xs + 64);
        const uint8_t* p = act.data();
        if (g->pack != nullptr) {
            uint8_t* dst = align64(packed);
            for (int64_t t = 0; t < kBatch; ++t) g->pack(act.data() + size_t(t) * xRow, dst + size_t(t) * xs, n);
            p = dst;
        }
        const size_t gBytes = g->groupBytes(n);
        std::vector<uint8_t> rw(size_t((nRows + g->rowGroup - 1) / g->rowGroup) * gBytes + 64);
        uint8_t* wp = align64(rw);
        const double tRepack = best(1, [&] { g->repack(w.data(), wRow, nRows, n, wp); });
        const double t1 = best(reps, [&] { g->gemm(wp, gBytes, nRows, p, xs, 1, n, y.data(), size_t(nRows)); });
        const double t64 = best(std::max(1, reps / 4), [&] {
            g->gemm(wp, gBytes, nRows, p, xs, kBatch, n, y.data(), size_t(nRows));
        });
        std::printf("%-6s %5lld x %5lld  repacked  batch 1: %8.3f ms %6.2f GB/s (repack %.1f ms)\n", name.c_str(),
                    (long long)nRows, (long long)n, t1 * 1e3, gb / t1, tRepack * 1e3);
        std::printf("%-6s %5lld x %5lld  batch %lld: repacked %8.2f ms (%6.0f tok/s of this matrix)\n", name.c_str(),
                    (long long)nRows, (long long)n, (long long)kBatch, t64 * 1e3, double(kBatch) / t64);
    }
#if defined(__x86_64__)
    if (type == GgmlType::TQ2_0 && cpuSupports(Isa::Avx512)) {
        std::vector<uint8_t> tables(lutTq2_0TableBytes(n) + 64);
        uint8_t* tb = align64(tables);
        const double tBuild = best(reps, [&] { lutTq2_0BuildTables(act.data(), tb, n); });
        const double tLut = best(reps, [&] { lutTq2_0Gemv(w.data(), wRow, nRows, tb, n, y.data()); });
        std::printf("%-6s %5lld x %5lld  lookup    batch 1: %8.3f ms %6.2f GB/s (table build %.1f us, %zu KiB)\n",
                    name.c_str(), (long long)nRows, (long long)n, tLut * 1e3, gb / tLut, tBuild * 1e6,
                    lutTq2_0TableBytes(n) / 1024);
    }
#endif
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 20;
    std::vector<GgmlType> types;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--reps" && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else if (const std::optional<GgmlType> t = typeFromName(a)) {
            types.push_back(*t);
        } else {
            std::fprintf(stderr, "usage: gemm_bench [--reps N] [TYPE ...]   (unknown argument '%s')\n", a.c_str());
            return 2;
        }
    }
    if (types.empty()) {
        for (uint32_t id = 0; id < kGgmlTypeIdLimit; ++id) {
            const std::optional<TypeTraits> traits = typeTraits(id);
            if (traits && traits->computeSupported) types.push_back(static_cast<GgmlType>(id));
        }
    }
    std::printf("active ISA %s, one thread, best of %d\n", std::string(isaName(activeIsa())).c_str(), reps);
    for (const GgmlType type : types) {
        run(type, 5632, 2048, reps);  // ffn_gate / ffn_up
        run(type, 2048, 5632, reps);  // ffn_down
    }
    return 0;
}
