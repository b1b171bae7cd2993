package iern.model;

/** A loss became NaN or infinite; the message names the epoch, the step and the loss. */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
