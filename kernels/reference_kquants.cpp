#include "kernels/reference_kquants.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "kernels/fp16.h"

namespace hearth::kernels::ref {
namespace {

constexpr int64_t kQk = kQkK;

// Round to nearest, ties to even (ggml's nearest_int; the default FP environment).
int nearestInt(float v) { return static_cast<int>(std::lrintf(v)); }

float loadF32(const void* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

float halfAt(const uint8_t* p) { return fp16ToF32(loadU16(p)); }

int64_t blockBytesOf(GgmlType type) { return traitsOf(type).blockBytes; }

// --- decoders: one super-block -> SuperBlock ---------------------------------------------------------------

void decodeQ2_K(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockQ2_K*>(p);
    o.subLen = 16;
    o.d = halfAt(b.d);
    o.dmin = halfAt(b.dmin);
    for (int i = 0; i < 16; ++i) {
        o.scale[i] = b.scales[i] & 15;
        o.min[i] = b.scales[i] >> 4;
    }
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            for (int l = 0; l < 32; ++l) {
                o.q[128 * h + 32 * s + l] = static_cast<int8_t>((b.qs[32 * h + l] >> (2 * s)) & 3);
            }
        }
    }
}

void decodeQ3_K(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockQ3_K*>(p);
    o.subLen = 16;
    o.d = halfAt(b.d);
    o.dmin = 0.0f;
    for (int i = 0; i < 16; ++i) {
        const int low = i < 8 ? (b.scales[i] & 15) : (b.scales[i - 8] >> 4);
        const int high = (b.scales[8 + i % 4] >> (2 * (i / 4))) & 3;
        o.scale[i] = (low | (high << 4)) - 32;
        o.min[i] = 0;
    }
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            for (int l = 0; l < 32; ++l) {
                const int low = (b.qs[32 * h + l] >> (2 * s)) & 3;
                const int hbit = (b.hmask[l] >> (4 * h + s)) & 1;
                o.q[128 * h + 32 * s + l] = static_cast<int8_t>(low - (hbit ? 0 : 4));
            }
        }
    }
}

// Q4_K and Q5_K share the scales and the nibble arrangement; Q5_K adds the high bits.
void decodeQ45_K(const uint8_t* scales, const uint8_t* qs, const uint8_t* qh, const uint8_t* d, SuperBlock& o) {
    o.subLen = 32;
    o.d = halfAt(d);
    o.dmin = halfAt(d + 2);
    for (int i = 0; i < 8; ++i) {
        int sc, m;
        kQuantScaleMin(scales, i, sc, m);
        o.scale[i] = sc;
        o.min[i] = m;
    }
    for (int i = 8; i < 16; ++i) o.scale[i] = o.min[i] = 0;
    for (int p = 0; p < 4; ++p) {
        for (int l = 0; l < 32; ++l) {
            int lo = qs[32 * p + l] & 15;
            int hi = qs[32 * p + l] >> 4;
            if (qh != nullptr) {
                lo |= ((qh[l] >> (2 * p)) & 1) << 4;
                hi |= ((qh[l] >> (2 * p + 1)) & 1) << 4;
            }
            o.q[64 * p + l] = static_cast<int8_t>(lo);
            o.q[64 * p + 32 + l] = static_cast<int8_t>(hi);
        }
    }
}

void decodeQ6_K(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockQ6_K*>(p);
    o.subLen = 16;
    o.d = halfAt(b.d);
    o.dmin = 0.0f;
    for (int i = 0; i < 16; ++i) {
        o.scale[i] = b.scales[i];
        o.min[i] = 0;
    }
    for (int h = 0; h < 2; ++h) {
        const uint8_t* ql = b.ql + 64 * h;
        const uint8_t* qh = b.qh + 32 * h;
        for (int l = 0; l < 32; ++l) {
            const int lows[4] = {ql[l] & 15, ql[l + 32] & 15, ql[l] >> 4, ql[l + 32] >> 4};
            for (int s = 0; s < 4; ++s) {
                o.q[128 * h + 32 * s + l] = static_cast<int8_t>((lows[s] | (((qh[l] >> (2 * s)) & 3) << 4)) - 32);
            }
        }
    }
}

