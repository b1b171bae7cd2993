package iern.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What to do with a bad entry (missing image, unknown label, duplicate line...): fail on the first one, or skip
 * it and keep a record. Nothing is ever dropped silently: in SKIP mode every skipped entry is counted and the
 * caller reports the count; the first {@link #KEPT_MESSAGES} messages are kept (a hostile file of a million bad
 * lines must not keep a million messages in memory).
 */
public final class BadInput {
    public enum Policy { FAIL, SKIP }

    /** How many skipped entries' messages are kept; all are counted. */
    public static final int KEPT_MESSAGES = 1000;

    private final Policy policy;
    private final List<String> skipped = new ArrayList<>();
    private int count;

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
        count++;
        if (skipped.size() < KEPT_MESSAGES) skipped.add(problem.getMessage());
    }

    public synchronized int skippedCount() {
        return count;
    }

    /** The first {@link #KEPT_MESSAGES} skipped entries' messages, in order. */
    public synchronized List<String> skippedMessages() {
        return Collections.unmodifiableList(new ArrayList<>(skipped));
    }

    /** One line for a log: how many entries were skipped and the first reason. */
    public synchronized String summary() {
        if (count == 0) return "no bad entries";
        return "skipped " + count + " bad entr" + (count == 1 ? "y" : "ies")
                + "; first: " + skipped.get(0);
    }
}
