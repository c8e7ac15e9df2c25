#include "kernels/reference_legacy.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "kernels/format_q8_0.h"
#include "kernels/fp16.h"

namespace hearth::kernels::ref {
namespace {

constexpr int64_t kQk = 32;

float loadF32(const void* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

float halfAt(const uint8_t* p) { return fp16ToF32(loadU16(p)); }

uint32_t loadU32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;  // little-endian hosts only (x86-64, AArch64)
}

// Nibbles (and optional 5th bits) of a 32-element block: element j low nibble of qs[j], j + 16 high nibble.
void nibbles(const uint8_t* qs, const uint8_t* qh, int8_t* q) {
    const uint32_t h = qh != nullptr ? loadU32(qh) : 0;
    for (int j = 0; j < 16; ++j) {
        q[j] = static_cast<int8_t>((qs[j] & 15) | (((h >> j) & 1) << 4));
        q[j + 16] = static_cast<int8_t>((qs[j] >> 4) | (((h >> (j + 16)) & 1) << 4));
    }
}

template <GgmlType T>
void dequantizeT(const void* src, float* dst, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(src);
    const int64_t bytes = traitsOf(T).blockBytes;
    Block32 blk;
    for (int64_t b = 0; b < n / kQk; ++b) {
        decodeBlock32(T, p + b * bytes, blk);
        for (int j = 0; j < kQk; ++j) dst[b * kQk + j] = static_cast<float>(blk.q[j]) * blk.d + blk.m;
    }
}

template <GgmlType T>
float dotF32T(const void* row, const float* x, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(row);
    const int64_t bytes = traitsOf(T).blockBytes;
    float w[kQk];
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        dequantizeT<T>(p + b * bytes, w, kQk);
        for (int j = 0; j < kQk; ++j) sum += w[j] * loadF32(x + b * kQk + j);
    }
    return sum;
}

template <GgmlType T>
float dotQ8_0T(const void* row, const void* xq, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(row);
    const auto* xs = static_cast<const BlockQ8_0*>(xq);
    const int64_t bytes = traitsOf(T).blockBytes;
    Block32 blk;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        decodeBlock32(T, p + b * bytes, blk);
        int32_t dot = 0;
        int32_t xsum = 0;
        for (int j = 0; j < kQk; ++j) {
            dot += static_cast<int32_t>(blk.q[j]) * xs[b].qs[j];
            xsum += xs[b].qs[j];
        }
        const float dx = halfAt(xs[b].d);
        sum += (blk.d * dx) * static_cast<float>(dot);
        if constexpr (T == GgmlType::Q4_1 || T == GgmlType::Q5_1) sum += (blk.m * dx) * static_cast<float>(xsum);
    }
    return sum;
}

void minMax(const float* x, float& lo, float& hi) {
    lo = FLT_MAX;
    hi = -FLT_MAX;
    for (int j = 0; j < kQk; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
}

float signedMax(const float* x) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < kQk; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

int nearestLevel(float v) {
    int best = 0;
    for (int k = 1; k < 16; ++k) {
        if (std::fabs(v - kIq4NlLevels[k]) < std::fabs(v - kIq4NlLevels[best])) best = k;
    }
    return best;
}

}  // namespace

void decodeBlock32(GgmlType type, const uint8_t* block, Block32& out) {
    switch (type) {
    case GgmlType::Q4_1: {
        const auto& b = *reinterpret_cast<const BlockQ4_1*>(block);
        nibbles(b.qs, nullptr, out.q);
        out.d = halfAt(b.d);
        out.m = halfAt(b.m);
        return;
    }
    case GgmlType::Q5_0: {
        const auto& b = *reinterpret_cast<const BlockQ5_0*>(block);
        nibbles(b.qs, b.qh, out.q);
        for (int8_t& q : out.q) q = static_cast<int8_t>(q - 16);
        out.d = halfAt(b.d);
        out.m = 0.0f;
        return;
    }
    case GgmlType::Q5_1: {
        const auto& b = *reinterpret_cast<const BlockQ5_1*>(block);
        nibbles(b.qs, b.qh, out.q);
        out.d = halfAt(b.d);
        out.m = halfAt(b.m);
        return;
    }
    case GgmlType::IQ4_NL: {
        const auto& b = *reinterpret_cast<const BlockIq4Nl*>(block);
        nibbles(b.qs, nullptr, out.q);
        for (int8_t& q : out.q) q = kIq4NlLevels[q];
        out.d = halfAt(b.d);
        out.m = 0.0f;
        return;
    }
    default: assert(false && "decodeBlock32: not a 32-element Q8_0-paired type");
    }
}

void dequantizeQ4_1(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q4_1>(src, dst, n); }
void dequantizeQ5_0(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q5_0>(src, dst, n); }
void dequantizeQ5_1(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q5_1>(src, dst, n); }
void dequantizeIq4Nl(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::IQ4_NL>(src, dst, n); }

