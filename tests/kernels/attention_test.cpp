// Attention kernels (kernels/attention.h) of every ISA under test against the scalar table: scores, the online
// softmax step and the weighted-value accumulation, at odd sizes (row counts around the register tiles, key counts
// around the vector width, widths that are not a multiple of it), with row strides wider than the rows (the gaps
// must stay untouched) and misaligned rows.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/attention.h"
#include "kernels/ggml_type.h"
#include "tests/kernels/harness.h"
#include "tests/kernels/test_util.h"

namespace hearth::kernels::test {
namespace {

constexpr float kSentinel = -12345.0f;

bool close(double got, double want, double tol) { return std::isfinite(got) && std::fabs(got - want) <= tol; }

// Conversion of stored rows is exact: the SIMD rows must equal the scalar ones bit for bit.
bool checkLoadRows(Isa isa, const AttentionKernels& ak, const AttentionKernels& ref, GgmlType type, int64_t nRows,
                   int64_t n, Rng& rng) {
    const size_t rowBytes = kernels::rowBytes(type, uint64_t(n));
    const size_t stride = rowBytes + 34 * 3;  // rows of a wider cache row, misaligned
    OffsetBuffer src(size_t(nRows) * stride, 2);
    std::vector<float> row(static_cast<size_t>(n));
    for (int64_t r = 0; r < nRows; ++r) {
        for (float& x : row) x = rng.normal(2.f);
        quantizeRow(type, row.data(), src.data() + size_t(r) * stride, n);
    }
    const int64_t ldD = n + 3;
    std::vector<float> got(size_t(nRows * ldD), kSentinel), want(size_t(nRows * ldD), kSentinel);
    ak.loadRows(type, src.data(), stride, nRows, n, got.data(), ldD);
    ref.loadRows(type, src.data(), stride, nRows, n, want.data(), ldD);
    for (size_t i = 0; i < got.size(); ++i) {
        if (!CHECK_MSG(bitsOf(got[i]) == bitsOf(want[i]), "%s loadRows %s rows %lld n %lld: [%zu] = %.9g, scalar %.9g",
                       std::string(isaName(isa)).c_str(), std::string(typeName(type)).c_str(), (long long)nRows,
                       (long long)n, i, double(got[i]), double(want[i]))) {
            return false;
        }
    }
    return true;
}

// Scores of nRows query rows against nKeys keys, by the row kernel (scores: s[r][j], the queries row by row) or the
// transposed one (scoresT: s[j][r], the queries transposed, nRows a multiple of kAttentionRowPad); the gaps past
// the keys (rows) of each output row stay untouched.
bool checkScores(Isa isa, const AttentionKernels& ak, const AttentionKernels& ref, int64_t nRows, int64_t nKeys,
                 int64_t n, bool transposed, Rng& rng) {
    const int64_t ldK = n + 3;
    const int64_t ldQ = transposed ? nRows + 5 : n + 1;       // the queries: (nRows, n), or (n, nRows)
    const int64_t ldS = transposed ? nRows + 2 : nKeys + 2;   // the scores: (nRows, nKeys), or (nKeys, nRows)
    const int64_t sLines = transposed ? nKeys : nRows;
    OffsetBuffer qBuf(size_t((transposed ? n : nRows) * ldQ) * 4, 4), kBuf(size_t(nKeys * ldK) * 4, 8);
    float* q = qBuf.floats();
    float* k = kBuf.floats();
    for (int64_t i = 0; i < (transposed ? n : nRows) * ldQ; ++i) q[i] = rng.normal(1.f);
    for (int64_t i = 0; i < nKeys * ldK; ++i) k[i] = rng.normal(1.f);
    const float scale = 0.125f;
    std::vector<float> got(size_t(sLines * ldS), kSentinel), want(size_t(sLines * ldS), kSentinel);
    if (transposed) {
        ak.scoresT(k, ldK, nKeys, q, ldQ, nRows, n, scale, got.data(), ldS);
        ref.scoresT(k, ldK, nKeys, q, ldQ, nRows, n, scale, want.data(), ldS);
    } else {
        ak.scores(q, ldQ, nRows, k, ldK, nKeys, n, scale, got.data(), ldS);
        ref.scores(q, ldQ, nRows, k, ldK, nKeys, n, scale, want.data(), ldS);
    }
    const char* kernel = transposed ? "scoresT" : "scores";
    for (int64_t line = 0; line < sLines; ++line) {
        for (int64_t col = 0; col < ldS; ++col) {
            const size_t at = size_t(line * ldS + col);
            const int64_t r = transposed ? col : line, j = transposed ? line : col;
            if (r >= nRows || j >= nKeys) {
                if (!CHECK_MSG(got[at] == kSentinel, "%s %s: wrote past the output at [%lld][%lld]",
                               std::string(isaName(isa)).c_str(), kernel, (long long)line, (long long)col)) {
                    return false;
                }
                continue;
            }
            double absSum = 0.0;
            for (int64_t d = 0; d < n; ++d) {
                absSum += std::fabs(double(q[transposed ? d * ldQ + r : r * ldQ + d]) * double(k[j * ldK + d]));
            }
            const double tol = 2e-6 * absSum * scale + 1e-30;
            if (!CHECK_MSG(close(got[at], want[at], tol), "%s %s rows %lld keys %lld n %lld: row %lld key %lld = %.9g, "
                           "scalar %.9g", std::string(isaName(isa)).c_str(), kernel, (long long)nRows,
                           (long long)nKeys, (long long)n, (long long)r, (long long)j, double(got[at]),
                           double(want[at]))) {
                return false;
            }
        }
    }
    return true;
}

bool checkSoftmax(Isa isa, const AttentionKernels& ak, const AttentionKernels& ref, int64_t nb, int64_t valid,
                  float oldMax, Rng& rng) {
    std::vector<float> s(size_t(nb) + 1);
    for (float& x : s) x = rng.normal(4.f);
    s[size_t(nb)] = kSentinel;
    std::vector<float> got = s, want = s;
    float gotMax = oldMax, wantMax = oldMax, gotSum = oldMax > -1e30f ? 3.5f : 0.f, wantSum = gotSum;
    const float gotC = ak.softmaxStep(got.data(), valid, nb, &gotMax, &gotSum);
    const float wantC = ref.softmaxStep(want.data(), valid, nb, &wantMax, &wantSum);
    const std::string what = format("%s softmaxStep nb %lld valid %lld old max %g", std::string(isaName(isa)).c_str(),
                                    (long long)nb, (long long)valid, double(oldMax));
    bool ok = CHECK_MSG(gotMax == wantMax, "%s: max %.9g, scalar %.9g", what.c_str(), double(gotMax), double(wantMax));
    ok = ok && CHECK_MSG(close(gotC, wantC, 1e-6 * wantC), "%s: correction %.9g, scalar %.9g", what.c_str(),
                         double(gotC), double(wantC));
    ok = ok && CHECK_MSG(close(gotSum, wantSum, 2e-6 * wantSum), "%s: sum %.9g, scalar %.9g", what.c_str(),
                         double(gotSum), double(wantSum));
    for (int64_t j = 0; j <= nb && ok; ++j) {
        const float w = want[size_t(j)];
        ok = CHECK_MSG(j < valid ? close(got[size_t(j)], w, 1e-6 * w + 1e-38) : got[size_t(j)] == w,
                       "%s: p[%lld] = %.9g, scalar %.9g", what.c_str(), (long long)j, double(got[size_t(j)]),
                       double(w));
    }
    return ok;
}

// transposedP: p laid out as scoresT leaves it, key by key (p[j * ldPj + r]), else row by row (p[r * ldP + j]).
bool checkAccumulate(Isa isa, const AttentionKernels& ak, const AttentionKernels& ref, int64_t nRows,
                     int64_t nKeys, int64_t n, bool transposedP, Rng& rng) {
    const int64_t ldP = transposedP ? 1 : nKeys + 1, ldPj = transposedP ? nRows + 3 : 1, ldV = n + 5, ldA = n + 2;
    const int64_t pFloats = transposedP ? nKeys * ldPj : nRows * ldP;
    OffsetBuffer pBuf(size_t(pFloats) * 4, 4), vBuf(size_t(nKeys * ldV) * 4, 12);
    float* p = pBuf.floats();
    float* v = vBuf.floats();
    for (int64_t i = 0; i < pFloats; ++i) p[i] = std::fabs(rng.uniform());
    for (int64_t i = 0; i < nKeys * ldV; ++i) v[i] = rng.normal(1.f);
    std::vector<float> corr(static_cast<size_t>(nRows)), acc0(static_cast<size_t>(nRows * ldA));
    for (float& c : corr) c = std::fabs(rng.uniform());
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t d = 0; d < ldA; ++d) acc0[size_t(r * ldA + d)] = d < n ? rng.normal(3.f) : kSentinel;
    }
    std::vector<float> got = acc0, want = acc0;
    ak.accumulate(p, ldP, ldPj, nRows, v, ldV, nKeys, n, corr.data(), got.data(), ldA);
    ref.accumulate(p, ldP, ldPj, nRows, v, ldV, nKeys, n, corr.data(), want.data(), ldA);
    for (int64_t r = 0; r < nRows; ++r) {
        for (int64_t d = 0; d < ldA; ++d) {
            const size_t at = size_t(r * ldA + d);
            double absSum = std::fabs(double(acc0[at]) * corr[size_t(r)]);
            for (int64_t j = 0; j < nKeys && d < n; ++j) {
                absSum += std::fabs(double(p[r * ldP + j * ldPj]) * v[j * ldV + d]);
            }
            const bool ok = d < n ? close(got[at], want[at], 2e-6 * absSum + 1e-30) : got[at] == kSentinel;
            if (!CHECK_MSG(ok, "%s accumulate%s rows %lld keys %lld n %lld: acc[%lld][%lld] = %.9g, scalar %.9g",
                           std::string(isaName(isa)).c_str(), transposedP ? " (p transposed)" : "", (long long)nRows,
                           (long long)nKeys, (long long)n,
                           (long long)r, (long long)d, double(got[at]), double(want[at]))) {
                return false;
            }
        }
    }
    return true;
}

