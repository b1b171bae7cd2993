// The OpenCL C that the kernels under iern/kernels/opencl/ use, spelled in CUDA C++ for NVRTC,
// so one source per kernel family serves both GPU backends (KernelSource puts this before the
// generated op table and the .cl file). It covers what those files use and no more: work-item
// functions, barrier, the address spaces, reqd_work_group_size, and float8/int8/long8 as
// small structs with the few operations the kernels apply to them. Rules it relies on, which
// KernelSource.checkPortable enforces on every .cl file before either backend compiles it:
//  - no vector literal with more than one component: "(float4)(a, b, c, d)" would be a
//    C-style cast of a comma expression here, a splat of d, and compile without a word;
//  - no swizzles or vector components (.x, .s0, .lo), no atomics, no images, no half;
//  - a helper taking local memory spells its parameter LOCAL_PARAM (here nothing: CUDA
//    pointers are generic; in OpenCL __local).
#define __kernel extern "C" __global__
#define __global
#define __local __shared__
#define __constant const
#define LOCAL_PARAM
#define inline __device__ __forceinline__
#define reqd_work_group_size(x, y, z) launch_bounds((x) * (y) * (z))

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;

#define INFINITY __int_as_float(0x7f800000)
#define NAN __int_as_float(0x7fffffff)

#define CLK_LOCAL_MEM_FENCE 1
#define CLK_GLOBAL_MEM_FENCE 2
__device__ __forceinline__ void barrier(int flags) { __syncthreads(); }

__device__ __forceinline__ unsigned long get_local_id(uint d) {
    return d == 0 ? threadIdx.x : (d == 1 ? threadIdx.y : threadIdx.z);
}
__device__ __forceinline__ unsigned long get_group_id(uint d) {
    return d == 0 ? blockIdx.x : (d == 1 ? blockIdx.y : blockIdx.z);
}
__device__ __forceinline__ unsigned long get_local_size(uint d) {
    return d == 0 ? blockDim.x : (d == 1 ? blockDim.y : blockDim.z);
}
__device__ __forceinline__ unsigned long get_num_groups(uint d) {
    return d == 0 ? gridDim.x : (d == 1 ? gridDim.y : gridDim.z);
}
__device__ __forceinline__ unsigned long get_global_id(uint d) {
    return get_group_id(d) * get_local_size(d) + get_local_id(d);
}
__device__ __forceinline__ unsigned long get_global_size(uint d) {
    return get_num_groups(d) * get_local_size(d);
}

// Kernel arguments: plain aggregates of the OpenCL types' size (the host passes 8 values).
struct long8 { long s[8]; };
struct int8 { int s[8]; };

// Register blocks: a splat constructor (the only vector literal the rules allow) and fma.
struct float8 {
    float s[8];
    __device__ __forceinline__ float8() {}
    __device__ __forceinline__ explicit float8(float v) {
        for (int i = 0; i < 8; i++) s[i] = v;
    }
};
__device__ __forceinline__ float8 fma(float8 a, float8 b, float8 c) {
    float8 r;
    for (int i = 0; i < 8; i++) r.s[i] = fmaf(a.s[i], b.s[i], c.s[i]);
    return r;
}
__device__ __forceinline__ float8 vload8(unsigned long offset, const float* p) {
    float8 r;
    for (int i = 0; i < 8; i++) r.s[i] = p[offset * 8 + i];
    return r;
}
__device__ __forceinline__ void vstore8(float8 v, unsigned long offset, float* p) {
    for (int i = 0; i < 8; i++) p[offset * 8 + i] = v.s[i];
}
__device__ __forceinline__ void vstore8(long8 v, unsigned long offset, long* p) {
    for (int i = 0; i < 8; i++) p[offset * 8 + i] = v.s[i];
}
__device__ __forceinline__ void vstore8(int8 v, unsigned long offset, int* p) {
    for (int i = 0; i < 8; i++) p[offset * 8 + i] = v.s[i];
}