float dotQ4_1(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q4_1>(row, x, n); }
float dotQ5_0(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q5_0>(row, x, n); }
float dotQ5_1(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q5_1>(row, x, n); }
float dotIq4Nl(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::IQ4_NL>(row, x, n); }

float dotQ4_1Q8_0(const void* row, const void* xq, int64_t n) { return dotQ8_0T<GgmlType::Q4_1>(row, xq, n); }
float dotQ5_0Q8_0(const void* row, const void* xq, int64_t n) { return dotQ8_0T<GgmlType::Q5_0>(row, xq, n); }
float dotQ5_1Q8_0(const void* row, const void* xq, int64_t n) { return dotQ8_0T<GgmlType::Q5_1>(row, xq, n); }
float dotIq4NlQ8_0(const void* row, const void* xq, int64_t n) { return dotQ8_0T<GgmlType::IQ4_NL>(row, xq, n); }

void quantizeQ4_1(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ4_1*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        float lo, hi;
        minMax(xb, lo, hi);
        const float d = (hi - lo) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeU16(out[b].d, f32ToFp16(d));
        storeU16(out[b].m, f32ToFp16(lo));
        for (int j = 0; j < 16; ++j) {
            // (int8) truncates; the argument is >= 0, so this is floor(v + 0.5).
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>((xb[j] - lo) * id + 0.5f)));
            const int q1 = std::min(15, static_cast<int>(static_cast<int8_t>((xb[j + 16] - lo) * id + 0.5f)));
            out[b].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

void quantizeQ5_0(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ5_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        const float d = signedMax(xb) / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeU16(out[b].d, f32ToFp16(d));
        uint32_t h = 0;
        for (int j = 0; j < 16; ++j) {
            const int q0 = std::min(31, static_cast<int>(static_cast<int8_t>(xb[j] * id + 16.5f)));
            const int q1 = std::min(31, static_cast<int>(static_cast<int8_t>(xb[j + 16] * id + 16.5f)));
            out[b].qs[j] = static_cast<uint8_t>((q0 & 15) | ((q1 & 15) << 4));
            h |= static_cast<uint32_t>((q0 >> 4) & 1) << j;
            h |= static_cast<uint32_t>((q1 >> 4) & 1) << (j + 16);
        }
        std::memcpy(out[b].qh, &h, sizeof h);
    }
}

void quantizeQ5_1(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ5_1*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        float lo, hi;
        minMax(xb, lo, hi);
        const float d = (hi - lo) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeU16(out[b].d, f32ToFp16(d));
        storeU16(out[b].m, f32ToFp16(lo));
        uint32_t h = 0;
        for (int j = 0; j < 16; ++j) {
            const int q0 = static_cast<uint8_t>((xb[j] - lo) * id + 0.5f);
            const int q1 = static_cast<uint8_t>((xb[j + 16] - lo) * id + 0.5f);
            out[b].qs[j] = static_cast<uint8_t>((q0 & 15) | ((q1 & 15) << 4));
            h |= static_cast<uint32_t>((q0 >> 4) & 1) << j;
            h |= static_cast<uint32_t>((q1 >> 4) & 1) << (j + 16);
        }
        std::memcpy(out[b].qh, &h, sizeof h);
    }
}

void quantizeIq4Nl(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockIq4Nl*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        const float m = signedMax(xb);
        uint8_t best[16] = {};
        uint16_t bestD = 0;
        float bestErr = INFINITY;
        // Candidates: the extreme value at level -127 and slightly larger scales (more resolution near zero).
        for (int t = 0; t <= 8 && m != 0.0f; ++t) {
            const uint16_t stored = f32ToFp16(m / (-127.0f + 4.0f * static_cast<float>(t)));
            const float d = fp16ToF32(stored);
            if (d == 0.0f) continue;
            const float id = 1.0f / d;
            uint8_t qs[16];
            float err = 0.0f;
            for (int j = 0; j < 16; ++j) {
                const int lo = nearestLevel(xb[j] * id);
                const int hi = nearestLevel(xb[j + 16] * id);
                qs[j] = static_cast<uint8_t>(lo | (hi << 4));
                const float e0 = xb[j] - d * kIq4NlLevels[lo];
                const float e1 = xb[j + 16] - d * kIq4NlLevels[hi];
                err += e0 * e0 + e1 * e1;
            }
            if (err < bestErr) {
                bestErr = err;
                bestD = stored;
                std::memcpy(best, qs, sizeof qs);
            }
        }
        if (m == 0.0f) std::memset(best, 0x88, sizeof best);  // level index 8 is +1: times d = 0 gives 0
        storeU16(out[b].d, bestD);
        std::memcpy(out[b].qs, best, sizeof best);
    }
}

}  // namespace hearth::kernels::ref
