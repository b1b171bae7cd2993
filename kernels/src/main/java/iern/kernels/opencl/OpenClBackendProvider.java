package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds OpenCL devices through JOCL. Specs: {@code opencl} (the first GPU of any platform,
 * else the first device) or {@code opencl:<platform>:<device>} as {@link #devices()} lists
 * them. The native libraries are touched only when asked, and any failure to load them or
 * to find a platform becomes {@link #unavailableReason()}, never a crash.
 */
public final class OpenClBackendProvider implements BackendProvider {

    static final String INSTALL_HINT = "Looked for the OpenCL ICD loader as libOpenCL.so (JOCL 2.0.5 opens that "
            + "unversioned name, which Debian ships in ocl-icd-opencl-dev) and for platforms registered in "
            + "/etc/OpenCL/vendors. To run on the CPU install PoCL: `sudo apt-get install pocl-opencl-icd "
            + "ocl-icd-libopencl1 ocl-icd-opencl-dev` (Debian/Ubuntu); for a GPU install its vendor's OpenCL "
            + "driver. `clinfo` lists what the loader sees.";

    private volatile String unavailable;
    private volatile boolean probed;

    @Override
    public String kind() {
        return "opencl";
    }

    @Override
    public boolean available() {
        probe();
        return unavailable == null;
    }

    /** Whether some platform has a GPU: {@code auto} skips OpenCL CPU devices (PoCL). */
    @Override
    public boolean gpu() {
        if (!available()) {
            return false;
        }
        for (ClDevices.Found f : ClDevices.all()) {
            if (ClDevices.isGpu(f)) {
                return true;
            }
        }
        return false;
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

    /** Null when a device is there, else why not. */
    private static String probeFailure() {
        try {
            if (ClDevices.all().isEmpty()) {
                return "no OpenCL device: the platforms list none. " + INSTALL_HINT;
            }
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return "the OpenCL native libraries could not be loaded (" + e.getMessage() + "). " + INSTALL_HINT;
        } catch (RuntimeException e) {
            // JOCL's CLException: typically CL_PLATFORM_NOT_FOUND_KHR from the ICD loader.
            return "no OpenCL platform found (" + e.getMessage() + "). " + INSTALL_HINT;
        }
    }

    /** One line per device: its spec, then what it is. Empty when OpenCL is not available. */
    @Override
    public List<String> devices() {
        List<String> lines = new ArrayList<>();
        if (!available()) {
            return lines;
        }
        for (ClDevices.Found f : ClDevices.all()) {
            lines.add(f.spec() + "  " + ClDevices.describe(f));
        }
        return lines;
    }

    @Override
    public Backend open(String spec) {
        if (spec == null || !(spec.equals("opencl") || spec.startsWith("opencl:"))) {
            throw new IllegalArgumentException("opencl: cannot open spec '" + spec
                    + "'; expected 'opencl' or 'opencl:<platform>:<device>'");
        }
        if (!available()) {
            throw new IllegalStateException("opencl backend is not available: " + unavailableReason());
        }
        ClDevices.Found device = ClDevices.resolve(spec);
        return new OpenClBackend(device.spec(), device);
    }
}
