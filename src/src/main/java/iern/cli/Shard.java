package iern.cli;

import java.util.Map;

/** Parses {@code --shard}: {@code I/N}, or {@code N} with I from the scheduler's task index. */
final class Shard {
    private Shard() {}

    /** Environment variables holding a worker's 0-based index, in the order they are looked for. */
    static final String[] INDEX_VARIABLES = {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"};

    /** {index, count} */
    static int[] parse(String spec, Map<String, String> env) {
        String s = spec.trim();
        int slash = s.indexOf('/');
        int count = number("--shard " + spec, slash < 0 ? s : s.substring(slash + 1), "the number of workers N");
        int index;
        if (slash >= 0) {
            index = number("--shard " + spec, s.substring(0, slash), "the worker's index I");
        } else {
            String var = null;
            for (String v : INDEX_VARIABLES) {
                if (env.get(v) != null && !env.get(v).isBlank()) {
                    var = v;
                    break;
                }
            }
            if (var == null) {
                throw new UserError("--shard " + spec + ": without I/N the worker's index comes from "
                        + String.join(" or ", INDEX_VARIABLES) + ", and neither is set");
            }
            index = number(var + "=" + env.get(var), env.get(var).trim(), "a task index");
        }
        if (count < 1 || index >= count) {
            throw new UserError("--shard " + spec + ": index " + index + " of " + count
                    + " workers; expected 0 <= I < N");
        }
        return new int[] {index, count};
    }

    private static int number(String where, String text, String what) {
        try {
            int v = Integer.parseInt(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError(where + ": expected " + what + " as a whole number of at least 0, got '" + text + "'");
    }
}
