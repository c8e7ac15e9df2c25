// The scalar attention kernels (the oracle of tests/kernels/attention_test.cpp and the path of CPUs and builds
// without SIMD attention code) and the dispatch to the per-ISA tables (attention_<isa>.cpp).
#include "kernels/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu_features.h"
#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"

namespace hearth::kernels {

#ifdef HEARTH_ATTN_HAVE_AVX2
const AttentionKernels* attentionAvx2Table();
#endif
#ifdef HEARTH_ATTN_HAVE_AVX512
const AttentionKernels* attentionAvx512Table();
#endif

namespace {

void loadRowsScalar(GgmlType type, const void* src, size_t srcStride, int64_t nRows, int64_t n, float* dst,
                    int64_t ldD) {
    for (int64_t r = 0; r < nRows; ++r) {
        const uint8_t* row = static_cast<const uint8_t*>(src) + size_t(r) * srcStride;
        float* d = dst + r * ldD;
        if (type == GgmlType::F16) {
            for (int64_t i = 0; i < n; ++i) d[i] = fp16ToF32(loadU16(row + 2 * i));
        } else if (type == GgmlType::Q8_0) {
            const auto* blocks = reinterpret_cast<const BlockQ8_0*>(row);
            for (int64_t i = 0; i < n; ++i) {
                const BlockQ8_0& b = blocks[i / kQ8_0BlockElems];
                d[i] = fp16ToF32(loadU16(b.d)) * float(b.qs[i % kQ8_0BlockElems]);
            }
        } else {
            std::memcpy(d, row, size_t(n) * sizeof(float));
        }
    }
}

void scoresScalar(const float* q, int64_t ldQ, int64_t nRows, const float* k, int64_t ldK, int64_t nKeys, int64_t n,
                  float scale, float* s, int64_t ldS) {
    for (int64_t r = 0; r < nRows; ++r) {
        const float* qr = q + r * ldQ;
        for (int64_t j = 0; j < nKeys; ++j) {
            const float* kj = k + j * ldK;
            float dot = 0.f;
            for (int64_t d = 0; d < n; ++d) dot += qr[d] * kj[d];
            s[r * ldS + j] = dot * scale;
        }
    }
}

// softmaxStep over the scores s[j * stride], j < nb: one row of scores (stride 1) or a column of scoresT's.
float softmaxStepStrided(float* s, int64_t stride, int64_t valid, int64_t nb, float* runMax, float* runSum) {
    if (valid <= 0) {
        for (int64_t j = 0; j < nb; ++j) s[j * stride] = 0.f;
        return 1.f;
    }
    float blockMax = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < valid; ++j) blockMax = std::max(blockMax, s[j * stride]);
    const float newMax = std::max(*runMax, blockMax);
    const float correction = std::exp(*runMax - newMax);  // 0 on the first block (exp(-inf))
    float sum = 0.f;
    for (int64_t j = 0; j < valid; ++j) {
        s[j * stride] = std::exp(s[j * stride] - newMax);
        sum += s[j * stride];
    }
    for (int64_t j = valid; j < nb; ++j) s[j * stride] = 0.f;
    *runSum = *runSum * correction + sum;
    *runMax = newMax;
    return correction;
}

float softmaxStepScalar(float* s, int64_t valid, int64_t nb, float* runMax, float* runSum) {
    return softmaxStepStrided(s, 1, valid, nb, runMax, runSum);
}

void accumulateScalar(const float* p, int64_t ldP, int64_t ldPj, int64_t nRows, const float* v, int64_t ldV,
                      int64_t nKeys, int64_t n, const float* corr, float* acc, int64_t ldA) {
    for (int64_t r = 0; r < nRows; ++r) {
        float* a = acc + r * ldA;
        for (int64_t d = 0; d < n; ++d) a[d] *= corr[r];
        for (int64_t j = 0; j < nKeys; ++j) {
            const float pj = p[r * ldP + j * ldPj];
            const float* vj = v + j * ldV;
            for (int64_t d = 0; d < n; ++d) a[d] += pj * vj[d];
        }
    }
}

// Dimension by dimension, the rows innermost (contiguous in qT and sT): each score still sums d in order.
void scoresTScalar(const float* k, int64_t ldK, int64_t nKeys, const float* qT, int64_t ldQ, int64_t rowsPad,
                   int64_t n, float scale, float* sT, int64_t ldS) {
    for (int64_t j = 0; j < nKeys; ++j) {
        const float* kj = k + j * ldK;
        float* sj = sT + j * ldS;
        std::fill(sj, sj + rowsPad, 0.f);
        for (int64_t d = 0; d < n; ++d) {
            const float* qd = qT + d * ldQ;
            for (int64_t r = 0; r < rowsPad; ++r) sj[r] += kj[d] * qd[r];
        }
        for (int64_t r = 0; r < rowsPad; ++r) sj[r] *= scale;
    }
}

void softmaxStepTScalar(float* sT, int64_t ldS, int64_t nb, int64_t rowsPad, const float* valid, float* runMax,
                        float* runSum, float* corr) {
    for (int64_t r = 0; r < rowsPad; ++r) {
        corr[r] = softmaxStepStrided(sT + r, ldS, int64_t(valid[r]), nb, &runMax[r], &runSum[r]);
    }
}

constexpr AttentionKernels kScalarTable = {&loadRowsScalar, &scoresScalar,  &softmaxStepScalar,
                                           &accumulateScalar, &scoresTScalar, &softmaxStepTScalar};

}  // namespace

const AttentionKernels* attentionKernels(Isa isa) {
    if (static_cast<size_t>(isa) >= static_cast<size_t>(Isa::Count) || !cpuSupports(isa)) return nullptr;
    switch (isa) {
#ifdef HEARTH_ATTN_HAVE_AVX2
    case Isa::Avx2: return attentionAvx2Table();
#endif
#ifdef HEARTH_ATTN_HAVE_AVX512
    case Isa::Avx512:
    case Isa::Avx512Vnni: return attentionAvx512Table();
#endif
    default: return &kScalarTable;  // Scalar, and ISAs without attention code of their own (NEON)
    }
}

const AttentionKernels& attentionKernels() {
    static const AttentionKernels* const active = attentionKernels(activeIsa());
    return *active;
}

}  // namespace hearth::kernels
