package iern.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is not what it claims to be. The message names the file and the problem. */
public final class SafeTensorsException extends IOException {

    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
