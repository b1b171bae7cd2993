package iern.engine.io;

import iern.engine.nn.Module;
import iern.engine.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and restores named modules and optimisers in one safetensors file, for resuming a
 * run: module {@code m}'s entry {@code w} is stored as {@code module.m.w}, optimiser
 * {@code o}'s state entry {@code s} as {@code optim.o.s}; free-form metadata (epoch, options)
 * rides along in the header. Writing is atomic (see {@link SafeTensors#write}).
 */
public final class Checkpoint {

    private Checkpoint() {}

    private static final String MODULE = "module.";
    private static final String OPTIM = "optim.";

    /** Writes the state of one module alone, under its own names (no prefix). */
    public static void saveModule(Path file, Module module, Map<String, String> metadata) throws IOException {
        SafeTensors.write(file, module.stateToHost(), metadata);
    }

    /**
     * Loads a file written by {@link #saveModule} (or any safetensors file with matching names)
     * into {@code module}. Shape mismatches always fail; with {@code strict} missing and
     * unexpected names fail too. The error names the file and every offending entry; nothing is
     * changed by a failed load. Returns the file's metadata.
     */
    public static Map<String, String> loadModule(Path file, Module module, boolean strict) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        try {
            module.loadStateDict(c.tensors(), strict);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return c.metadata();
    }

    /** Writes every module's state and every optimiser's state (see the class comment for names). */
    public static void save(Path file, Map<String, Module> modules, Map<String, Optimizer> optimizers,
                            Map<String, String> metadata) throws IOException {
        Map<String, FloatArray> all = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : modules.entrySet()) {
            checkName(m.getKey());
            for (Map.Entry<String, FloatArray> e : m.getValue().stateToHost().entrySet()) {
                all.put(MODULE + m.getKey() + "." + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Optimizer> o : optimizers.entrySet()) {
            checkName(o.getKey());
            for (Map.Entry<String, FloatArray> e : o.getValue().stateToHost().entrySet()) {
                all.put(OPTIM + o.getKey() + "." + e.getKey(), e.getValue());
            }
        }
        SafeTensors.write(file, all, metadata);
    }

    /**
     * Restores what {@link #save} wrote into the given modules and optimisers (strict: every
     * module and optimiser entry must be present and nothing else may be). All modules are
     * checked before any is changed. Returns the metadata.
     */
    public static Map<String, String> load(Path file, Map<String, Module> modules, Map<String, Optimizer> optimizers)
            throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, Map<String, FloatArray>> moduleParts = new LinkedHashMap<>();
        Map<String, Map<String, FloatArray>> optimParts = new LinkedHashMap<>();
        for (String name : modules.keySet()) {
            moduleParts.put(name, new LinkedHashMap<>());
        }
        for (String name : optimizers.keySet()) {
            optimParts.put(name, new LinkedHashMap<>());
        }
        List<String> stray = new ArrayList<>();
        for (Map.Entry<String, FloatArray> e : c.tensors().entrySet()) {
            if (!route(e, MODULE, moduleParts) && !route(e, OPTIM, optimParts)) {
                stray.add(e.getKey());
            }
        }
        if (!stray.isEmpty()) {
            throw new IllegalArgumentException(file + ": entries for no given module or optimizer: " + stray);
        }
        try {
            // Dry run first: a failure in the third module must not leave the first two changed.
            for (Map.Entry<String, Module> m : modules.entrySet()) {
                checkOnly(m.getValue(), moduleParts.get(m.getKey()), m.getKey());
            }
            for (Map.Entry<String, Optimizer> o : optimizers.entrySet()) {
                try {
                    o.getValue().checkState(optimParts.get(o.getKey()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("optimizer '" + o.getKey() + "': " + e.getMessage(), e);
                }
            }
            for (Map.Entry<String, Module> m : modules.entrySet()) {
                m.getValue().loadStateDict(moduleParts.get(m.getKey()), true);
            }
            for (Map.Entry<String, Optimizer> o : optimizers.entrySet()) {
                o.getValue().loadState(optimParts.get(o.getKey()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return c.metadata();
    }

    private static boolean route(Map.Entry<String, FloatArray> e, String kind, Map<String, Map<String, FloatArray>> parts) {
        if (!e.getKey().startsWith(kind)) {
            return false;
        }
        String rest = e.getKey().substring(kind.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
            return false;
        }
        Map<String, FloatArray> part = parts.get(rest.substring(0, dot));
        if (part == null) {
            return false;
        }
        part.put(rest.substring(dot + 1), e.getValue());
        return true;
    }

    /** The same checks {@link Module#loadStateDict} makes in strict mode, without copying. */
    private static void checkOnly(Module m, Map<String, FloatArray> state, String name) {
        var own = m.stateDict();
        List<String> problems = new ArrayList<>();
        for (var e : own.entrySet()) {
            FloatArray a = state.get(e.getKey());
            if (a == null) {
                problems.add("missing " + e.getKey());
            } else if (!java.util.Arrays.equals(a.shape(), e.getValue().shape())) {
                problems.add(e.getKey() + " has shape " + java.util.Arrays.toString(a.shape()) + ", module has "
                        + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                problems.add("unexpected " + k);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("module '" + name + "': " + problems);
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("checkpoint part name '" + name + "' must be non-empty without dots");
        }
    }
}
