package iern.engine;

/**
 * Input from outside the program that cannot be used: an option value, a file, a checkpoint, a
 * configuration. The message says which input and what was expected, and the program shows it
 * alone (exit code 2); any other {@link IllegalArgumentException} is a bug and shows its trace.
 */
public class InvalidInput extends IllegalArgumentException {
    public InvalidInput(String message) {
        super(message);
    }

    public InvalidInput(String message, Throwable cause) {
        super(message, cause);
    }
}
