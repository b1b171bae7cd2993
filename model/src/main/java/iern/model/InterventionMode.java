package iern.model;

/** IERN's backdoor adjustment over the confounder strata. */
public enum InterventionMode implements Choice {
    /** The paper: the mean over the strata. */
    UNIFORM,
    /** Strata weighted by their training frequency P(z). */
    PRIOR,
    /** Normalised weighted geometric mean through attention over the strata (one pass). */
    ATTENTION;

    public static InterventionMode of(String id) {
        return Choice.parse(values(), id, "intervention");
    }
}
