package iern.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What to do with a bad entry (missing image, unknown label, duplicate line...): fail on the first one, or skip
 * it and keep a record. Nothing is ever dropped silently: in SKIP mode every skipped entry's message is kept
 * and the caller reports the count.
 */
public final class BadInput {
    public enum Policy { FAIL, SKIP }

    private final Policy policy;
    private final List<String> skipped = new ArrayList<>();

    public BadInput(Policy policy) {
        this.policy = policy;
    }

    public static BadInput fail() {
        return new BadInput(Policy.FAIL);
    }

    public static BadInput skip() {
        return new BadInput(Policy.SKIP);
    }

    public Policy policy() {
        return policy;
    }

    /** Throws in FAIL mode; records the message in SKIP mode. */
    public synchronized void report(DataException problem) {
        if (policy == Policy.FAIL) throw problem;
        skipped.add(problem.getMessage());
    }

    public synchronized int skippedCount() {
        return skipped.size();
    }

    public synchronized List<String> skippedMessages() {
        return Collections.unmodifiableList(new ArrayList<>(skipped));
    }

    /** One line for a log: how many entries were skipped and the first reason. */
    public synchronized String summary() {
        if (skipped.isEmpty()) return "no bad entries";
        return "skipped " + skipped.size() + " bad entr" + (skipped.size() == 1 ? "y" : "ies")
                + "; first: " + skipped.get(0);
    }
}