void decodeIq4Xs(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockIq4Xs*>(p);
    o.subLen = 32;
    o.d = halfAt(b.d);
    o.dmin = 0.0f;
    const int scalesH = loadU16(b.scalesH);
    for (int i = 0; i < 8; ++i) {
        const int low = (b.scalesL[i / 2] >> (4 * (i % 2))) & 15;
        const int high = (scalesH >> (2 * i)) & 3;
        o.scale[i] = (low | (high << 4)) - 32;
        o.min[i] = 0;
    }
    for (int i = 8; i < 16; ++i) o.scale[i] = o.min[i] = 0;
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 16; ++j) {
            const uint8_t byte = b.qs[16 * i + j];
            o.q[32 * i + j] = kIq4NlLevels[byte & 15];
            o.q[32 * i + j + 16] = kIq4NlLevels[byte >> 4];
        }
    }
}

// Trit k of a base-3 packed byte (see format_tq1_0.h).
int tritOf(uint8_t byte, int k) {
    static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
    const auto shifted = static_cast<uint8_t>(byte * kPow3[k]);
    return (static_cast<uint16_t>(shifted) * 3) >> 8;
}

void ternaryScales(SuperBlock& o) {
    o.subLen = 32;
    o.dmin = 0.0f;
    for (int i = 0; i < 16; ++i) {
        o.scale[i] = i < 8 ? 1 : 0;
        o.min[i] = 0;
    }
}

void decodeTq1_0(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockTq1_0*>(p);
    ternaryScales(o);
    o.d = halfAt(b.d);
    for (int k = 0; k < 5; ++k) {
        for (int l = 0; l < 32; ++l) o.q[32 * k + l] = static_cast<int8_t>(tritOf(b.qs[l], k) - 1);
        for (int l = 0; l < 16; ++l) o.q[160 + 16 * k + l] = static_cast<int8_t>(tritOf(b.qs[32 + l], k) - 1);
    }
    for (int k = 0; k < 4; ++k) {
        for (int l = 0; l < 4; ++l) o.q[240 + 4 * k + l] = static_cast<int8_t>(tritOf(b.qh[l], k) - 1);
    }
}

void decodeTq2_0(const uint8_t* p, SuperBlock& o) {
    const auto& b = *reinterpret_cast<const BlockTq2_0*>(p);
    ternaryScales(o);
    o.d = halfAt(b.d);
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            for (int l = 0; l < 32; ++l) {
                o.q[128 * h + 32 * s + l] = static_cast<int8_t>(((b.qs[32 * h + l] >> (2 * s)) & 3) - 1);
            }
        }
    }
}

template <GgmlType T>
void dequantizeT(const void* src, float* dst, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(src);
    SuperBlock sb;
    for (int64_t b = 0; b < n / kQk; ++b) {
        decodeSuperBlock(T, p + b * blockBytesOf(T), sb);
        for (int j = 0; j < kQk; ++j) {
            const int i = j / sb.subLen;
            const float dl = sb.d * static_cast<float>(sb.scale[i]);
            const float ml = sb.dmin * static_cast<float>(sb.min[i]);
            dst[b * kQk + j] = dl * static_cast<float>(sb.q[j]) - ml;
        }
    }
}

template <GgmlType T>
float dotF32T(const void* row, const float* x, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(row);
    float w[kQk];
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        dequantizeT<T>(p + b * blockBytesOf(T), w, kQk);
        for (int j = 0; j < kQk; ++j) sum += w[j] * loadF32(x + b * kQk + j);
    }
    return sum;
}

template <GgmlType T>
float dotQ8_KT(const void* row, const void* xq, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(row);
    const auto* xs = static_cast<const uint8_t*>(xq);
    SuperBlock sb;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / kQk; ++b) {
        decodeSuperBlock(T, p + b * blockBytesOf(T), sb);
        BlockQ8_K x;
        std::memcpy(&x, xs + b * static_cast<int64_t>(sizeof(BlockQ8_K)), sizeof x);
        int32_t isum = 0;
        int32_t msum = 0;
        for (int i = 0; i < kQk / sb.subLen; ++i) {
            int32_t dot = 0;
            for (int j = i * sb.subLen; j < (i + 1) * sb.subLen; ++j) dot += static_cast<int32_t>(sb.q[j]) * x.qs[j];
            isum += sb.scale[i] * dot;
            int32_t xsum = 0;
            for (int g = i * sb.subLen / 16; g < (i + 1) * sb.subLen / 16; ++g) xsum += x.bsums[g];
            msum += sb.min[i] * xsum;
        }
        sum += (x.d * sb.d) * static_cast<float>(isum) - (x.d * sb.dmin) * static_cast<float>(msum);
    }
    return sum;
}

