package iern.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iern} program: train, evaluate and run IERN, generate the synthetic benchmark, write folds. */
@Command(name = "iern", mixinStandardHelpOptions = true, version = "iern 0.1.0",
        description = {
            "Interventional Emotion Recognition Network (IERN, arXiv 2107.12096)",
            "on a hand-written Java deep-learning engine.",
            "",
            "  iern train    makes the synthetic benchmark if absent, trains the",
            "                baseline, IERN and the best de-confounding variant on",
            "                bias100 fold 1 (and the baseline on the bias0 ceiling)",
            "                and prints their accuracies and source leakage side by side.",
            ""},
        subcommands = {TrainCommand.class, SummarizeCommand.class, EvalCommand.class, PredictCommand.class, AlignCommand.class,
            SynthCommand.class,
            FoldsCommand.class, InfoCommand.class, SlurmCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /**
     * Exit codes besides 0: 1 a bug (with its trace), 2 a user or data error, 3 a loss became NaN or
     * infinite, 4 predict answered some files but not all ({@link PredictCommand#SOME_FAILED}).
     */
    static final int DIVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the program with the given streams; returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // A user error (bad option, bad file: UserError, InvalidInput, DataException, an I/O error) is
        // one clear line and exit code 2, not a stack trace; a bug, any other exception, shows its trace.
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof iern.model.TrainingDiverged) {
                err.println("iern " + commandLine.getCommandName() + ": training diverged: " + ex.getMessage());
                err.flush();
                return DIVERGED;
            }
            if (ex instanceof UserError || ex instanceof iern.engine.InvalidInput
                    || ex instanceof java.io.UncheckedIOException || ex instanceof iern.data.DataException) {
                err.println("iern " + commandLine.getCommandName() + ": error: " + ex.getMessage());
                err.flush();
                return 2;
            }
            err.println("iern " + commandLine.getCommandName() + ": internal error:");
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }
}
