// Tile kernels (kernels/gemm.h) against their scalar oracle gemmReference, on every ISA under test: every weight
// type with tiles, odd sizes (partial row and token tiles, rows with a tail of blocks outside the 4-block groups,
// plain rows whose length is not a multiple of the vector width) and misaligned weights and activations.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/fp16.h"
#include "kernels/gemm.h"
#include "kernels/reference.h"
#include "kernels/reference_kquants.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

// Every type the engine computes with: a type without tiles on an ISA is skipped there.
std::vector<GgmlType> gemmTypes() {
    std::vector<GgmlType> types;
    for (uint32_t id = 0; id < kGgmlTypeIdLimit; ++id) {
        const std::optional<TypeTraits> traits = typeTraits(id);
        if (traits && traits->computeSupported) types.push_back(static_cast<GgmlType>(id));
    }
    return types;
}

struct Case {
    int64_t nRows;
    int64_t nTok;
    int64_t n;
    // Weights of random bytes instead of quantized rows, each block's leading F16 scale (and the F16 minimum m that
    // follows it in Q4_1 and Q5_1) replaced by a finite one: for the types whose every other bit pattern is valid
    // (IQ4_NL, IQ4_XS, Q4_1, Q5_0, Q5_1), so that all of them meet the kernel, e.g. the IQ4_XS sub-block scales our
    // quantizer never writes, or every combination of Q5 5th bits, or TQ1_0 bytes past 242 and 5th trits of qh set.
    bool randomBlocks = false;
    // Activations of nearly equal magnitude and random signs, so the quantized ones sit at +-127 (Q8_K, Q8_0): sums
    // at the ends of the kernels' integer ranges (Q6_K's wide path: sub-block sums of |x| past kNarrowAbsSum).
    bool flatActs = false;
};