// --- quantizer helpers ----------------------------------------------------------------------------------------

// The element of x[0..n) with the largest magnitude, sign kept (the first one on ties).
float signedMax(const float* x, int n) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < n; ++j) {
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

// Asymmetric sub-block fit for Q2_K / Q4_K / Q5_K: scale and (non-negative) minimum offset with levels 0..nmax.
void fitAsymmetric(const float* x, int n, int nmax, float& scale, float& minOffset) {
    float lo = 0.0f;
    float hi = x[0];
    for (int j = 0; j < n; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
    scale = std::max(0.0f, (hi - lo) / static_cast<float>(nmax));
    minOffset = -lo;
}

// Quantizes x (n values) to levels 0..nmax for w = dl * q - ml.
void levelsAsymmetric(const float* x, int n, int nmax, float dl, float ml, uint8_t* q) {
    for (int j = 0; j < n; ++j) {
        const int v = dl > 0.0f ? nearestInt((x[j] + ml) / dl) : 0;
        q[j] = static_cast<uint8_t>(std::clamp(v, 0, nmax));
    }
}

// Super-block factor for non-negative sub-block values v[0..count) rounded to `bits` bits: returns the F16 factor
// (stored) and the integer codes.
uint16_t quantizeFactors(const float* v, int count, int maxCode, int* codes) {
    float vmax = 0.0f;
    for (int i = 0; i < count; ++i) vmax = std::max(vmax, v[i]);
    const uint16_t stored = f32ToFp16(vmax / static_cast<float>(maxCode));
    const float f = fp16ToF32(stored);
    for (int i = 0; i < count; ++i) codes[i] = f > 0.0f ? std::clamp(nearestInt(v[i] / f), 0, maxCode) : 0;
    return stored;
}

// Signed variant: the value with the largest magnitude maps to -maxNeg; codes in [-maxNeg, maxNeg - 1].
uint16_t quantizeSignedFactors(const float* v, int count, int maxNeg, int* codes) {
    const float m = signedMax(v, count);
    const uint16_t stored = f32ToFp16(m / static_cast<float>(-maxNeg));
    const float f = fp16ToF32(stored);
    for (int i = 0; i < count; ++i) codes[i] = f != 0.0f ? std::clamp(nearestInt(v[i] / f), -maxNeg, maxNeg - 1) : 0;
    return stored;
}

// Q4_K / Q5_K: scales and levels of one super-block; q gets values 0..nmax.
void quantizeQ45Block(const float* x, int nmax, uint8_t* d2, uint8_t* scales12, uint8_t* q) {
    float scale[8], mins[8];
    for (int i = 0; i < 8; ++i) fitAsymmetric(x + 32 * i, 32, nmax, scale[i], mins[i]);
    int sc[8], m[8];
    storeU16(d2, quantizeFactors(scale, 8, 63, sc));
    storeU16(d2 + 2, quantizeFactors(mins, 8, 63, m));
    std::memset(scales12, 0, 12);
    for (int i = 0; i < 8; ++i) {
        if (i < 4) {
            scales12[i] = static_cast<uint8_t>(sc[i]);
            scales12[i + 4] = static_cast<uint8_t>(m[i]);
        } else {
            scales12[i + 4] = static_cast<uint8_t>((sc[i] & 15) | ((m[i] & 15) << 4));
            scales12[i - 4] |= static_cast<uint8_t>((sc[i] >> 4) << 6);
            scales12[i] |= static_cast<uint8_t>((m[i] >> 4) << 6);
        }
    }
    const float d = halfAt(d2);
    const float dmin = halfAt(d2 + 2);
    for (int i = 0; i < 8; ++i) {
        levelsAsymmetric(x + 32 * i, 32, nmax, d * static_cast<float>(sc[i]), dmin * static_cast<float>(m[i]),
                         q + 32 * i);
    }
}

// The index of the IQ4_NL level nearest to v.
int nearestLevel(float v) {
    int best = 0;
    float bestErr = std::fabs(v - kIq4NlLevels[0]);
    for (int k = 1; k < 16; ++k) {
        const float err = std::fabs(v - kIq4NlLevels[k]);
        if (err < bestErr) {
            bestErr = err;
            best = k;
        }
    }
    return best;
}

// Ternary: t_j = lroundf(x_j * id) + 1 in 0..2, ggml's rule.
int trit(float x, float id) { return static_cast<int>(std::lroundf(x * id)) + 1; }

float absMax(const float* x, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n; ++j) amax = std::max(amax, std::fabs(x[j]));
    return amax;
}

}  // namespace

