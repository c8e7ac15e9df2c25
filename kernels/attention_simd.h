// Internal: the attention kernels (kernels/attention.h) written once over an xsimd architecture A and
// instantiated by each per-ISA translation unit (attention_avx2.cpp, attention_avx512.cpp), the only files built
// with that ISA's flags. kRows x kVecs is the register tile of accumulate: kRows query rows times kVecs vectors of
// one value row (AVX2's 16 registers hold 4 x 2, AVX-512's 32 hold 4 x 4).
// x86 only (F16C/AVX-512 intrinsics for the F16 and Q8_0 conversions); AArch64 uses the scalar table for now.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "kernels/attention.h"

#include <cstring>
#include <immintrin.h>

#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"

namespace hearth::kernels {
namespace {

// Lane j of the result = the sum of the lanes of row[j], for the F::size batches row[0..size): xsimd::haddp,
// except on AVX-512, whose xsimd 8.1 haddp gives wrong lanes (found by tests/kernels/attention_test.cpp).
template <class F>
__attribute__((always_inline)) inline F sumEachRow(const F* row) {
#if defined(__AVX512F__)
    if constexpr (F::size == 16) {
        // Pairs within 128-bit chunks: chunk k of b[i] = partial sums of row[2i], row[2i+1] (interleaved).
        __m512 b[8];
        for (int i = 0; i < 8; ++i) {
            const __m512 x = row[2 * i], y = row[2 * i + 1];
            b[i] = _mm512_add_ps(_mm512_unpacklo_ps(x, y), _mm512_unpackhi_ps(x, y));
        }
        // chunk k of c[i] = the chunk-k partial sums of row[4i..4i+3], in order.
        __m512 c[4];
        for (int i = 0; i < 4; ++i) {
            const __m512d x = _mm512_castps_pd(b[2 * i]), y = _mm512_castps_pd(b[2 * i + 1]);
            c[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(x, y)),
                                 _mm512_castpd_ps(_mm512_unpackhi_pd(x, y)));
        }
        // Sum the 4 chunks: chunk m of the result = the sums of row[4m..4m+3].
        const __m512 g01 = _mm512_add_ps(_mm512_shuffle_f32x4(c[0], c[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                         _mm512_shuffle_f32x4(c[0], c[1], _MM_SHUFFLE(3, 1, 3, 1)));
        const __m512 g23 = _mm512_add_ps(_mm512_shuffle_f32x4(c[2], c[3], _MM_SHUFFLE(2, 0, 2, 0)),
                                         _mm512_shuffle_f32x4(c[2], c[3], _MM_SHUFFLE(3, 1, 3, 1)));
        return _mm512_add_ps(_mm512_shuffle_f32x4(g01, g23, _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(g01, g23, _MM_SHUFFLE(3, 1, 3, 1)));
    }
#endif
    return xsimd::haddp(row);
}

template <class A, int kRows, int kVecs>
struct AttentionSimd {
    using F = xsimd::batch<float, A>;
    static constexpr int64_t kL = static_cast<int64_t>(F::size);

    // kL halfs (kL int8) at p as floats.
    static F loadHalfs(const void* p) {
        if constexpr (kL == 16) {
            return _mm512_cvtph_ps(_mm256_loadu_si256(static_cast<const __m256i*>(p)));
        } else {
            return _mm256_cvtph_ps(_mm_loadu_si128(static_cast<const __m128i*>(p)));
        }
    }
    static F loadInt8s(const void* p) {
        if constexpr (kL == 16) {
            return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
        } else {
            return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))));
        }
    }

