package iern.model;

/** What is trained: IERN as the paper, or the plain backbone + classifier it is compared with. */
public enum Method implements Choice {
    /** Backbone + classifier trained by cross-entropy alone. */
    BASELINE,
    /** The paper's network: generators, strata, intervention, discriminators, reconstruction. */
    IERN;

    public static Method of(String id) {
        return Choice.parse(values(), id, "method");
    }
}
