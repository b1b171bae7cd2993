package iern.model;

/** The source adversary on the emotion features ({@link SourceAdversary}). */
public enum Adversary implements Choice {
    /** As the paper: nothing reads the emotion features for the source. */
    NONE,
    /** A discriminator over the feature map with one head of source logits per emotion. */
    CONDITIONAL,
    /** The same with linear heads on the pooled features. */
    LINEAR;

    public static Adversary of(String id) {
        return Choice.parse(values(), id, "adversary");
    }
}
