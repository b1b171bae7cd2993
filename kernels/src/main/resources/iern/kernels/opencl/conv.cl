// Convolution as im2col + GEMM (the GEMM is gemm.cl's). The column matrix of a chunk of
// images is "wide": col[ci*kh*kw + ky*kw + kx][img*P + oy*outW + ox] (P = outH*outW) holds
// the input pixel that filter tap (ky, kx) of channel ci sees at output (oy, ox) of image img,
// or 0 in the padding. With the images side by side, one GEMM of width images*P replaces
// one narrow GEMM per image (IERN's 7x7 and 3x3 maps would fill a 64-wide tile poorly).
// The backward pass gathers (col2im) instead of scattering, so no atomics are needed and
// results are deterministic. Consecutive work-items handle consecutive output pixels, so
// col writes (and, for stride 1, input reads) coalesce.

__kernel void im2col(__global const float* x, long xOff, __global float* col, int images,
                     int cIn, int h, int w, int kh, int kw, int strideH, int strideW,
                     int padH, int padW, int dilH, int dilW, int outH, int outW) {
    long pixels = (long) outH * outW;
    long width = images * pixels;
    long rows = (long) cIn * kh * kw;
    long total = rows * width;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        long p = i % pixels;
        long img = (i / pixels) % images;
        long row = i / width;
        int kx = row % kw;
        int ky = (row / kw) % kh;
        int ci = row / (kw * kh);
        int iy = (int) (p / outW) * strideH - padH + ky * dilH;
        int ix = (int) (p % outW) * strideW - padW + kx * dilW;
        float v = 0.0f;
        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
            v = x[xOff + ((img * cIn + ci) * h + iy) * w + ix];
        }
        col[i] = v;
    }
}

// dx[img][ci][iy][ix] = sum of dcol entries whose tap lands on (iy, ix).
__kernel void col2im(__global const float* col, __global float* dx, long dxOff, int images,
                     int cIn, int h, int w, int kh, int kw, int strideH, int strideW,
                     int padH, int padW, int dilH, int dilW, int outH, int outW) {
    long pixels = (long) outH * outW;
    long width = images * pixels;
    long total = (long) images * cIn * h * w;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ix = i % w;
        int iy = (i / w) % h;
        long plane = i / ((long) h * w);       // img * cIn + ci
        int ci = plane % cIn;
        long img = plane / cIn;
        __global const float* colImg = col + img * pixels;
        float sum = 0.0f;
        for (int ky = 0; ky < kh; ky++) {
            int ty = iy + padH - ky * dilH;
            if (ty < 0 || ty % strideH != 0) continue;
            int oy = ty / strideH;
            if (oy >= outH) continue;
            for (int kx = 0; kx < kw; kx++) {
                int tx = ix + padW - kx * dilW;
                if (tx < 0 || tx % strideW != 0) continue;
                int ox = tx / strideW;
                if (ox >= outW) continue;
                sum += colImg[((long) (ci * kh + ky) * kw + kx) * width + (long) oy * outW + ox];
            }
        }
        dx[dxOff + i] = sum;
    }
}

// GEMM output [cOut, images*P] -> NCHW y [images, cOut, P] at yOff, adding the bias.
// Work-items run along P on both sides, so reads and writes coalesce in runs of P.
__kernel void wide_to_nchw(__global const float* wide, __global float* y, long yOff, int images, int cOut,
                           int pixels, __global const float* bias, int hasBias) {
    long total = (long) images * cOut * pixels;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int p = i % pixels;
        int co = (i / pixels) % cOut;
        long img = i / ((long) pixels * cOut);
        float v = wide[((long) co * images + img) * pixels + p];
        y[yOff + i] = hasBias ? v + bias[co] : v;
    }
}

// NCHW dy [images, cOut, P] at dyOff -> [cOut, images*P], the layout the GEMMs take.
__kernel void nchw_to_wide(__global const float* dy, long dyOff, __global float* wide, int images, int cOut,
                           int pixels) {
    long total = (long) images * cOut * pixels;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int p = i % pixels;
        long img = (i / pixels) % images;
        int co = i / ((long) pixels * images);
        wide[i] = dy[dyOff + (img * cOut + co) * pixels + p];
    }
}

// y[img][co][p] += bias[co] over y [images, cOut, pixels] (the direct 1x1 path).
__kernel void add_channel_bias(__global float* y, __global const float* bias, long images, int cOut, int pixels) {
    long total = images * cOut * pixels;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        y[i] += bias[(i / pixels) % cOut];
    }
}

// dBias[co] = sum over images and pixels of dy [images, cOut, pixels]: one work-group per
// channel, each work-item summing a strided share, then a tree in local memory.
__kernel void channel_sum(__global const float* dy, __global float* out, int images, int cOut, int pixels) {
    __local float scratch[256];
    int co = get_group_id(0);
    int lid = get_local_id(0);
    long per = (long) images * pixels;
    float s = 0.0f;
    for (long j = lid; j < per; j += get_local_size(0)) {
        long img = j / pixels, p = j % pixels;
        s += dy[(img * cOut + co) * pixels + p];
    }
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = get_local_size(0) / 2; span > 0; span >>= 1) {
        if (lid < span) scratch[lid] += scratch[lid + span];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) out[co] = scratch[0];
}