// Runs one (type, shape) case on gk and compares with the oracle. Returns false on a failure (already reported).
bool checkCase(Isa isa, const GemmKernels& gk, const Case& c, size_t wOffset, size_t xOffset, Rng& rng) {
    const GgmlType type = gk.type;
    const size_t wRowBytes = rowBytes(type, uint64_t(c.n));
    const size_t actRowBytes = rowBytes(gk.actType, uint64_t(c.n));

    // Weights: random rows quantized by the reference quantizer, at a misaligned address.
    OffsetBuffer w(size_t(c.nRows) * wRowBytes, wOffset);
    std::vector<float> row(size_t(c.n));
    for (int64_t r = 0; r < c.nRows; ++r) {
        uint8_t* dst = w.data() + size_t(r) * wRowBytes;
        if (c.randomBlocks) {
            for (size_t j = 0; j < wRowBytes; ++j) dst[j] = static_cast<uint8_t>(rng.bits32());
            // TQ1_0 keeps its scale at the end of the block.
            const size_t dAt = type == GgmlType::TQ1_0 ? 52 : 0;
            for (size_t o = 0; o < wRowBytes; o += traitsOf(type).blockBytes) {
                const uint16_t d = f32ToFp16(0.01f * rng.uniform());
                std::memcpy(dst + o + dAt, &d, sizeof d);
                if (type == GgmlType::Q4_1 || type == GgmlType::Q5_1) {
                    const uint16_t m = f32ToFp16(0.1f * rng.uniform());
                    std::memcpy(dst + o + 2, &m, sizeof m);
                }
            }
            continue;
        }
        for (float& v : row) v = rng.normal(1.0f);
        quantizeRow(type, row.data(), dst, c.n);
    }
    // Activations: F32 rows, quantized to actType as the engine does (Q8_0 via the reference quantizer).
    OffsetBuffer act(size_t(c.nTok) * actRowBytes, xOffset);
    for (int64_t t = 0; t < c.nTok; ++t) {
        for (float& v : row) {
            v = c.flatActs ? (rng.uniform() < 0.0f ? -1.0f : 1.0f) * (2.0f + 0.01f * rng.uniform()) : rng.normal(2.0f);
        }
        quantizeRow(gk.actType, row.data(), act.data() + size_t(t) * actRowBytes, c.n);
    }
    // What the tile kernel reads: the packed rows, or the actType rows as they are.
    const size_t xStride = gk.pack != nullptr ? gk.packedRowBytes(c.n) : actRowBytes;
    OffsetBuffer packed(size_t(c.nTok) * xStride, gk.pack != nullptr ? 0 : xOffset);
    for (int64_t t = 0; t < c.nTok; ++t) {
        const uint8_t* src = act.data() + size_t(t) * actRowBytes;
        if (gk.pack != nullptr) {
            gk.pack(src, packed.data() + size_t(t) * xStride, c.n);
        } else {
            std::memcpy(packed.data() + size_t(t) * xStride, src, actRowBytes);
        }
    }

    // Outputs with a row stride wider than nRows: the gaps must stay untouched.
    const size_t ldy = size_t(c.nRows) + 3;
    const float kSentinel = -12345.0f;
    std::vector<float> want(size_t(c.nTok) * ldy, kSentinel), got(size_t(c.nTok) * ldy, kSentinel);
    gemmReference(type, w.data(), wRowBytes, c.nRows, act.data(), actRowBytes, c.nTok, c.n, want.data(), ldy);
    if (gk.repack == nullptr) {
        gk.gemm(w.data(), wRowBytes, c.nRows, packed.data(), xStride, c.nTok, c.n, got.data(), ldy);
    } else {
        // Repacked once, as at model load; then computed in two row ranges the way two threads split it (the
        // second starting at a group boundary, both possibly ending inside a group).
        const int64_t g = gk.rowGroup;
        const size_t groupBytes = gk.groupBytes(c.n);
        const int64_t nGroups = (c.nRows + g - 1) / g;
        OffsetBuffer rw(size_t(nGroups) * groupBytes, 0);
        gk.repack(w.data(), wRowBytes, c.nRows, c.n, rw.data());
        const int64_t split = (c.nRows / 2) / g * g;
        if (split > 0) gk.gemm(rw.data(), groupBytes, split, packed.data(), xStride, c.nTok, c.n, got.data(), ldy);
        gk.gemm(rw.data() + size_t(split / g) * groupBytes, groupBytes, c.nRows - split, packed.data(), xStride,
                c.nTok, c.n, got.data() + split, ldy);
    }

    // Tolerance: F32 summation-order differences, relative to the sum of |w_j x_j| of the dequantized values.
    std::vector<float> wf(size_t(c.n)), xf(size_t(c.n));
    const TypeKernels* scalarW = kernelsFor(type, Isa::Scalar);
    const TypeKernels* scalarX = kernelsFor(gk.actType, Isa::Scalar);
    bool ok = true;
    for (int64_t t = 0; t < c.nTok && ok; ++t) {
        // Q8_K is an activation-only type: no table of its own, the reference dequantizes it.
        if (gk.actType == GgmlType::Q8_K) {
            ref::dequantizeQ8_K(act.data() + size_t(t) * actRowBytes, xf.data(), c.n);
        } else {
            scalarX->dequantize(act.data() + size_t(t) * actRowBytes, xf.data(), c.n);
        }
        for (int64_t r = 0; r < c.nRows && ok; ++r) {
            scalarW->dequantize(w.data() + size_t(r) * wRowBytes, wf.data(), c.n);
            double absSum = 0.0;
            for (int64_t j = 0; j < c.n; ++j) absSum += std::fabs(double(wf[size_t(j)]) * double(xf[size_t(j)]));
            const float a = got[size_t(t) * ldy + size_t(r)];
            const float b = want[size_t(t) * ldy + size_t(r)];
            const double tol = 2e-6 * absSum + 1e-30;
            ok = CHECK_MSG(std::isfinite(a) && std::fabs(double(a) - double(b)) <= tol,
                           "%s %s: rows %lld tokens %lld n %lld: y[%lld][%lld] = %.9g, reference %.9g (tol %.3g)",
                           std::string(isaName(isa)).c_str(), std::string(typeName(type)).c_str(),
                           (long long)c.nRows, (long long)c.nTok, (long long)c.n, (long long)t, (long long)r,
                           double(a), double(b), tol);
        }
        for (size_t r = size_t(c.nRows); r < ldy && ok; ++r) {
            ok = CHECK_MSG(got[size_t(t) * ldy + r] == kSentinel, "%s %s: wrote outside the rows at [%lld][%zu]",
                           std::string(isaName(isa)).c_str(), std::string(typeName(type)).c_str(), (long long)t, r);
        }
    }
    return ok;
}