    static void loadRows(GgmlType type, const void* src, size_t srcStride, int64_t nRows, int64_t n, float* dst,
                         int64_t ldD) {
        for (int64_t r = 0; r < nRows; ++r) {
            const uint8_t* row = static_cast<const uint8_t*>(src) + size_t(r) * srcStride;
            float* d = dst + r * ldD;
            if (type == GgmlType::F16) {
                int64_t i = 0;
                for (; i + kL <= n; i += kL) loadHalfs(row + 2 * i).store_unaligned(d + i);
                for (; i < n; ++i) d[i] = fp16ToF32(loadU16(row + 2 * i));
            } else if (type == GgmlType::Q8_0) {
                const auto* blocks = reinterpret_cast<const BlockQ8_0*>(row);
                for (int64_t b = 0; b < n / kQ8_0BlockElems; ++b) {
                    const F scale(fp16ToF32(loadU16(blocks[b].d)));
                    for (int64_t i = 0; i < kQ8_0BlockElems; i += kL) {
                        (loadInt8s(blocks[b].qs + i) * scale).store_unaligned(d + b * kQ8_0BlockElems + i);
                    }
                }
            } else {
                std::memcpy(d, row, size_t(n) * sizeof(float));
            }
        }
    }

    // One query row against kL keys: kL accumulators summed lane-wise over the row, then reduced together by
    // haddp (lane j = dot with key j).
    static void scoresRow(const float* q, const float* k, int64_t ldK, int64_t nKeys, int64_t n, float scale,
                          float* s) {
        const int64_t nv = n / kL * kL;
        int64_t j0 = 0;
        for (; j0 + kL <= nKeys; j0 += kL) {
            F acc[kL];
            for (int64_t jj = 0; jj < kL; ++jj) acc[jj] = F(0.f);
            for (int64_t d = 0; d < nv; d += kL) {
                const F qd = F::load_unaligned(q + d);
                for (int64_t jj = 0; jj < kL; ++jj) {
                    acc[jj] = xsimd::fma(qd, F::load_unaligned(k + (j0 + jj) * ldK + d), acc[jj]);
                }
            }
            F sums = sumEachRow(acc);
            if (nv < n) {
                alignas(64) float tail[kL];
                sums.store_aligned(tail);
                for (int64_t jj = 0; jj < kL; ++jj) {
                    const float* kj = k + (j0 + jj) * ldK;
                    for (int64_t d = nv; d < n; ++d) tail[jj] += q[d] * kj[d];
                }
                sums = F::load_aligned(tail);
            }
            (sums * F(scale)).store_unaligned(s + j0);
        }
        for (; j0 < nKeys; ++j0) {  // the block's last keys, fewer than kL
            const float* kj = k + j0 * ldK;
            F acc(0.f);
            for (int64_t d = 0; d < nv; d += kL) {
                acc = xsimd::fma(F::load_unaligned(q + d), F::load_unaligned(kj + d), acc);
            }
            float dot = xsimd::hadd(acc);
            for (int64_t d = nv; d < n; ++d) dot += q[d] * kj[d];
            s[j0] = dot * scale;
        }
    }

    // scoresRow for n == NV * kL: the query row stays in NV registers and each key row is read once, in order
    // (fewer live pointers than scoresRow's d-outer loop, which spills them at head_dim 64).
    template <int NV>
    static void scoresRowFixed(const float* q, const float* k, int64_t ldK, int64_t nKeys, float scale, float* s) {
        F qv[NV];
        for (int x = 0; x < NV; ++x) qv[x] = F::load_unaligned(q + x * kL);
        int64_t j0 = 0;
        for (; j0 + kL <= nKeys; j0 += kL) {
            F acc[kL];
            const float* kj = k + j0 * ldK;
            for (int64_t jj = 0; jj < kL; ++jj, kj += ldK) {
                F a = qv[0] * F::load_unaligned(kj);
                for (int x = 1; x < NV; ++x) a = xsimd::fma(qv[x], F::load_unaligned(kj + x * kL), a);
                acc[jj] = a;
            }
            (sumEachRow(acc) * F(scale)).store_unaligned(s + j0);
        }
        for (; j0 < nKeys; ++j0) {
            const float* kj = k + j0 * ldK;
            F a = qv[0] * F::load_unaligned(kj);
            for (int x = 1; x < NV; ++x) a = xsimd::fma(qv[x], F::load_unaligned(kj + x * kL), a);
            s[j0] = xsimd::hadd(a) * scale;
        }
    }

