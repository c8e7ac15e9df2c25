#include "kernels/reference.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "kernels/fp16.h"

namespace hearth::kernels::ref {
namespace {

constexpr int64_t kQk = 32;  // elements per Q8_0 / Q4_0 block

int q4Low(uint8_t byte) { return (byte & 0x0f) - 8; }
int q4High(uint8_t byte) { return (byte >> 4) - 8; }

// F32 activations may sit at any byte address (the tests check misaligned rows), so read them bytewise.
float loadF32(const float* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

}  // namespace

void dequantizeF32(const void* src, float* dst, int64_t n) {
    if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void dequantizeF16(const void* src, float* dst, int64_t n) {
    const auto* p = static_cast<const uint8_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = fp16ToF32(loadU16(p + 2 * i));
}

void dequantizeBf16(const void* src, float* dst, int64_t n) {
    const auto* p = static_cast<const uint8_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = bf16ToF32(loadU16(p + 2 * i));
}

void dequantizeQ8_0(const void* src, float* dst, int64_t n) {
    assert(n % kQk == 0);
    const auto* blocks = static_cast<const BlockQ8_0*>(src);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float d = fp16ToF32(loadU16(blocks[b].d));
        for (int j = 0; j < kQk; ++j) dst[b * kQk + j] = static_cast<float>(blocks[b].qs[j]) * d;
    }
}

void dequantizeQ4_0(const void* src, float* dst, int64_t n) {
    assert(n % kQk == 0);
    const auto* blocks = static_cast<const BlockQ4_0*>(src);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float d = fp16ToF32(loadU16(blocks[b].d));
        float* out = dst + b * kQk;
        for (int j = 0; j < kQk / 2; ++j) {
            out[j] = static_cast<float>(q4Low(blocks[b].qs[j])) * d;
            out[j + kQk / 2] = static_cast<float>(q4High(blocks[b].qs[j])) * d;
        }
    }
}

float dotF32(const void* row, const float* x, int64_t n) {
    const auto* p = static_cast<const uint8_t*>(row);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) {
        float w;
        std::memcpy(&w, p + 4 * i, sizeof w);
        sum += w * loadF32(x + i);
    }
    return sum;
}

float dotF16(const void* row, const float* x, int64_t n) {
    const auto* p = static_cast<const uint8_t*>(row);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += fp16ToF32(loadU16(p + 2 * i)) * loadF32(x + i);
    return sum;
}

float dotBf16(const void* row, const float* x, int64_t n) {
    const auto* p = static_cast<const uint8_t*>(row);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += bf16ToF32(loadU16(p + 2 * i)) * loadF32(x + i);
    return sum;
}

float dotQ8_0(const void* row, const float* x, int64_t n) {
    assert(n % kQk == 0);
    const auto* blocks = static_cast<const BlockQ8_0*>(row);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float d = fp16ToF32(loadU16(blocks[b].d));
        for (int j = 0; j < kQk; ++j) sum += (static_cast<float>(blocks[b].qs[j]) * d) * loadF32(x + b * kQk + j);
    }
    return sum;
}

float dotQ4_0(const void* row, const float* x, int64_t n) {
    assert(n % kQk == 0);
    const auto* blocks = static_cast<const BlockQ4_0*>(row);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float d = fp16ToF32(loadU16(blocks[b].d));
        const float* xb = x + b * kQk;
        for (int j = 0; j < kQk / 2; ++j) sum += (static_cast<float>(q4Low(blocks[b].qs[j])) * d) * loadF32(xb + j);
        for (int j = 0; j < kQk / 2; ++j) {
            sum += (static_cast<float>(q4High(blocks[b].qs[j])) * d) * loadF32(xb + j + kQk / 2);
        }
    }
    return sum;
}

void quantizeF32(const float* x, void* dst, int64_t n) {
    if (n > 0) std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
}

void quantizeF16(const float* x, void* dst, int64_t n) {
    auto* p = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n; ++i) storeU16(p + 2 * i, f32ToFp16(x[i]));
}

void quantizeBf16(const float* x, void* dst, int64_t n) {
    auto* p = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n; ++i) storeU16(p + 2 * i, f32ToBf16(x[i]));
}

void quantizeQ8_0(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* blocks = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        float amax = 0.0f;
        for (int j = 0; j < kQk; ++j) amax = std::fmax(amax, std::fabs(xb[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeU16(blocks[b].d, f32ToFp16(d));
        for (int j = 0; j < kQk; ++j) blocks[b].qs[j] = static_cast<int8_t>(std::roundf(xb[j] * id));
    }
}

void quantizeQ4_0(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* blocks = static_cast<BlockQ4_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        float amax = 0.0f;
        float max = 0.0f;  // the element with the largest magnitude, sign kept (the first one on ties)
        for (int j = 0; j < kQk; ++j) {
            if (amax < std::fabs(xb[j])) {
                amax = std::fabs(xb[j]);
                max = xb[j];
            }
        }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeU16(blocks[b].d, f32ToFp16(d));
        for (int j = 0; j < kQk / 2; ++j) {
            // (int8) truncates toward zero; the argument is >= 0.5 for every in-range x, so this is floor(v + 8.5).
            const int lo = std::min(15, static_cast<int>(static_cast<int8_t>(xb[j] * id + 8.5f)));
            const int hi = std::min(15, static_cast<int>(static_cast<int8_t>(xb[j + kQk / 2] * id + 8.5f)));
            blocks[b].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
        }
    }
}

int32_t blockDotQ8_0Q8_0(const BlockQ8_0& w, const BlockQ8_0& x) {
    int32_t sum = 0;
    for (int j = 0; j < kQk; ++j) sum += static_cast<int32_t>(w.qs[j]) * x.qs[j];
    return sum;
}

int32_t blockDotQ4_0Q8_0(const BlockQ4_0& w, const BlockQ8_0& x) {
    int32_t sum = 0;
    for (int j = 0; j < kQk / 2; ++j) {
        sum += q4Low(w.qs[j]) * x.qs[j] + q4High(w.qs[j]) * x.qs[j + kQk / 2];
    }
    return sum;
}

float dotQ8_0Q8_0(const void* row, const void* xq, int64_t n) {
    assert(n % kQk == 0);
    const auto* w = static_cast<const BlockQ8_0*>(row);
    const auto* x = static_cast<const BlockQ8_0*>(xq);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float scale = fp16ToF32(loadU16(w[b].d)) * fp16ToF32(loadU16(x[b].d));
        sum += static_cast<float>(blockDotQ8_0Q8_0(w[b], x[b])) * scale;
    }
    return sum;
}

float dotQ4_0Q8_0(const void* row, const void* xq, int64_t n) {
    assert(n % kQk == 0);
    const auto* w = static_cast<const BlockQ4_0*>(row);
    const auto* x = static_cast<const BlockQ8_0*>(xq);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float scale = fp16ToF32(loadU16(w[b].d)) * fp16ToF32(loadU16(x[b].d));
        sum += static_cast<float>(blockDotQ4_0Q8_0(w[b], x[b])) * scale;
    }
    return sum;
}

float dotActF32(const void* row, const void* x, int64_t n) { return dotF32(row, static_cast<const float*>(x), n); }
float dotActF16(const void* row, const void* x, int64_t n) { return dotF16(row, static_cast<const float*>(x), n); }
float dotActBf16(const void* row, const void* x, int64_t n) { return dotBf16(row, static_cast<const float*>(x), n); }

}  // namespace hearth::kernels::ref