void decodeSuperBlock(GgmlType type, const uint8_t* block, SuperBlock& out) {
    switch (type) {
    case GgmlType::Q2_K: decodeQ2_K(block, out); return;
    case GgmlType::Q3_K: decodeQ3_K(block, out); return;
    case GgmlType::Q4_K: {
        const auto& b = *reinterpret_cast<const BlockQ4_K*>(block);
        decodeQ45_K(b.scales, b.qs, nullptr, b.d, out);
        return;
    }
    case GgmlType::Q5_K: {
        const auto& b = *reinterpret_cast<const BlockQ5_K*>(block);
        decodeQ45_K(b.scales, b.qs, b.qh, b.d, out);
        return;
    }
    case GgmlType::Q6_K: decodeQ6_K(block, out); return;
    case GgmlType::IQ4_XS: decodeIq4Xs(block, out); return;
    case GgmlType::TQ1_0: decodeTq1_0(block, out); return;
    case GgmlType::TQ2_0: decodeTq2_0(block, out); return;
    default: assert(false && "decodeSuperBlock: not a Q8_K-paired type");
    }
}

void quantizeQ8_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockQ8_K y{};
        const float max = signedMax(xb, kQk);
        if (max != 0.0f) {
            const float iscale = -127.0f / max;
            for (int j = 0; j < kQk; ++j) y.qs[j] = static_cast<int8_t>(std::min(127, nearestInt(iscale * xb[j])));
            for (int g = 0; g < kQk / 16; ++g) {
                int sum = 0;
                for (int j = 0; j < 16; ++j) sum += y.qs[16 * g + j];
                y.bsums[g] = static_cast<int16_t>(sum);
            }
            y.d = 1.0f / iscale;
        }
        std::memcpy(out + b * static_cast<int64_t>(sizeof y), &y, sizeof y);
    }
}

void dequantizeQ8_K(const void* src, float* dst, int64_t n) {
    assert(n % kQk == 0);
    const auto* p = static_cast<const uint8_t*>(src);
    for (int64_t b = 0; b < n / kQk; ++b) {
        BlockQ8_K y;
        std::memcpy(&y, p + b * static_cast<int64_t>(sizeof y), sizeof y);
        for (int j = 0; j < kQk; ++j) dst[b * kQk + j] = y.d * static_cast<float>(y.qs[j]);
    }
}

void dequantizeQ2_K(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q2_K>(src, dst, n); }
void dequantizeQ3_K(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q3_K>(src, dst, n); }
void dequantizeQ4_K(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q4_K>(src, dst, n); }
void dequantizeQ5_K(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q5_K>(src, dst, n); }
void dequantizeQ6_K(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::Q6_K>(src, dst, n); }
void dequantizeIq4Xs(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::IQ4_XS>(src, dst, n); }
void dequantizeTq1_0(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::TQ1_0>(src, dst, n); }
void dequantizeTq2_0(const void* src, float* dst, int64_t n) { dequantizeT<GgmlType::TQ2_0>(src, dst, n); }

float dotQ2_K(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q2_K>(row, x, n); }
float dotQ3_K(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q3_K>(row, x, n); }
float dotQ4_K(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q4_K>(row, x, n); }
float dotQ5_K(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q5_K>(row, x, n); }
float dotQ6_K(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::Q6_K>(row, x, n); }
float dotIq4Xs(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::IQ4_XS>(row, x, n); }
float dotTq1_0(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::TQ1_0>(row, x, n); }
float dotTq2_0(const void* row, const float* x, int64_t n) { return dotF32T<GgmlType::TQ2_0>(row, x, n); }

