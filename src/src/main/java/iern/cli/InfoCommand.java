package iern.cli;

import iern.engine.BackendProvider;
import iern.engine.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Lists backends, devices, threads and the SIMD width."})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        EngineOptions.applyThreads(engine.threads);
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf("java       %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("machine    %s, %d cores, %d MiB max heap%n", System.getProperty("os.arch"),
                rt.availableProcessors(), rt.maxMemory() >> 20);
        out.printf("threads    %d%s%n", iern.engine.cpu.CpuSettings.THREADS,
                System.getProperty("iern.threads") == null ? " (all cores)" : "");
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        out.printf("simd       %d float lanes (%d-bit vectors)%s%n", lanes, lanes * 32,
                iern.engine.cpu.CpuSettings.SIMD ? "" : ", disabled by -Diern.simd=false");
        out.println("backends:");
        for (BackendProvider p : Backends.providers()) {
            if (p.available()) {
                out.printf("  %-8s available%n", p.kind());
                for (String d : p.devices()) {
                    out.printf("           %s%n", d);
                }
            } else {
                out.printf("  %-8s not available: %s%n", p.kind(), p.unavailableReason());
            }
        }
        out.flush();
        return 0;
    }
}