    static void scores(const float* q, int64_t ldQ, int64_t nRows, const float* k, int64_t ldK, int64_t nKeys,
                       int64_t n, float scale, float* s, int64_t ldS) {
        // Head widths 64 and 128 (and 32, 96 on AVX-512; 32 on AVX2, whose 16 registers hold 8 accumulators and
        // at most 4 query vectors) take the fixed-width loop.
        constexpr int64_t kMaxVecs = kL == 16 ? 8 : 4;
        const int64_t nv = n / kL;
        const bool fixed = n % kL == 0 && nv >= 1 && nv <= kMaxVecs;
        for (int64_t r = 0; r < nRows; ++r) {
            const float* qr = q + r * ldQ;
            float* sr = s + r * ldS;
            if (!fixed) {
                scoresRow(qr, k, ldK, nKeys, n, scale, sr);
                continue;
            }
            switch (nv) {
            case 1: scoresRowFixed<1>(qr, k, ldK, nKeys, scale, sr); break;
            case 2: scoresRowFixed<2>(qr, k, ldK, nKeys, scale, sr); break;
            case 3: scoresRowFixed<3>(qr, k, ldK, nKeys, scale, sr); break;
            case 4: scoresRowFixed<4>(qr, k, ldK, nKeys, scale, sr); break;
            case 5: scoresRowFixed<5>(qr, k, ldK, nKeys, scale, sr); break;
            case 6: scoresRowFixed<6>(qr, k, ldK, nKeys, scale, sr); break;
            case 7: scoresRowFixed<7>(qr, k, ldK, nKeys, scale, sr); break;
            default: scoresRowFixed<8>(qr, k, ldK, nKeys, scale, sr); break;
            }
        }
    }

    // The largest lane (xsimd 8.1 has no reduce_max): a shuffle tree on AVX-512 instead of a store and a scalar loop
    // (eight query rows per key block at one token make this per-row cost show).
    static float reduceMax(F m) {
#if defined(__AVX512F__)
        if constexpr (kL == 16) return _mm512_reduce_max_ps(m);
#endif
        alignas(64) float lanes[kL];
        m.store_aligned(lanes);
        float r = lanes[0];
        for (int64_t j = 1; j < kL; ++j) r = std::max(r, lanes[j]);
        return r;
    }

    static float softmaxStep(float* s, int64_t valid, int64_t nb, float* runMax, float* runSum) {
        if (valid <= 0) {
            std::fill(s, s + nb, 0.f);
            return 1.f;
        }
        const int64_t nv = valid / kL * kL;
        float blockMax = -std::numeric_limits<float>::infinity();
        if (nv > 0) {
            F m = F::load_unaligned(s);
            for (int64_t j = kL; j < nv; j += kL) m = xsimd::max(m, F::load_unaligned(s + j));
            blockMax = reduceMax(m);
        }
        for (int64_t j = nv; j < valid; ++j) blockMax = std::max(blockMax, s[j]);
        const float newMax = std::max(*runMax, blockMax);
        const float correction = std::exp(*runMax - newMax);  // 0 on the first block (exp(-inf))
        const F mx(newMax);
        F sumV(0.f);
        for (int64_t j = 0; j < nv; j += kL) {
            const F p = xsimd::exp(F::load_unaligned(s + j) - mx);
            p.store_unaligned(s + j);
            sumV += p;
        }
        if (nv < valid) {  // the last partial vector (the diagonal block of a prompt tile): padded, exp(-1e30) = 0
            alignas(64) float tail[kL];
            std::fill(tail, tail + kL, -1e30f);
            std::copy(s + nv, s + valid, tail);
            const F p = xsimd::exp(F::load_aligned(tail) - mx);
            sumV += p;
            p.store_aligned(tail);
            std::copy(tail, tail + (valid - nv), s + nv);
        }
        const float sum = xsimd::hadd(sumV);
        std::fill(s + valid, s + nb, 0.f);
        *runSum = *runSum * correction + sum;
        *runMax = newMax;
        return correction;
    }

