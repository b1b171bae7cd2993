// Pooling over planes [nc, h, w] -> [nc, outH, outW]. Forward: one work-item per output.
// Backward: one work-item per input element gathering from the outputs whose windows cover
// it, so no atomics are needed and sums have a fixed order.

__kernel void max_pool_forward(__global const float* x, __global float* y, __global float* argmax, long nc,
                               int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW) {
    long total = nc * outH * outW;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ox = i % outW;
        int oy = (i / outW) % outH;
        __global const float* plane = x + (i / ((long) outH * outW)) * h * w;
        float m = -INFINITY;
        int best = -1;
        for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - ph + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - pw + kx;
                if (ix < 0 || ix >= w) continue;
                float v = plane[iy * w + ix];
                if (best < 0 || v > m) {
                    m = v;
                    best = iy * w + ix;
                }
            }
        }
        y[i] = m;
        argmax[i] = (float) best;
    }
}

// First and last output index along one axis whose window covers input position pos.
inline int first_cover(int pos, int pad, int k, int stride) {
    int t = pos + pad - k + 1;
    return t <= 0 ? 0 : (t + stride - 1) / stride;
}

inline int last_cover(int pos, int pad, int stride, int outSize) {
    return min((pos + pad) / stride, outSize - 1);
}

__kernel void max_pool_backward(__global const float* dy, __global const float* argmax, __global float* dx, long nc,
                                int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW) {
    long total = nc * h * w;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ix = i % w;
        int iy = (i / w) % h;
        long planeOut = (i / ((long) h * w)) * outH * outW;
        float target = (float) (iy * w + ix);
        float sum = 0.0f;
        int oy1 = last_cover(iy, ph, sh, outH), ox1 = last_cover(ix, pw, sw, outW);
        for (int oy = first_cover(iy, ph, kh, sh); oy <= oy1; oy++) {
            for (int ox = first_cover(ix, pw, kw, sw); ox <= ox1; ox++) {
                long o = planeOut + oy * outW + ox;
                if (argmax[o] == target) sum += dy[o];
            }
        }
        dx[i] = sum;
    }
}

// Window divisor: the whole window when padding counts (the window never passes the padded
// edge without ceil mode), else the in-bounds part only.
inline int avg_divisor(int oy, int ox, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int countPad) {
    if (countPad) return kh * kw;
    int y0 = max(oy * sh - ph, 0), y1 = min(oy * sh - ph + kh, h);
    int x0 = max(ox * sw - pw, 0), x1 = min(ox * sw - pw + kw, w);
    return (y1 - y0) * (x1 - x0);
}

__kernel void avg_pool_forward(__global const float* x, __global float* y, long nc, int h, int w, int kh, int kw,
                               int sh, int sw, int ph, int pw, int outH, int outW, int countPad) {
    long total = nc * outH * outW;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ox = i % outW;
        int oy = (i / outW) % outH;
        __global const float* plane = x + (i / ((long) outH * outW)) * h * w;
        float s = 0.0f;
        for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - ph + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - pw + kx;
                if (ix >= 0 && ix < w) s += plane[iy * w + ix];
            }
        }
        y[i] = s / (float) avg_divisor(oy, ox, h, w, kh, kw, sh, sw, ph, pw, countPad);
    }
}

__kernel void avg_pool_backward(__global const float* dy, __global float* dx, long nc, int h, int w, int kh, int kw,
                                int sh, int sw, int ph, int pw, int outH, int outW, int countPad) {
    long total = nc * h * w;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ix = i % w;
        int iy = (i / w) % h;
        long planeOut = (i / ((long) h * w)) * outH * outW;
        float sum = 0.0f;
        int oy1 = last_cover(iy, ph, sh, outH), ox1 = last_cover(ix, pw, sw, outW);
        for (int oy = first_cover(iy, ph, kh, sh); oy <= oy1; oy++) {
            for (int ox = first_cover(ix, pw, kw, sw); ox <= ox1; ox++) {
                sum += dy[planeOut + oy * outW + ox]
                        / (float) avg_divisor(oy, ox, h, w, kh, kw, sh, sw, ph, pw, countPad);
            }
        }
        dx[i] = sum;
    }
}

// PyTorch's adaptive windows: [floor(o*in/out), ceil((o+1)*in/out)).
inline int adaptive_start(int o, int in, int out) { return (o * in) / out; }
inline int adaptive_end(int o, int in, int out) { return ((o + 1) * in + out - 1) / out; }

__kernel void adaptive_avg_pool_forward(__global const float* x, __global float* y, long nc, int h, int w,
                                        int oh, int ow) {
    long total = nc * oh * ow;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ox = i % ow;
        int oy = (i / ow) % oh;
        __global const float* plane = x + (i / ((long) oh * ow)) * h * w;
        int y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
        int x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
        float s = 0.0f;
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                s += plane[iy * w + ix];
            }
        }
        y[i] = s / (float) ((y1 - y0) * (x1 - x0));
    }
}

// Windows overlap by at most a few outputs, so each input scans the output rows/columns
// whose windows may contain it (a short loop over all of them when outputs are few).
__kernel void adaptive_avg_pool_backward(__global const float* dy, __global float* dx, long nc, int h, int w,
                                         int oh, int ow) {
    long total = nc * h * w;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ix = i % w;
        int iy = (i / w) % h;
        long planeOut = (i / ((long) h * w)) * oh * ow;
        // Output o covers iy iff start(o) <= iy < end(o); start and end grow with o.
        int oyLo = max(0, (iy * oh) / h - 1), oyHi = min(oh - 1, ((iy + 1) * oh) / h + 1);
        int oxLo = max(0, (ix * ow) / w - 1), oxHi = min(ow - 1, ((ix + 1) * ow) / w + 1);
        float sum = 0.0f;
        for (int oy = oyLo; oy <= oyHi; oy++) {
            int y0 = adaptive_start(oy, h, oh), y1 = adaptive_end(oy, h, oh);
            if (iy < y0 || iy >= y1) continue;
            for (int ox = oxLo; ox <= oxHi; ox++) {
                int x0 = adaptive_start(ox, w, ow), x1 = adaptive_end(ox, w, ow);
                if (ix < x0 || ix >= x1) continue;
                sum += dy[planeOut + oy * ow + ox] / (float) ((y1 - y0) * (x1 - x0));
            }
        }
        dx[i] = sum;
    }
}
