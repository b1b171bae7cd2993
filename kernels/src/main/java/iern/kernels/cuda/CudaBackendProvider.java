package iern.kernels.cuda;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds CUDA devices through JCuda's driver binding (which needs {@code libcuda.so.1}, the
 * NVIDIA driver's library) and checks that NVRTC loads ({@link Nvrtc}). Specs: {@code cuda}
 * (device 0) or {@code cuda:<device>}. The native libraries are touched only when asked, and
 * any failure becomes {@link #unavailableReason()}, one sentence first, never a crash.
 */
public final class CudaBackendProvider implements BackendProvider {

    static final String DRIVER_HINT = "The CUDA backend needs an NVIDIA GPU with its driver (libcuda.so.1, "
            + "`nvidia-smi` lists the GPUs) and NVRTC (libnvrtc.so.13 or .12, from the CUDA toolkit).";

    private volatile String unavailable;
    private volatile boolean probed;

    @Override
    public String kind() {
        return "cuda";
    }

    @Override
    public boolean available() {
        probe();
        return unavailable == null;
    }

    /** A CUDA device is always a GPU. */
    @Override
    public boolean gpu() {
        return available();
    }

    @Override
    public String unavailableReason() {
        probe();
        return unavailable == null ? "" : unavailable;
    }

    private synchronized void probe() {
        if (probed) {
            return;
        }
        unavailable = probeFailure();
        probed = true;
    }

    /** Null when a device and NVRTC are there, else why not, the first sentence saying what is missing. */
    static String probeFailure() {
        int count;
        try {
            count = CudaDevices.count();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return "no CUDA backend here: the NVIDIA driver library libcuda.so.1 could not be loaded. " + DRIVER_HINT
                    + " (JCuda said: " + firstLine(e.getMessage()) + ")";
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("CUDA_ERROR_NO_DEVICE")) {
                return "no CUDA backend here: no CUDA device (the driver is installed, but cuInit reports "
                        + "CUDA_ERROR_NO_DEVICE: no NVIDIA GPU is visible; check nvidia-smi and CUDA_VISIBLE_DEVICES).";
            }
            return "no CUDA backend here: the CUDA driver did not start (cuInit: " + m + "). " + DRIVER_HINT;
        }
        if (count == 0) {
            return "no CUDA backend here: the CUDA driver lists no devices. " + DRIVER_HINT;
        }
        String nvrtc = Nvrtc.unavailableReason();
        if (!nvrtc.isEmpty()) {
            return "no CUDA backend here: " + count + " CUDA device(s), but NVRTC is missing. " + nvrtc;
        }
        return null;
    }

    /** JCuda's load errors carry the nested stack traces of every attempt: the reason is one line. */
    static String firstLine(String message) {
        String m = String.valueOf(message).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    /** One line per device: its spec, then what it is. Empty when CUDA is not available. */
    @Override
    public List<String> devices() {
        List<String> lines = new ArrayList<>();
        if (!available()) {
            return lines;
        }
        int count = CudaDevices.count();
        for (int i = 0; i < count; i++) {
            CudaDevices.Found f = CudaDevices.resolve("cuda:" + i);
            lines.add(f.spec() + "  " + CudaDevices.describe(f) + "; NVRTC " + Nvrtc.get().version());
        }
        return lines;
    }

    @Override
    public Backend open(String spec) {
        if (spec == null || !(spec.equals("cuda") || spec.startsWith("cuda:"))) {
            throw new IllegalArgumentException("cuda: cannot open spec '" + spec
                    + "'; expected 'cuda' or 'cuda:<device>'");
        }
        if (!available()) {
            throw new IllegalStateException("cuda backend is not available: " + unavailableReason());
        }
        CudaDevices.Found device = CudaDevices.resolve(spec);
        return new CudaBackend(device.spec(), device);
    }
}