    // R rows x V vectors of the output at column d0: load (rescaled), add every key's p * v, store.
    template <int R, int V>
    static void accTile(const float* p, int64_t ldP, int64_t ldPj, const float* v, int64_t ldV, int64_t nKeys,
                        int64_t d0, const float* corr, float* acc, int64_t ldA) {
        F a[R][V];
        for (int r = 0; r < R; ++r) {
            const F c(corr[r]);
            for (int x = 0; x < V; ++x) a[r][x] = F::load_unaligned(acc + r * ldA + d0 + x * kL) * c;
        }
        for (int64_t j = 0; j < nKeys; ++j) {
            F vv[V];
            for (int x = 0; x < V; ++x) vv[x] = F::load_unaligned(v + j * ldV + d0 + x * kL);
            for (int r = 0; r < R; ++r) {
                const F pr(p[r * ldP + j * ldPj]);
                for (int x = 0; x < V; ++x) a[r][x] = xsimd::fma(pr, vv[x], a[r][x]);
            }
        }
        for (int r = 0; r < R; ++r) {
            for (int x = 0; x < V; ++x) a[r][x].store_unaligned(acc + r * ldA + d0 + x * kL);
        }
    }

    template <int R>
    static void accRows(const float* p, int64_t ldP, int64_t ldPj, const float* v, int64_t ldV, int64_t nKeys,
                        int64_t n, const float* corr, float* acc, int64_t ldA) {
        int64_t d0 = 0;
        for (; d0 + kVecs * kL <= n; d0 += kVecs * kL) {
            accTile<R, kVecs>(p, ldP, ldPj, v, ldV, nKeys, d0, corr, acc, ldA);
        }
        for (; d0 + kL <= n; d0 += kL) accTile<R, 1>(p, ldP, ldPj, v, ldV, nKeys, d0, corr, acc, ldA);
        for (; d0 < n; ++d0) {  // a width that is not a multiple of the vector
            for (int r = 0; r < R; ++r) {
                float a = acc[r * ldA + d0] * corr[r];
                for (int64_t j = 0; j < nKeys; ++j) a += p[r * ldP + j * ldPj] * v[j * ldV + d0];
                acc[r * ldA + d0] = a;
            }
        }
    }

    static void accumulate(const float* p, int64_t ldP, int64_t ldPj, int64_t nRows, const float* v, int64_t ldV,
                           int64_t nKeys, int64_t n, const float* corr, float* acc, int64_t ldA) {
        int64_t r = 0;
        for (; r + kRows <= nRows; r += kRows) {
            accRows<kRows>(p + r * ldP, ldP, ldPj, v, ldV, nKeys, n, corr + r, acc + r * ldA, ldA);
        }
        for (; r < nRows; ++r) accRows<1>(p + r * ldP, ldP, ldPj, v, ldV, nKeys, n, corr + r, acc + r * ldA, ldA);
    }

    // scoresT's register tile: kTR vectors of query rows times 4 keys (AVX-512: 16 accumulators, AVX2: 8), or a
    // single row vector times kTJ1 keys; both divide a whole 64-key block, whose tail would go key by key at the
    // latency of one chain of multiply-adds (16 rows x 64 keys x 64: 1.21 us with 12 keys per tile, 1.09 with 16).
    static constexpr int kTR = kL == 16 ? 4 : 2;
    static constexpr int kTJ1 = kL == 16 ? 16 : 8;