HEARTH_TEST(gemmMatchesReference) {
    // Block types: n in whole blocks, with 0..3 blocks past a 4-block group (for 32-element blocks: 32, 64, ...,
    // 2048); plain types: any n.
    const int64_t blockCounts[] = {1, 2, 3, 4, 5, 7, 13, 64};
    const int64_t plainNs[] = {1, 7, 16, 17, 33, 172, 256, 1000};
    const int64_t rowCounts[] = {1, 3, 4, 5, 9, 17};
    const int64_t tokCounts[] = {1, 2, 4, 5, 7, 13};
    int tested = 0;
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : gemmTypes()) {
            const GemmKernels* gk = gemmKernelsFor(type, isa);
            if (gk == nullptr) continue;
            CHECK(gk->type == type);
            CHECK((gk->pack == nullptr) == (gk->packedRowBytes == nullptr));
            Rng rng(uint64_t(type) * 7919 + uint64_t(isa));
            const int64_t blockElems = int64_t(traitsOf(type).blockElems);
            std::vector<int64_t> ns;
            if (blockElems > 1) {
                for (const int64_t b : blockCounts) ns.push_back(b * blockElems);
            } else {
                ns.assign(std::begin(plainNs), std::end(plainNs));
            }
            int i = 0;
            for (const int64_t n : ns) {
                for (const int64_t nRows : rowCounts) {
                    for (const int64_t nTok : tokCounts) {
                        if (n >= 1000 && nRows * nTok > 40) continue;  // keep the large rows quick
                        if (n >= 3000 && nRows * nTok > 10) continue;
                        ++i;
                        if (!checkCase(isa, *gk, Case{nRows, nTok, n}, size_t(i % 5), size_t((i / 5) % 3) * 4, rng)) {
                            return;
                        }
                        ++tested;
                    }
                }
            }
            // Activations at +-127 after quantization (the kernels' integer ranges at their ends).
            for (const int64_t nTok : {1, 5, 13}) {
                Case flat{9, nTok, blockElems > 1 ? 5 * blockElems : 172};
                flat.flatActs = true;
                if (!checkCase(isa, *gk, flat, 1, 0, rng)) return;
            }
        }
    }
    if (tested == 0) skip("no tile kernels on the ISAs under test");
}