// The transposed softmax step: each row (lane) with its own visible count and running state, among them rows that
// see no key (their state must stay as it was, correction 1) and rows on their first block (running max -inf).
bool checkSoftmaxT(Isa isa, const AttentionKernels& ak, const AttentionKernels& ref, int64_t nb, int64_t rowsPad,
                   Rng& rng) {
    const int64_t ldS = rowsPad + 2;
    const auto rowsN = static_cast<size_t>(rowsPad);
    std::vector<float> s(static_cast<size_t>(nb * ldS), kSentinel), valid(rowsN), runMax(rowsN), runSum(rowsN);
    for (int64_t j = 0; j < nb; ++j) {
        for (int64_t r = 0; r < rowsPad; ++r) s[size_t(j * ldS + r)] = rng.normal(4.f);
    }
    const float maxima[] = {-std::numeric_limits<float>::infinity(), -2.f, 1.f, 30.f};
    for (int64_t r = 0; r < rowsPad; ++r) {
        const int64_t counts[] = {0, 1, nb / 2, nb - 1, nb, int64_t(rng.next() % uint64_t(nb + 1))};
        valid[size_t(r)] = float(counts[r % 6]);
        runMax[size_t(r)] = maxima[(r / 6) % 4];
        runSum[size_t(r)] = runMax[size_t(r)] > -1e30f ? 3.5f : 0.f;
    }
    std::vector<float> got = s, want = s, gotMax = runMax, wantMax = runMax, gotSum = runSum, wantSum = runSum;
    std::vector<float> gotC(rowsN, kSentinel), wantC(rowsN, kSentinel);
    ak.softmaxStepT(got.data(), ldS, nb, rowsPad, valid.data(), gotMax.data(), gotSum.data(), gotC.data());
    ref.softmaxStepT(want.data(), ldS, nb, rowsPad, valid.data(), wantMax.data(), wantSum.data(), wantC.data());
    bool ok = true;
    for (int64_t r = 0; r < rowsPad && ok; ++r) {
        const size_t i = size_t(r);
        const std::string what = format("%s softmaxStepT nb %lld row %lld valid %g old max %g",
                                        std::string(isaName(isa)).c_str(), (long long)nb, (long long)r,
                                        double(valid[i]), double(runMax[i]));
        ok = CHECK_MSG(gotMax[i] == wantMax[i], "%s: max %.9g, scalar %.9g", what.c_str(), double(gotMax[i]),
                       double(wantMax[i]));
        ok = ok && CHECK_MSG(close(gotC[i], wantC[i], 1e-6 * wantC[i]), "%s: correction %.9g, scalar %.9g",
                             what.c_str(), double(gotC[i]), double(wantC[i]));
        ok = ok && CHECK_MSG(close(gotSum[i], wantSum[i], 2e-6 * wantSum[i]), "%s: sum %.9g, scalar %.9g",
                             what.c_str(), double(gotSum[i]), double(wantSum[i]));
        for (int64_t j = 0; j < nb && ok; ++j) {
            const float w = want[size_t(j * ldS + r)], g = got[size_t(j * ldS + r)];
            ok = CHECK_MSG(j < int64_t(valid[i]) ? close(g, w, 1e-6 * w + 1e-38) : g == w,
                           "%s: p[%lld] = %.9g, scalar %.9g", what.c_str(), (long long)j, double(g), double(w));
        }
    }
    for (int64_t j = 0; j < nb && ok; ++j) {  // the gaps past the rows
        ok = CHECK_MSG(got[size_t(j * ldS + rowsPad)] == kSentinel, "%s softmaxStepT wrote past the rows",
                       std::string(isaName(isa)).c_str());
    }
    return ok;
}

}  // namespace