    // J keys x R row vectors of sT: per dimension d, R query vectors loaded once for the J keys and each key's
    // element broadcast once for the R vectors: a multiply-add per (key, row vector, d), no horizontal sum.
    template <int R, int J>
    static void scoresTTile(const float* k, int64_t ldK, const float* qT, int64_t ldQ, int64_t n, float scale,
                            float* sT, int64_t ldS) {
        F acc[J][R];
        for (int jj = 0; jj < J; ++jj) {
            for (int x = 0; x < R; ++x) acc[jj][x] = F(0.f);
        }
        for (int64_t d = 0; d < n; ++d) {
            F qv[R];
            for (int x = 0; x < R; ++x) qv[x] = F::load_unaligned(qT + d * ldQ + x * kL);
            for (int jj = 0; jj < J; ++jj) {
                const F kb(k[jj * ldK + d]);
                for (int x = 0; x < R; ++x) acc[jj][x] = xsimd::fma(kb, qv[x], acc[jj][x]);
            }
        }
        const F sc(scale);
        for (int jj = 0; jj < J; ++jj) {
            for (int x = 0; x < R; ++x) (acc[jj][x] * sc).store_unaligned(sT + jj * ldS + x * kL);
        }
    }

    template <int R>
    static void scoresTCols(const float* k, int64_t ldK, int64_t nKeys, const float* qT, int64_t ldQ, int64_t n,
                            float scale, float* sT, int64_t ldS) {
        constexpr int J = R == 1 ? kTJ1 : 4;
        int64_t j0 = 0;
        for (; j0 + J <= nKeys; j0 += J) scoresTTile<R, J>(k + j0 * ldK, ldK, qT, ldQ, n, scale, sT + j0 * ldS, ldS);
        for (; j0 < nKeys; ++j0) scoresTTile<R, 1>(k + j0 * ldK, ldK, qT, ldQ, n, scale, sT + j0 * ldS, ldS);
    }

    static void scoresT(const float* k, int64_t ldK, int64_t nKeys, const float* qT, int64_t ldQ, int64_t rowsPad,
                        int64_t n, float scale, float* sT, int64_t ldS) {
        const int64_t nVec = rowsPad / kL;
        int64_t v0 = 0;
        for (; v0 + kTR <= nVec; v0 += kTR) {
            scoresTCols<kTR>(k, ldK, nKeys, qT + v0 * kL, ldQ, n, scale, sT + v0 * kL, ldS);
        }
        for (; v0 < nVec; ++v0) scoresTCols<1>(k, ldK, nKeys, qT + v0 * kL, ldQ, n, scale, sT + v0 * kL, ldS);
    }

    // softmaxStep over kL rows at once (lanes), keys down the columns of sT: maxima and sums are lane-wise.
    static void softmaxStepT(float* sT, int64_t ldS, int64_t nb, int64_t rowsPad, const float* valid, float* runMax,
                             float* runSum, float* corr) {
        const F ninf(-std::numeric_limits<float>::infinity());
        for (int64_t r0 = 0; r0 < rowsPad; r0 += kL) {
            const F vld = F::load_unaligned(valid + r0);
            F blockMax = ninf;
            for (int64_t j = 0; j < nb; ++j) {
                const F sj = F::load_unaligned(sT + j * ldS + r0);
                blockMax = xsimd::select(F(float(j)) < vld, xsimd::max(blockMax, sj), blockMax);
            }
            const F oldMax = F::load_unaligned(runMax + r0);
            const F newMax = xsimd::max(oldMax, blockMax);
            // Rows that see no key of the block keep their state (correction 1; exp(-inf + inf) would be NaN).
            const auto any = vld > F(0.f);
            const F c = xsimd::select(any, xsimd::exp(oldMax - newMax), F(1.f));
            F sum(0.f);
            for (int64_t j = 0; j < nb; ++j) {
                float* sj = sT + j * ldS + r0;
                const F p = xsimd::select(F(float(j)) < vld, xsimd::exp(F::load_unaligned(sj) - newMax), F(0.f));
                p.store_unaligned(sj);
                sum += p;
            }
            xsimd::fma(F::load_unaligned(runSum + r0), c, sum).store_unaligned(runSum + r0);
            xsimd::select(any, newMax, oldMax).store_unaligned(runMax + r0);
            c.store_unaligned(corr + r0);
        }
    }

    static constexpr AttentionKernels table() {
        return {&loadRows, &scores, &softmaxStep, &accumulate, &scoresT, &softmaxStepT};
    }
};

}  // namespace
}  // namespace hearth::kernels