// The repacked kernels (weights re-laid out at load, GemmKernels::repack), the same way: partial row groups, row
// ranges that start at a later group, partial token tiles, odd block counts.
HEARTH_TEST(repackedMatchesReference) {
    const int64_t blockCounts[] = {1, 2, 3, 5, 8, 13, 64};
    const int64_t rowCounts[] = {1, 7, 16, 17, 33, 64};
    const int64_t tokCounts[] = {1, 2, 3, 5, 8, 13};
    int tested = 0;
    for (const Isa isa : isasUnderTest()) {
        std::vector<int> covered(kGgmlTypeIdLimit, 0);  // types tested on this ISA
        for (const GgmlType type : gemmTypes()) {
            const GemmKernels* gk = repackedGemmFor(type, isa);
            if (gk == nullptr) continue;
            CHECK(gk->type == type && gk->repack != nullptr && gk->groupBytes != nullptr && gk->rowGroup >= 1);
            CHECK((gk->pack == nullptr) == (gk->packedRowBytes == nullptr));
            Rng rng(uint64_t(type) * 104729 + uint64_t(isa));
            const int64_t blockElems = int64_t(traitsOf(type).blockElems);
            std::vector<int64_t> ns;
            if (blockElems > 1) {
                for (const int64_t b : blockCounts) ns.push_back(b * blockElems);
            } else {
                ns = {1, 7, 16, 17, 33, 172, 256, 1000};  // plain types: rows of any length
            }
            int i = 0;
            for (const int64_t n : ns) {
                for (const int64_t nRows : rowCounts) {
                    for (const int64_t nTok : tokCounts) {
                        if (n >= 2048 && nRows * nTok > 100) continue;  // keep the large rows quick
                        ++i;
                        if (!checkCase(isa, *gk, Case{nRows, nTok, n}, size_t(i % 5), size_t((i / 5) % 3) * 4, rng)) {
                            return;
                        }
                        ++tested;
                    }
                }
            }
            // A prompt-sized batch, past any token blocking of the kernel.
            if (!checkCase(isa, *gk, Case{40, 301, std::max<int64_t>(8 * blockElems, 256)}, 1, 0, rng)) return;
            // Long rows in a batch: sums carried across the kernels' blocks of the row (an odd block count, a
            // partial last group).
            const int64_t longN = blockElems > 1 ? 37 * blockElems : 1500;
            if (!checkCase(isa, *gk, Case{33, 64, longN}, 2, 4, rng)) return;
            if (!checkCase(isa, *gk, Case{17, 130, blockElems > 1 ? 17 * blockElems : 777}, 0, 0, rng)) return;
            // One token over many groups per call (generation tiles that read several groups at once): row ranges
            // of 4 and 6 groups of 16 (the last one partial), 3 and 4 (the last one partial), 9 and 10 (8 at once,
            // then 1, and 2 with the last one partial).
            for (const int64_t nRows : {100, 151, 300}) {
                if (!checkCase(isa, *gk, Case{nRows, 1, blockElems > 1 ? 9 * blockElems : 300}, 3, 0, rng)) return;
            }
            // Activations at +-127 after quantization, at one token, a small batch and a prompt batch.
            for (const int64_t nTok : {1, 3, 70}) {
                Case flat{33, nTok, blockElems > 1 ? 9 * blockElems : 300};
                flat.flatActs = true;
                if (!checkCase(isa, *gk, flat, 1, 0, rng)) return;
            }
            if (type == GgmlType::IQ4_NL || type == GgmlType::IQ4_XS || type == GgmlType::TQ1_0) {
                // Every index and scale bit pattern (TQ1_0: every byte), at one token, at each small batch size the
                // streaming tiles take and in prompt batches (both loops of the kernels).
                for (const int64_t nTok : {1, 2, 3, 4, 8, 70}) {
                    if (!checkCase(isa, *gk, Case{33, nTok, 9 * blockElems, true}, 1, 4, rng)) return;
                }
            }
            if (type == GgmlType::Q4_1 || type == GgmlType::Q5_0 || type == GgmlType::Q5_1) {
                // Every nibble, 5th bit, scale and minimum, at one token and in batches (both loops of the kernels),
                // over 1 to 3 groups (the last one partial) and odd and even block counts.
                for (const int64_t nTok : {1, 3, 8, 70}) {
                    for (const int64_t nRows : {7, 33}) {
                        for (const int64_t blocks : {1, 8, 9}) {
                            if (!checkCase(isa, *gk, Case{nRows, nTok, blocks * blockElems, true}, 1, 4, rng)) return;
                        }
                    }
                }
                // One token over several groups in one call, as the generation tile reads them 8 at a time: rows
                // 100 are ranges of 3 groups and of 4 (the last partial), rows 151 of 4 and of 6 (partial), rows
                // 300 of 9 (8 + 1) and of 10 (8 + 2, partial).
                for (const int64_t nRows : {100, 151, 300}) {
                    for (const int64_t blocks : {8, 9, 64}) {
                        if (!checkCase(isa, *gk, Case{nRows, 1, blocks * blockElems, true}, 3, 0, rng)) return;
                    }
                }
            }
            ++covered[size_t(type)];
        }
#if defined(__x86_64__)
        // The types with AVX-512 VNNI repacked kernels: none may drop out of the tables unnoticed.
        if (isa == Isa::Avx512Vnni) {
            for (const GgmlType type : {GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::IQ4_NL, GgmlType::Q4_1,
                                        GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q2_K,
                                        GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K,
                                        GgmlType::IQ4_XS, GgmlType::TQ1_0, GgmlType::TQ2_0}) {
                CHECK_MSG(covered[size_t(type)] > 0, "avx512vnni: no repacked kernel for %s",
                          std::string(typeName(type)).c_str());
            }
        }
#endif
    }
    if (tested == 0) skip("no repacked kernels on the ISAs under test");
}