float dotQ2_KQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::Q2_K>(row, xq, n); }
float dotQ3_KQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::Q3_K>(row, xq, n); }
float dotQ4_KQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::Q4_K>(row, xq, n); }
float dotQ5_KQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::Q5_K>(row, xq, n); }
float dotQ6_KQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::Q6_K>(row, xq, n); }
float dotIq4XsQ8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::IQ4_XS>(row, xq, n); }
float dotTq1_0Q8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::TQ1_0>(row, xq, n); }
float dotTq2_0Q8_K(const void* row, const void* xq, int64_t n) { return dotQ8_KT<GgmlType::TQ2_0>(row, xq, n); }

void quantizeQ2_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ2_K*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockQ2_K& y = out[b];
        float scale[16], mins[16];
        for (int i = 0; i < 16; ++i) fitAsymmetric(xb + 16 * i, 16, 3, scale[i], mins[i]);
        int sc[16], m[16];
        storeU16(y.d, quantizeFactors(scale, 16, 15, sc));
        storeU16(y.dmin, quantizeFactors(mins, 16, 15, m));
        const float d = halfAt(y.d);
        const float dmin = halfAt(y.dmin);
        uint8_t q[kQk];
        for (int i = 0; i < 16; ++i) {
            y.scales[i] = static_cast<uint8_t>(sc[i] | (m[i] << 4));
            levelsAsymmetric(xb + 16 * i, 16, 3, d * static_cast<float>(sc[i]), dmin * static_cast<float>(m[i]),
                             q + 16 * i);
        }
        std::memset(y.qs, 0, sizeof y.qs);
        for (int h = 0; h < 2; ++h) {
            for (int s = 0; s < 4; ++s) {
                for (int l = 0; l < 32; ++l) {
                    y.qs[32 * h + l] |= static_cast<uint8_t>(q[128 * h + 32 * s + l] << (2 * s));
                }
            }
        }
    }
}

void quantizeQ3_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ3_K*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockQ3_K& y = out[b];
        float s[16];
        for (int i = 0; i < 16; ++i) s[i] = signedMax(xb + 16 * i, 16) / -4.0f;
        int sc[16];
        storeU16(y.d, quantizeSignedFactors(s, 16, 32, sc));
        const float d = halfAt(y.d);
        std::memset(y.scales, 0, sizeof y.scales);
        for (int i = 0; i < 16; ++i) {
            const int u = sc[i] + 32;
            y.scales[i % 8] |= static_cast<uint8_t>((u & 15) << (i < 8 ? 0 : 4));
            y.scales[8 + i % 4] |= static_cast<uint8_t>((u >> 4) << (2 * (i / 4)));
        }
        std::memset(y.qs, 0, sizeof y.qs);
        std::memset(y.hmask, 0, sizeof y.hmask);
        for (int j = 0; j < kQk; ++j) {
            const float dl = d * static_cast<float>(sc[j / 16]);
            const int q = (dl != 0.0f ? std::clamp(nearestInt(xb[j] / dl), -4, 3) : 0) + 4;  // 0..7
            const int h = j / 128, s = (j % 128) / 32, l = j % 32;
            y.qs[32 * h + l] |= static_cast<uint8_t>((q & 3) << (2 * s));
            if (q & 4) y.hmask[l] |= static_cast<uint8_t>(1 << (4 * h + s));
        }
    }
}

void quantizeQ4_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ4_K*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        BlockQ4_K& y = out[b];
        uint8_t q[kQk];
        quantizeQ45Block(x + b * kQk, 15, y.d, y.scales, q);
        for (int p = 0; p < 4; ++p) {
            for (int l = 0; l < 32; ++l) {
                y.qs[32 * p + l] = static_cast<uint8_t>(q[64 * p + l] | (q[64 * p + 32 + l] << 4));
            }
        }
    }
}

void quantizeQ5_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ5_K*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        BlockQ5_K& y = out[b];
        uint8_t q[kQk];
        quantizeQ45Block(x + b * kQk, 31, y.d, y.scales, q);
        std::memset(y.qh, 0, sizeof y.qh);
        for (int p = 0; p < 4; ++p) {
            for (int l = 0; l < 32; ++l) {
                const int lo = q[64 * p + l], hi = q[64 * p + 32 + l];
                y.qs[32 * p + l] = static_cast<uint8_t>((lo & 15) | ((hi & 15) << 4));
                y.qh[l] |= static_cast<uint8_t>(((lo >> 4) << (2 * p)) | ((hi >> 4) << (2 * p + 1)));
            }
        }
    }
}