HEARTH_TEST(attentionMatchesScalar) {
    const AttentionKernels* ref = attentionKernels(Isa::Scalar);
    if (!CHECK(ref != nullptr)) return;
    const int64_t rowCounts[] = {1, 3, 4, 5, 8, 13};
    const int64_t keyCounts[] = {1, 5, 8, 16, 17, 40, 64};
    const int64_t widths[] = {1, 7, 16, 32, 33, 64, 80, 96, 128, 136};
    int tested = 0;
    for (const Isa isa : isasUnderTest()) {
        const AttentionKernels* ak = attentionKernels(isa);
        if (ak == nullptr) continue;
        Rng rng(uint64_t(isa) * 131 + 7);
        for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::Q8_0}) {
            for (const int64_t n : {int64_t(32), int64_t(64), int64_t(96), int64_t(128), int64_t(256)}) {
                for (const int64_t nRows : {int64_t(1), int64_t(3), int64_t(64)}) {
                    if (!checkLoadRows(isa, *ak, *ref, type, nRows, n, rng)) return;
                }
            }
            if (type != GgmlType::Q8_0 && !checkLoadRows(isa, *ak, *ref, type, 5, 23, rng)) return;  // F16 tails
        }
        for (const int64_t nRows : rowCounts) {
            for (const int64_t nKeys : keyCounts) {
                for (const int64_t n : widths) {
                    if (!checkScores(isa, *ak, *ref, nRows, nKeys, n, false, rng)) return;
                    if (!checkAccumulate(isa, *ak, *ref, nRows, nKeys, n, false, rng)) return;
                    if (!checkAccumulate(isa, *ak, *ref, nRows, nKeys, n, true, rng)) return;
                }
            }
        }
        // The transposed kernels: row counts around the register tiles (AVX-512: 4 vectors of 16 rows, AVX2: 2 of 8).
        for (const int64_t rowsPad : {int64_t(16), int64_t(32), int64_t(48), int64_t(64), int64_t(80), int64_t(144)}) {
            for (const int64_t nKeys : keyCounts) {
                for (const int64_t n : widths) {
                    if (!checkScores(isa, *ak, *ref, rowsPad, nKeys, n, true, rng)) return;
                }
                if (!checkSoftmaxT(isa, *ak, *ref, nKeys, rowsPad, rng)) return;
            }
        }
        for (const int64_t nb : keyCounts) {
            for (const int64_t valid : {int64_t(0), int64_t(1), nb / 2, nb - 1, nb}) {
                if (valid < 0) continue;
                for (const float oldMax : {-std::numeric_limits<float>::infinity(), -2.f, 1.f, 30.f}) {
                    if (!checkSoftmax(isa, *ak, *ref, nb, valid, oldMax, rng)) return;
                }
            }
        }
        ++tested;
    }
    if (tested == 0) skip("this build or CPU has none of the ISAs under test");
}

// The active table is the one of the active ISA (HEARTH_ISA applies), and every ISA falls back to a table.
HEARTH_TEST(attentionDispatch) {
    CHECK(&attentionKernels() == attentionKernels(activeIsa()));
    for (const Isa isa : runnableIsas()) CHECK(attentionKernels(isa) != nullptr);
}

}  // namespace hearth::kernels::test
