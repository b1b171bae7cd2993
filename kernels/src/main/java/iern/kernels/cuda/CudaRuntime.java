package iern.kernels.cuda;

import static jcuda.driver.JCudaDriver.*;

import iern.kernels.gpu.GpuDevice;
import iern.kernels.gpu.GpuLaunch;
import iern.kernels.gpu.KernelSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One CUDA device opened for the engine, the {@link GpuDevice} under {@link CudaBackend},
 * through JCuda's driver API: the device's primary context (made current on every calling
 * thread by {@link #makeCurrent}), one stream that every copy and launch goes to, modules built
 * per kernel file on first use by {@link Nvrtc} and cached, and a pool of {@code cuMemAlloc}
 * buffers keyed by size that is emptied and retried once when the device runs out of memory.
 *
 * <p>Copies go through one pinned staging buffer: a write fills it and enqueues an
 * asynchronous copy, so it returns before the copy is done (the next write waits for the
 * staging buffer, not for the stream); a read enqueues its copy and waits on the stream.
 */
final class CudaRuntime extends GpuDevice {
    /** Largest copy staged at once; longer copies go in pieces. */
    private static final long STAGING_MAX = 16L << 20;

    final CudaDevices.Found found;
    final String description;
    final CUcontext context;
    final CUstream stream;
    final int multiprocessors;
    final int[] computeCapability;
    final int maxThreadsPerBlock;
    private final CuLaunch launch;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<Long, ArrayDeque<CUdeviceptr>> pool = new HashMap<>();
    private long pooledBytes;

    private final CUevent stagingFree = new CUevent();
    private boolean stagingPending;
    private Pointer staging;
    private long stagingBytes;
    private FloatBuffer stagingFloats;
    private boolean closed;

    CudaRuntime(CudaDevices.Found found) {
        this.found = found;
        this.description = CudaDevices.describe(found);
        this.context = new CUcontext();
        cuDevicePrimaryCtxRetain(context, found.device());
        cuCtxSetCurrent(context);
        this.stream = new CUstream();
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        cuEventCreate(stagingFree, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        this.multiprocessors = CudaDevices.attribute(found.device(),
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.computeCapability = CudaDevices.computeCapability(found.device());
        this.maxThreadsPerBlock = CudaDevices.attribute(found.device(),
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        this.launch = new CuLaunch(this);
    }

    @Override
    public String kind() {
        return "cuda";
    }

    @Override
    public String description() {
        return description;
    }

    /** A CUDA device is a GPU: launches are always GPU-shaped. */
    @Override
    public boolean gpuLayout() {
        return true;
    }

    @Override
    public int computeUnits() {
        return multiprocessors;
    }

    @Override
    public GpuLaunch launch() {
        return launch;
    }

    @Override
    public void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    // ------------------------------------------------------------------ kernels

    /** The function {@code name} of kernel file {@code file}, building the file's module on first use. */
    CUfunction function(String file, String name) {
        String key = file + "#" + name;
        CUfunction f = functions.get(key);
        if (f == null) {
            CUmodule module = modules.get(file);
            if (module == null) {
                module = build(file, KernelSource.cuda(file));
                modules.put(file, module);
            }
            f = new CUfunction();
            try {
                cuModuleGetFunction(f, module, name);
            } catch (CudaException e) {
                throw new IllegalStateException("cuda: kernel '" + name + "' is not in " + file + " (kernels "
                        + KernelSource.declaredKernels(KernelSource.load(file)) + "): " + e.getMessage(), e);
            }
            functions.put(key, f);
        }
        return f;
    }

    /** Compiles with NVRTC for this device and loads the module; failures name the file and carry NVRTC's log. */
    CUmodule build(String file, String source) {
        Nvrtc.Image image = Nvrtc.get().compileFor(file, source, computeCapability[0], computeCapability[1]);
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, image.data());
        } catch (CudaException e) {
            throw new IllegalStateException("cuda: loading " + file + " (" + image.arch() + ", "
                    + (image.cubin() ? "cubin" : "PTX") + " from NVRTC " + Nvrtc.get().version() + ") failed on "
                    + description + ": " + e.getMessage(), e);
        }
        return module;
    }

    @Override
    public void compileForTest(String file, String source) {
        cuModuleUnload(build(file, KernelSource.cudaOf(file, source)));
    }

    // ------------------------------------------------------------------ buffers

    @Override
    public CUdeviceptr obtain(long bytes) {
        ArrayDeque<CUdeviceptr> free = pool.get(bytes);
        if (free != null && !free.isEmpty()) {
            pooledBytes -= bytes;
            return free.pop();
        }
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (!String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) {
                throw e;
            }
            // Out of device memory: give the pooled buffers back and try once more.
            trimPool();
            try {
                cuMemAlloc(p, bytes);
            } catch (CudaException again) {
                throw new IllegalStateException("cuda: out of device memory allocating " + (bytes >> 20)
                        + " MiB on " + description + ", even after emptying the buffer pool", again);
            }
        }
        return p;
    }

    @Override
    public Object argument(Object mem) {
        return Pointer.to((CUdeviceptr) mem);
    }

    @Override
    public void recycle(Object mem, long bytes) {
        pool.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push((CUdeviceptr) mem);
        pooledBytes += bytes;
    }

    @Override
    public long pooledBytes() {
        return pooledBytes;
    }

    /** Frees every pooled buffer, after the stream has run everything that might still use one. */
    void trimPool() {
        cuStreamSynchronize(stream);
        for (ArrayDeque<CUdeviceptr> free : pool.values()) {
            for (CUdeviceptr p : free) {
                cuMemFree(p);
            }
            free.clear();
        }
        pooledBytes = 0;
    }

    // ------------------------------------------------------------------ copies

    /** The staging buffer, free for the host to fill and at least {@code bytes} long. */
    private FloatBuffer staging(long bytes) {
        if (stagingPending) {
            cuEventSynchronize(stagingFree);
            stagingPending = false;
        }
        if (stagingBytes < bytes) {
            if (staging != null) {
                cuMemFreeHost(staging);
            }
            long size = Math.max(bytes, Math.min(STAGING_MAX, Math.max(1L << 20, stagingBytes * 2)));
            staging = new Pointer();
            cuMemAllocHost(staging, size);
            stagingBytes = size;
            stagingFloats = staging.getByteBuffer(0, size).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        stagingFloats.clear();
        return stagingFloats;
    }

    @Override
    public void write(Object mem, long byteOffset, float[] src, int srcOff, int n) {
        CUdeviceptr base = (CUdeviceptr) mem;
        for (int done = 0; done < n; ) {
            int part = (int) Math.min(n - done, STAGING_MAX / Float.BYTES);
            staging((long) part * Float.BYTES).put(src, srcOff + done, part);
            cuMemcpyHtoDAsync(base.withByteOffset(byteOffset + (long) done * Float.BYTES), staging,
                    (long) part * Float.BYTES, stream);
            cuEventRecord(stagingFree, stream);
            stagingPending = true;
            done += part;
        }
    }

    @Override
    public void read(Object mem, long byteOffset, float[] dst, int dstOff, int n) {
        CUdeviceptr base = (CUdeviceptr) mem;
        for (int done = 0; done < n; ) {
            int part = (int) Math.min(n - done, STAGING_MAX / Float.BYTES);
            FloatBuffer floats = staging((long) part * Float.BYTES);
            cuMemcpyDtoHAsync(staging, base.withByteOffset(byteOffset + (long) done * Float.BYTES),
                    (long) part * Float.BYTES, stream);
            cuStreamSynchronize(stream);
            floats.get(dst, dstOff + done, part);
            done += part;
        }
    }

    @Override
    public void finish() {
        cuStreamSynchronize(stream);
        stagingPending = false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cuCtxSetCurrent(context);
        try {
            cuStreamSynchronize(stream);
        } finally {
            trimPool();
            for (CUmodule m : modules.values()) {
                cuModuleUnload(m);
            }
            modules.clear();
            functions.clear();
            if (staging != null) {
                cuMemFreeHost(staging);
                staging = null;
            }
            cuEventDestroy(stagingFree);
            cuStreamDestroy(stream);
            cuDevicePrimaryCtxRelease(found.device());
        }
    }
}
