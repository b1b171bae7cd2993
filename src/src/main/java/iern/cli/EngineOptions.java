package iern.cli;

import iern.engine.Backend;
import iern.engine.Backends;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Where the work runs: backend and threads, shared by every command that computes. */
public final class EngineOptions {
    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "cpu (default), opencl, opencl:PLATFORM:DEVICE or auto; see `iern info`.")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU worker threads (default: all cores).")
    Integer threads;

    /** Applies the thread count before the CPU backend's pool starts, then opens the backend. */
    public Backend open(Consumer<String> log) {
        applyThreads(threads);
        try {
            return Backends.open(backend, log);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError("--backend " + iern.data.Printable.of(backend) + ": " + iern.data.Printable.of(e.getMessage()));
        }
    }

    static void applyThreads(Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1 || threads > 1024) {
            throw new UserError("--threads " + threads + ": expected a number from 1 to 1024");
        }
        System.setProperty("iern.threads", Integer.toString(threads));
    }
}
