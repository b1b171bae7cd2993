package iern.cli;

import iern.data.Printable;
import iern.model.Trainer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One run's output directory, held by one writer. Claiming it, before the first epoch of any
 * run: creates it (so a read-only or impossible --out fails at once), takes an exclusive lock on
 * {@code .lock} (a second {@code iern train} into the same run is refused), removes temporary
 * files a killed process left, and refuses to replace an earlier run unless {@code --resume}
 * continues it or {@code --force} starts it over.
 */
final class RunDirectory implements AutoCloseable {
    static final String LOCK = ".lock";
    /** What a run writes; {@code --force} removes these and nothing else. */
    static final List<String> OUTPUTS = List.of(Trainer.CHECKPOINT, "checkpoint.json", "metrics.jsonl", "result.json",
            "losses.png", "accuracy.png", "leakage.png", "confusion.png");

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static RunDirectory claim(Path dir, boolean resume, boolean force) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create output directory " + dir + ": " + reason(e));
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError("output directory " + dir + " is not writable: " + reason(e));
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            close(channel);
            throw new UserError(dir + " is being written by another `iern train` (it holds " + dir.resolve(LOCK)
                    + "); two processes never write one run: wait for it, or choose another --out");
        }
        RunDirectory run = new RunDirectory(dir, channel, lock);
        try {
            run.removeTemporaries();
            boolean earlier = Files.exists(dir.resolve(Trainer.CHECKPOINT)) || Files.exists(dir.resolve("metrics.jsonl"));
            if (earlier && force) {
                for (String f : OUTPUTS) {
                    Files.deleteIfExists(dir.resolve(f));
                }
            } else if (earlier && !resume) {
                throw new UserError(dir + " already holds a run; --resume continues it (a finished one is only"
                        + " evaluated again), --force deletes it and trains from the start");
            }
        } catch (IOException e) {
            run.close();
            throw new UserError("cannot clean output directory " + dir + ": " + reason(e));
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    Path dir() {
        return dir;
    }

    /** Half-written files of a process that was killed: {@code *.tmp}, including the checkpoint's hidden ones. */
    private void removeTemporaries() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return Printable.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static void close(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing held yet
        }
    }

    @Override
    public void close() {
        try {
            removeTemporaries();
        } catch (IOException ignored) {
            // best effort on the way out; the next claim removes them too
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // the channel's close releases it too
        }
        close(channel);
        removeIfEmpty();
    }

    /** A run that never started leaves nothing behind: no empty run directory, no lone lock file. */
    private void removeIfEmpty() {
        try (var files = Files.list(dir)) {
            if (files.allMatch(p -> p.getFileName().toString().equals(LOCK))) {
                Files.deleteIfExists(dir.resolve(LOCK));
                Files.deleteIfExists(dir);
                Path parent = dir.getParent();
                if (parent != null) {
                    try (var rest = Files.list(parent)) {
                        if (rest.findAny().isEmpty()) {
                            Files.deleteIfExists(parent);
                        }
                    }
                }
            }
        } catch (IOException ignored) {
            // something else is there: leave it
        }
    }
}