// The AMX-INT8 repacked kernels (prompt batches on the tile unit, the rest on VNNI): token counts around the AMX
// threshold and the tile of 16, rows that end inside a group, rows of 1 to 128 blocks (odd counts: a half pair at the end), and
// two row ranges as two threads split them. Skipped where the build, CPU or OS has no AMX (or HEARTH_AMX=0).
HEARTH_TEST(amxMatchesReference) {
    // Small batches take the VNNI kernel, prompts of 128 tokens and more the tile unit (and VNNI for the tokens past
    // the last whole tile of 16).
    const int64_t tokCounts[] = {1, 16, 17, 127, 128, 129, 150};
    const int64_t rowCounts[] = {1, 16, 17, 40};
    const int64_t blockCounts[] = {1, 2, 3, 17, 64, 128};
    int tested = 0;
    for (const GgmlType type : gemmTypes()) {
        const GemmKernels* gk = repackedAmxGemmFor(type);
        if (gk == nullptr) continue;
        CHECK(gk->type == type && gk->repack != nullptr && gk->rowGroup == 16);
        Rng rng(uint64_t(type) * 7919 + 5);
        int i = 0;
        for (const int64_t blocks : blockCounts) {
            for (const int64_t nRows : rowCounts) {
                for (const int64_t nTok : tokCounts) {
                    if (blocks >= 64 && nRows * nTok > 3000) continue;  // keep the long rows quick
                    ++i;
                    const Case c{nRows, nTok, blocks * int64_t(traitsOf(type).blockElems)};
                    if (!checkCase(Isa::Avx512Vnni, *gk, c, size_t(i % 5), 0, rng)) return;
                    ++tested;
                }
            }
        }
        // A prompt: many token tiles and a remainder, a partial last group, a weight block past the L2 budget.
        if (!checkCase(Isa::Avx512Vnni, *gk, Case{50, 133, 4096}, 3, 0, rng)) return;
        if (!checkCase(Isa::Avx512Vnni, *gk, Case{700, 160, 2048}, 0, 0, rng)) return;
    }
    if (tested == 0) skip("no AMX-INT8 kernels (build, CPU or OS), or HEARTH_AMX=0");
}

// A token count above the kernels' cache chunk (their activation blocking), so chunk boundaries are crossed.
HEARTH_TEST(gemmLargeBatch) {
    int tested = 0;
    for (const Isa isa : isasUnderTest()) {
        for (const GgmlType type : gemmTypes()) {
            const GemmKernels* gk = gemmKernelsFor(type, isa);
            if (gk == nullptr || type == GgmlType::F32 || type == GgmlType::BF16) continue;
            Rng rng(uint64_t(type) + 99);
            if (!checkCase(isa, *gk, Case{6, 301, 1024}, 1, 0, rng)) return;
            ++tested;
        }
    }
    if (tested == 0) skip("no tile kernels on the ISAs under test");
}

}  // namespace
}  // namespace hearth::kernels::test
