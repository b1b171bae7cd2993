package iern.engine.cpu;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import java.util.List;

/** Registers the pure-Java backend as kind {@code cpu}; it is always available. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String kind() {
        return "cpu";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public String unavailableReason() {
        return "";
    }

    @Override
    public List<String> devices() {
        return List.of("cpu  " + CpuBackend.describeMachine());
    }

    @Override
    public Backend open(String spec) {
        if (!spec.equals("cpu")) {
            throw new IllegalArgumentException("cpu backend takes no device coordinates, got '" + spec + "'");
        }
        return new CpuBackend();
    }
}
