package iern.cli;

import iern.data.folds.FoldBuilder;
import iern.engine.Backend;
import iern.engine.Engine;
import iern.engine.InvalidInput;
import iern.model.Accuracy;
import iern.model.Adversary;
import iern.model.Choice;
import iern.model.InterventionMode;
import iern.model.Method;
import iern.model.ModelConfig;
import iern.model.RunData;
import iern.model.StopSignal;
import iern.model.TrainConfig;
import iern.model.Trainer;
import iern.model.grid.Grid;
import iern.model.grid.Run;
import iern.model.grid.RunResult;
import iern.model.grid.Summary;
import iern.model.grid.Variant;
import iern.model.PretrainedBackbone;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Trains the baseline and IERN and compares them out of distribution.",
            "",
            "With no options: makes the synthetic benchmark in data/synth if absent,",
            "trains the baseline, IERN as in the paper and the best de-confounding",
            "variant of the README's experiment (the baseline with the source-prior",
            "logit adjustment, baseline+la) on bias100 fold 1, and the baseline on",
            "the bias0 ceiling, with a small CPU configuration, and prints their",
            "accuracies and source leakage side by side.",
            "",
            "Lists run every combination, e.g. --bias 100,90 --fold 1,2,3",
            "--seeds 1,2,3 --method baseline,iern --intervention uniform,prior,attention;",
            "accuracies are pooled over folds (as the authors do) and shown as",
            "mean +- spread over seeds. Each run writes its checkpoint, metrics.jsonl",
            "and PNG charts under --out.",
            ""})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--train-split", paramLabel = "FILE",
            description = "Training split file (instead of --bias/--fold); needs --test-split.")
    Path trainSplit;

    @Option(names = "--test-split", paramLabel = "FILE", description = "Test split file; needs --train-split.")
    Path testSplit;

    @Option(names = "--bias", split = ",", defaultValue = "100", paramLabel = "100|90|0",
            description = "Split setting(s): 100 (out of distribution), 90 (10%% of the held-out cells in training) or 0"
                + " (the ceiling: no bias, a third of the people held out; its accuracy is on unseen people). Default: ${DEFAULT-VALUE}.")
    List<String> biases;

    @Option(names = "--fold", split = ",", defaultValue = "1", paramLabel = "1|2|3",
            description = "Fold(s) of the paper's cross-dataset protocol. Default: ${DEFAULT-VALUE}.")
    List<Integer> folds;

    @Option(names = "--method", split = ",", defaultValue = "baseline,iern", paramLabel = "baseline|iern",
            description = "Method(s) to train. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--intervention", split = ",", defaultValue = "uniform", paramLabel = "MODE",
            description = "IERN's backdoor adjustment(s): uniform (the paper), prior, attention. Default: ${DEFAULT-VALUE}.")
    List<String> interventions;

    @Option(names = "--adversary", split = ",", defaultValue = "none", paramLabel = "none|conditional|linear",
            description = "Source adversary on the emotion features (IERN's e, the baseline's backbone features),"
                + " one head per emotion, which the features learn to fool: none (the paper), conditional (a"
                + " discriminator over the feature map, variant +cadv) or linear (linear heads on the pooled features,"
                + " variant +ladv); a list trains each. Default: ${DEFAULT-VALUE}.")
    List<String> adversaries;

    @Option(names = "--adv-weight", defaultValue = "10", paramLabel = "W",
            description = "Weight of the features' loss against the adversary. Default: ${DEFAULT-VALUE} (chosen on bias100"
                + " fold 1, seed 1 among 1, 3 and 10).")
    double advWeight;

    @Option(names = "--logit-adjust", split = ",", defaultValue = "none", paramLabel = "none|source",
            description = "source: train the classification on logits plus log P(emotion | source) of the training split"
                + " and predict on the plain logits, so the network need not learn which emotions a source shows"
                + " (variant +la); a list trains each. Default: ${DEFAULT-VALUE}.")
    List<String> logitAdjust;

    @Option(names = "--seeds", split = ",", defaultValue = "1", paramLabel = "N",
            description = "Seed(s) for weights, shuffling and augmentation. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N",
            description = "Total epochs, split as the paper's schedule is (warm-up, constant, linear decay). Default: ${DEFAULT-VALUE}; the paper: 160.")
    int epochs;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up epochs (overrides the split of --epochs; the paper: 5).")
    Integer warmup;

    @Option(names = "--constant", paramLabel = "N", description = "Constant-rate epochs (the paper: 15).")
    Integer constant;

    @Option(names = "--decay", paramLabel = "N", description = "Linear-decay epochs (the paper: 140).")
    Integer decay;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "RATE",
            description = "Adam rate of the heads. Default: ${DEFAULT-VALUE} (the paper: 2e-4 with an ImageNet backbone).")
    double lr;

    @Option(names = "--base-lr", defaultValue = "5e-4", paramLabel = "RATE",
            description = "Adam rate of the backbone. Default: ${DEFAULT-VALUE} (the paper: 1e-4).")
    double baseLr;

    @Option(names = "--beta1", defaultValue = "0.5", paramLabel = "B", description = "Adam beta1. Default: ${DEFAULT-VALUE}.")
    double beta1;

    @Option(names = "--lambda-center", paramLabel = "W",
            description = "Weight of the centre loss. Default: the paper's 5e-4 scaled to the feature size"
                + " (5e-4 x 25088 / (C x f x f): the centre loss sums over the feature, the other terms average).")
    Double lambdaCenter;

    @Option(names = "--backbone", defaultValue = "resnet18", paramLabel = "NAME",
            description = "resnet18, resnet34 or resnet50. Default: ${DEFAULT-VALUE} (the paper: resnet50).")
    String backbone;

    @Option(names = "--width", defaultValue = "0.25", paramLabel = "X",
            description = "ResNet width multiplier. Default: ${DEFAULT-VALUE} (the paper: 1).")
    double width;

    @Option(names = "--feat", defaultValue = "64", paramLabel = "C",
            description = "Feature channels after the 1x1 conv. Default: ${DEFAULT-VALUE} (the paper: 512).")
    int feat;

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "Start the backbone from a torchvision ResNet-18/34/50 state dict (e.g. its ImageNet weights):"
                + " a .pth written by torch.save or a .safetensors file, read without running anything in it. Needs the"
                + " file's --backbone and width 1 (--width defaults to 1 with this option); torchvision's classifier"
                + " (fc.*) is left out, the 1x1 projection and the heads keep their initialisation. A run continued"
                + " from its checkpoint does not read the file. How to get the weights: model/README.md.")
    Path pretrained;

    @Option(names = "--image-size", defaultValue = "56", paramLabel = "PX",
            description = "Input crop side in pixels (at least 33). Default: ${DEFAULT-VALUE} (the paper: 224).")
    int imageSize;

    @Option(names = "--augment", defaultValue = "none", paramLabel = "none|light|common|style",
            description = "Training augmentation: none, light (flip, crop, blur, colour jitter) or common (the"
                + " authors': those plus a random affine) or style (flip, crop and a randomised capture style: greyscale or colour"
                + " cast, brightness, contrast, blur, noise). Default: ${DEFAULT-VALUE} (short CPU budgets learn faster without).")
    String augment;

    @Option(names = "--id-holdout", defaultValue = "0", paramLabel = "F",
            description = "Move this fraction of each training cell's sequences into an in-distribution test set. Default: ${DEFAULT-VALUE}.")
    double idHoldout;

    @Option(names = "--eval-every", defaultValue = "5", paramLabel = "N",
            description = "Evaluate on the test split and measure the leakage diagnostics every N epochs (and after"
                + " the last). Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Data loader threads. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR",
            description = "Where runs are written. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--resume", description = "Continue the runs found under --out (finished runs are only re-evaluated).")
    boolean resume;

    @Option(names = "--force", description = "Delete runs already under --out and train them from the start"
            + " (without --resume or --force an existing run is an error).")
    boolean force;

    @Option(names = "--shard", paramLabel = "I/N|N",
            description = "Train only this worker's share of the grid: the runs whose index in the grid's order"
                + " (settings, folds, variants, seeds, as listed) is I modulo N. With N alone, I is the"
                + " scheduler's task index (SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX). Finished runs are"
                + " skipped, partial ones resumed; `iern summarize` pools the workers' runs.")
    String shard;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        PrintWriter outw = spec.commandLine().getOut();
        var parsed = spec.commandLine().getParseResult();
        if (pretrained != null && parsed != null && !parsed.hasMatchedOption("--width")) {
            width = 1;   // torchvision's weights are for width 1
        }
        TrainConfig train = trainConfig(seeds.getFirst());
        Grid grid = grid();
        int[] worker = shard == null ? null : Shard.parse(shard, System.getenv());
        if (resume && force) {
            throw new UserError("--resume continues runs and --force deletes them: give one");
        }
        if (worker != null && force) {
            throw new UserError("--shard finishes what is missing and never deletes a run: --force cannot go with it");
        }
        List<Run> runs = worker == null ? grid.runs() : grid.shard(worker[0], worker[1]);
        resume |= worker != null;   // a worker finishes what is missing: partial runs continue
        if (pretrained != null && !resume) {
            PretrainedBackbone.check(modelConfig(), pretrained);   // a file that does not fit fails before any run starts
        }
        dataOptions.ensure(outw);
        ModelConfig base = modelConfig();
        Backend backend = engine.open(outw::println);
        for (Run run : runs) {
            splitFiles(run);
        }
        dataOptions.requireLabels();
        List<Run> todo = new ArrayList<>();
        List<RunResult> done = new ArrayList<>();
        for (Run run : runs) {
            if (worker != null && RunResult.complete(out.resolve(run.dir()))) {
                done.add(RunResult.read(out.resolve(run.dir()).resolve(RunResult.FILE)));
            } else {
                todo.add(run);
            }
        }
        if (worker != null) {
            outw.printf("iern train: shard %d of %d: %d of the grid's %d runs, %d already finished%n", worker[0],
                    worker[1], runs.size(), grid.size(), done.size());
        }
        // Every run's directory is claimed before the first epoch: unwritable, in use or already there is found now.
        List<RunDirectory> claimed = new ArrayList<>();
        try {
            for (Run run : todo) {
                claimed.add(RunDirectory.claim(out.resolve(run.dir()), resume, force));
            }
            grid.record(out);
            return trainAll(todo, base, train, backend, outw, worker == null ? null : done);
        } finally {
            claimed.forEach(RunDirectory::close);
        }
    }

    /** The run directories of the grid the options name, in grid order (for {@code iern slurm}). */
    List<String> plannedRunDirs() {
        return grid().dirs();
    }

    /** The run's training and test split files; a missing one is an error naming it. */
    private Path[] splitFiles(Run key) {
        if (trainSplit != null) {
            return new Path[] {dataOptions.split(trainSplit, null, "--train-split"),
                dataOptions.split(testSplit, null, "--test-split")};
        }
        FoldBuilder.Bias bias = FoldBuilder.bias(key.bias());
        return new Path[] {dataOptions.split(null, FoldBuilder.splitName("train", bias, key.fold()), null),
            dataOptions.split(null, FoldBuilder.splitName("test", bias, key.fold()), null)};
    }

    /**
     * Trains the runs in order, then prints the table. A shard worker ({@code finished} not null:
     * the runs of its share that were already done) prints its runs' results and leaves
     * {@code summary.json} to {@code iern summarize}, which sees every worker's runs.
     */
    private int trainAll(List<Run> runs, ModelConfig base, TrainConfig train, Backend backend, PrintWriter outw,
                         List<RunResult> finished) {
        Engine.use(backend);
        StopSignal stop = new StopSignal();
        Thread hook = new Thread(() -> {
            stop.request();
            stop.awaitIdle(120);
        }, "iern-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        outw.printf("iern train: %d run(s) on %s; %s x%s, %d features, %d px (%dx%d features), %d epochs, batch %d%n",
                runs.size(), backend.describe(), base.backbone(), fmt(base.width()), base.featChannels(),
                base.imageSize(), base.featSize(), base.featSize(), train.epochs(), train.batchSize());
        outw.flush();
        try {
            Map<Run, Trainer.Result> results = new LinkedHashMap<>();
            List<RunResult> rows = new ArrayList<>(finished == null ? List.of() : finished);
            long t0 = System.nanoTime();
            for (Run key : runs) {
                Trainer.Result r = runOne(key, base, train.withSeed(key.seed()).withPriorAdjust(key.variant().logitAdjust()),
                        stop, outw);
                if (r.interrupted()) {
                    outw.println(finished == null ? "interrupted; run again with --resume to continue"
                            : "interrupted; run the same command again to continue");
                    outw.flush();
                    return 130;
                }
                results.put(key, r);
                rows.add(RunResult.read(out.resolve(key.dir()).resolve(RunResult.FILE)));
            }
            outw.println();
            if (finished == null) {
                outw.print(summary(Summary.of(rows), results));
            } else {
                for (RunResult r : rows) {
                    outw.printf("  %s-fold%d/%s-seed%d: %s (%d of %d), source leak %s%n", r.setting(), r.fold(), r.variant(),
                            r.seed(), Report.pct(r.accuracy()), r.correct(), r.total(), Report.pct(r.leak()));
                }
                outw.printf("this shard's runs are finished; `iern summarize --out %s` pools every worker's%n", out);
            }
            outw.printf("all runs took %s%n", ProgressBar.duration((System.nanoTime() - t0) / 1e9));
            outw.flush();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is running
            }
        }
        return 0;
    }

    private Trainer.Result runOne(Run key, ModelConfig base, TrainConfig train, StopSignal stop, PrintWriter outw) {
        Path dir = out.resolve(key.dir());
        ModelConfig model = key.variant().apply(base);
        Path[] splits = splitFiles(key);
        Path trainFile = splits[0];
        Path testFile = splits[1];
        outw.printf("%n== %s  (%s)%n", key.dir(), dir);
        outw.flush();
        RunData.Spec dataSpec = new RunData.Spec(dataOptions.data, dataOptions.labelsFile(), trainFile, testFile,
                key.isCeiling() ? 0 : key.fold(), model.imageSize(), train.batchSize(), train.seed(), train.augment(), workers,
                dataOptions.skipBad, idHoldout);
        try (RunData data = RunData.open(dataSpec)) {
            if (data.bad.skippedCount() > 0) {
                outw.println("  " + data.bad.summary());
            }
            outw.printf("  %s: %d training, %d test images%s%n", key.setting(), data.trainSamples.size(), data.testSamples.size(),
                    data.idSamples.isEmpty() ? "" : ", " + data.idSamples.size() + " in-distribution hold-out");
            TrainingDisplay display = new TrainingDisplay(outw, dir, model.isBaseline());
            Trainer.Result r;
            try (display) {
                r = Trainer.run(model, train, data, dir, resume, evalEvery, display, stop, pretrained);
            }
            if (r.accuracy() != null) {
                display.finish(r.accuracy(), model.emotions());
                RunResult.write(dir, key, r);
                outw.printf("  test: out of distribution %s, overall %s; source leak %s (chance %s)%n",
                        Report.pct(r.accuracy().outOfDistribution()), Report.pct(r.accuracy().overall()),
                        Report.pct(number(r.diagnostics(), "source_leak")),
                        Report.pct(number(r.diagnostics(), "source_leak_chance")));
            }
            outw.flush();
            return r;
        }
    }

    static double number(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * The experiment table ({@link ResultTable}: pooled over folds, mean ± sd over seeds, leakage
     * beside accuracy), then the in-distribution table when there is a hold-out and each setting's
     * per-emotion table.
     */
    String summary(Summary experiment, Map<Run, Trainer.Result> results) {
        Map<String, Map<String, Map<Long, Accuracy>>> pooled = new LinkedHashMap<>();
        for (Map.Entry<Run, Trainer.Result> e : results.entrySet()) {
            Run k = e.getKey();
            Accuracy acc = e.getValue().accuracy();
            pooled.computeIfAbsent(k.setting(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(k.variant().name(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(k.seed(), x -> new Accuracy(acc.emotions(), acc.sources(), null)).add(acc);
        }
        StringBuilder b = new StringBuilder(ResultTable.render(experiment, out));
        if (idHoldout > 0) {
            Map<String, Map<String, List<Accuracy>>> table = new LinkedHashMap<>();
            for (var s : pooled.entrySet()) {
                Map<String, List<Accuracy>> row = new LinkedHashMap<>();
                for (var v : s.getValue().entrySet()) {
                    row.put(v.getKey(), new ArrayList<>(v.getValue().values()));
                }
                table.put(s.getKey(), row);
            }
            b.append("\nIn-distribution accuracy (held-out sequences of training cells):\n");
            b.append(Report.comparison("setting", table, Accuracy::inDistribution));
        }
        for (var s : pooled.entrySet()) {
            Map<String, Accuracy> all = new LinkedHashMap<>();
            for (var v : s.getValue().entrySet()) {
                Accuracy sum = null;
                for (Accuracy a : v.getValue().values()) {
                    if (sum == null) {
                        sum = new Accuracy(a.emotions(), a.sources(), null);
                    }
                    sum.add(a);
                }
                all.put(v.getKey(), sum);
            }
            b.append(String.format(Locale.ROOT, "%nPer emotion, %s (all test images, pooled over folds and seeds):%n", s.getKey()));
            b.append(Report.perEmotion(all));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ option checks

    /**
     * What {@code iern train} compares when no method, intervention or adversary is named: the
     * baseline, IERN as in the paper and the best de-confounding variant of the experiment in the
     * README, chosen on bias100 fold 1, seed 1 of the format-3 benchmark: baseline+la 66.9%,
     * iern+la 61.9% out of distribution.
     */
    static final List<Variant> MAIN_JOB_VARIANTS = List.of(Variant.of(Method.BASELINE), Variant.of(Method.IERN),
            new Variant(Method.BASELINE, InterventionMode.UNIFORM, Adversary.NONE, true));

    private boolean mainJob() {
        var parsed = spec.commandLine().getParseResult();
        return parsed != null && !parsed.hasMatchedOption("--method") && !parsed.hasMatchedOption("--intervention")
                && !parsed.hasMatchedOption("--adversary") && !parsed.hasMatchedOption("--logit-adjust");
    }

    /** The variants the lists name: every method x intervention (IERN only) x adversary x adjustment. */
    private List<Variant> variants() {
        List<Boolean> adjust = new ArrayList<>();
        for (String la : logitAdjust) {
            if (!la.equals("none") && !la.equals("source")) {
                throw new UserError("--logit-adjust " + la + ": expected none or source");
            }
            adjust.add(la.equals("source"));
        }
        return Variant.product(choices("--method", methods, Method.values()),
                choices("--intervention", interventions, InterventionMode.values()),
                choices("--adversary", adversaries, Adversary.values()), adjust);
    }

    /** Option values as enum constants; an unknown one is a user error listing the accepted names. */
    private static <E extends Choice> List<E> choices(String option, List<String> values, E[] all) {
        List<E> out = new ArrayList<>();
        for (String v : values) {
            E found = null;
            for (E e : all) {
                if (e.id().equals(v)) {
                    found = e;
                }
            }
            if (found == null) {
                List<String> ids = Choice.ids(all);
                throw new UserError(option + " " + v + ": expected " + (ids.size() == 2 ? ids.get(0) + " or " + ids.get(1)
                        : "one of " + ids));
            }
            out.add(found);
        }
        return out;
    }

    /** The grid the options name: the main job's three variants, or every combination of the lists. */
    private Grid grid() {
        if (!mainJob()) {
            return new Grid(runs(variants()));
        }
        List<Run> runs = new ArrayList<>(runs(MAIN_JOB_VARIANTS));
        var parsed = spec.commandLine().getParseResult();
        if (trainSplit == null && parsed != null && !parsed.hasMatchedOption("--bias")) {
            // the main job also shows the ceiling its table is judged against: the baseline on unseen people
            runs.addAll(Grid.of(List.of("0"), folds, List.of(Variant.of(Method.BASELINE)), seeds).runs());
        }
        return new Grid(runs);
    }

    private List<Run> runs(List<Variant> variants) {
        if ((trainSplit == null) != (testSplit == null)) {
            throw new UserError("--train-split and --test-split go together: give both or neither");
        }
        distinct("--bias", biases);
        distinct("--fold", folds);
        distinct("--seeds", seeds);
        distinct("--method", methods);
        distinct("--intervention", interventions);
        distinct("--adversary", adversaries);
        distinct("--logit-adjust", logitAdjust);
        if (trainSplit != null) {
            return Grid.of(List.of(""), List.of(0), variants, seeds).runs();
        }
        for (String b : biases) {
            if (!b.equals("100") && !b.equals("90") && !b.equals("0")) {
                throw new UserError("--bias " + b + ": expected 100, 90 or 0");
            }
        }
        for (int f : folds) {
            if (f < 1 || f > FoldBuilder.FOLDS) {
                throw new UserError("--fold " + f + ": expected 1, 2 or 3");
            }
        }
        return Grid.of(biases, folds, variants, seeds).runs();
    }

    /** A value named twice would train one run twice into one directory. */
    private static void distinct(String option, List<?> values) {
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (Object v : values) {
            if (!seen.add(v)) {
                throw new UserError(option + " names " + v + " twice");
            }
        }
    }

    TrainConfig trainConfig(long seed) {
        if (epochs < 1 || epochs > 100000) {
            throw new UserError("--epochs " + epochs + ": expected a number from 1 to 100000");
        }
        // the paper's proportions: 5 warm-up, 15 constant, 140 decay epochs of 160
        int w = warmup != null ? warmup : Math.round(epochs * 5f / 160f);
        int c = constant != null ? constant : Math.max(1, Math.round(epochs * 15f / 160f));
        int d = decay != null ? decay : Math.max(0, epochs - w - c);
        if (!(idHoldout >= 0 && idHoldout < 1)) {
            throw new UserError("--id-holdout " + idHoldout + ": expected a fraction in [0, 1)");
        }
        if (workers < 0 || workers > 64) {
            throw new UserError("--workers " + workers + ": expected a number from 0 to 64");
        }
        if (evalEvery < 0) {
            throw new UserError("--eval-every " + evalEvery + ": expected 0 (only after the last epoch) or more");
        }
        ModelConfig m = modelConfig();
        double lambda = lambdaCenter != null ? lambdaCenter
                : TrainConfig.centerWeightFor(m.featChannels() * m.featSize() * m.featSize());
        try {
            return new TrainConfig(w, c, d, batch, lr, baseLr, beta1, 0.999, lambda, seed, augment, advWeight);
        } catch (InvalidInput e) {
            throw new UserError(asOptions(e.getMessage(), TRAIN_OPTIONS));
        }
    }

    /** TrainConfig's fields as the options that set them, so its checks read as option errors. */
    private static final Map<String, String> TRAIN_OPTIONS = Map.of("warmup_epochs", "--warmup",
            "constant_epochs", "--constant", "decay_epochs", "--decay", "batch_size", "--batch", "lr", "--lr",
            "base_lr", "--base-lr", "beta1", "--beta1", "augment", "--augment", "lambda_center", "--lambda-center",
            "adv_weight", "--adv-weight");

    /**
     * A config's refusal ({@code field value / field value: reason}) with each field named by its
     * option; only the words in field position are renamed, never a value.
     */
    static String asOptions(String message, Map<String, String> options) {
        int colon = message.indexOf(": ");
        if (colon < 0) {
            return message;
        }
        String[] words = message.substring(0, colon).split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            if (i == 0 || words[i - 1].equals("/")) {
                words[i] = options.getOrDefault(words[i], words[i]);
            }
        }
        return String.join(" ", words) + message.substring(colon);
    }

    /** ModelConfig's fields as the options that set them, so its checks read as option errors. */
    private static final Map<String, String> MODEL_OPTIONS = Map.of("backbone", "--backbone", "width", "--width",
            "feat_channels", "--feat", "image_size", "--image-size");

    /** The shared sizes of every variant; ModelConfig checks them, its refusals name the option. */
    ModelConfig modelConfig() {
        try {
            return new ModelConfig(Method.IERN, backbone, width, feat, imageSize, ModelConfig.MIX_EMOTIONS,
                    ModelConfig.MIX_SOURCES, 2, 3, 3, InterventionMode.UNIFORM, null, 64);
        } catch (InvalidInput e) {
            String m = e.getMessage();
            if (MODEL_OPTIONS.keySet().stream().anyMatch(f -> m.startsWith(f + " "))) {
                throw new UserError(asOptions(m, MODEL_OPTIONS));
            }
            throw e;
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
