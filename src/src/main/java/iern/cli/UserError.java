package iern.cli;

/** A mistake in what the user asked for; the program prints the message alone and exits with 2. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
