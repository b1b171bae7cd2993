package iern.cli;

import iern.engine.io.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --json}: output for scripts. Stdout then carries one JSON document and nothing else;
 * notices (backend, skipped images, files written) and progress go to stderr.
 */
public final class JsonOutput {
    @Option(names = "--json",
            description = "Machine-readable output: one JSON document on stdout; notices and errors go to stderr.")
    boolean on;

    /** Where the command's result goes: stdout. */
    static PrintWriter out(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    /** Where notices go: stdout in text mode, stderr with {@code --json}. */
    PrintWriter notices(CommandSpec spec) {
        return on ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** Writes {@code value} as one indented JSON document and a newline. */
    static void document(PrintWriter out, Object value) {
        out.println(Json.pretty(value));
        out.flush();
    }

    /**
     * A JSON array written one element per line as the elements come ({@code [}, elements
     * separated by commas, {@code ]}), so a long run shows its results as they are made and a
     * line-oriented reader can take one element per line.
     */
    static final class ArrayStream {
        private final PrintWriter out;
        private int count;

        ArrayStream(PrintWriter out) {
            this.out = out;
            out.print("[");
        }

        void add(Object element) {
            out.print(count++ == 0 ? "\n" : ",\n");
            out.print(Json.write(element));
            out.flush();
        }

        void close() {
            out.println(count == 0 ? "]" : "\n]");
            out.flush();
        }
    }
}