void quantizeQ6_K(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockQ6_K*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockQ6_K& y = out[b];
        float s[16];
        for (int i = 0; i < 16; ++i) s[i] = signedMax(xb + 16 * i, 16) / -32.0f;
        int sc[16];
        storeU16(y.d, quantizeSignedFactors(s, 16, 128, sc));
        const float d = halfAt(y.d);
        for (int i = 0; i < 16; ++i) y.scales[i] = static_cast<int8_t>(sc[i]);
        std::memset(y.ql, 0, sizeof y.ql);
        std::memset(y.qh, 0, sizeof y.qh);
        for (int j = 0; j < kQk; ++j) {
            const float dl = d * static_cast<float>(sc[j / 16]);
            const int q = (dl != 0.0f ? std::clamp(nearestInt(xb[j] / dl), -32, 31) : 0) + 32;  // 0..63
            const int h = j / 128, s = (j % 128) / 32, l = j % 32;
            const int qlIndex = 64 * h + l + (s % 2) * 32;
            y.ql[qlIndex] |= static_cast<uint8_t>((q & 15) << (s / 2 * 4));
            y.qh[32 * h + l] |= static_cast<uint8_t>((q >> 4) << (2 * s));
        }
    }
}

void quantizeIq4Xs(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockIq4Xs*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockIq4Xs& y = out[b];
        float s[8];
        for (int i = 0; i < 8; ++i) s[i] = signedMax(xb + 32 * i, 32) / -127.0f;
        int ls[8];
        storeU16(y.d, quantizeSignedFactors(s, 8, 32, ls));
        const float d = halfAt(y.d);
        uint16_t scalesH = 0;
        std::memset(y.scalesL, 0, sizeof y.scalesL);
        for (int i = 0; i < 8; ++i) {
            const int u = ls[i] + 32;
            y.scalesL[i / 2] |= static_cast<uint8_t>((u & 15) << (4 * (i % 2)));
            scalesH |= static_cast<uint16_t>((u >> 4) << (2 * i));
            const float dl = d * static_cast<float>(ls[i]);
            const float id = dl != 0.0f ? 1.0f / dl : 0.0f;
            for (int j = 0; j < 16; ++j) {
                const int lo = nearestLevel(xb[32 * i + j] * id);
                const int hi = nearestLevel(xb[32 * i + j + 16] * id);
                y.qs[16 * i + j] = static_cast<uint8_t>(lo | (hi << 4));
            }
        }
        storeU16(y.scalesH, scalesH);
    }
}

void quantizeTq1_0(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockTq1_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockTq1_0& y = out[b];
        const float d = absMax(xb, kQk);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        // v = sum_k t_k 3^(4-k) (first trit most significant), stored as ceil(v * 256 / 243).
        auto pack = [](int v) { return static_cast<uint8_t>((v * 256 + 242) / 243); };
        for (int l = 0; l < 32; ++l) {
            int v = 0;
            for (int k = 0; k < 5; ++k) v = v * 3 + trit(xb[32 * k + l], id);
            y.qs[l] = pack(v);
        }
        for (int l = 0; l < 16; ++l) {
            int v = 0;
            for (int k = 0; k < 5; ++k) v = v * 3 + trit(xb[160 + 16 * k + l], id);
            y.qs[32 + l] = pack(v);
        }
        for (int l = 0; l < 4; ++l) {
            int v = 0;
            for (int k = 0; k < 4; ++k) v = v * 3 + trit(xb[240 + 4 * k + l], id);
            y.qh[l] = pack(v * 3);  // the unused fifth trit is 0
        }
        storeU16(y.d, f32ToFp16(d));
    }
}

void quantizeTq2_0(const float* x, void* dst, int64_t n) {
    assert(n % kQk == 0);
    auto* out = static_cast<BlockTq2_0*>(dst);
    for (int64_t b = 0; b < n / kQk; ++b) {
        const float* xb = x + b * kQk;
        BlockTq2_0& y = out[b];
        const float d = absMax(xb, kQk);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int h = 0; h < 2; ++h) {
            for (int l = 0; l < 32; ++l) {
                int q = 0;
                for (int s = 0; s < 4; ++s) q |= (trit(xb[128 * h + 32 * s + l], id) & 3) << (2 * s);
                y.qs[32 * h + l] = static_cast<uint8_t>(q);
            }
        }
        storeU16(y.d, f32ToFp16(d));
    }
}

}  // namespace hearth::kernels::ref
