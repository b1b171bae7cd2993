package iern.model;

/**
 * A polite stop request (Ctrl-C): the trainer checks it after every step, saves a checkpoint and
 * returns; the thread that asked (a shutdown hook) waits while a run is still busy, so the JVM
 * does not exit half way through writing a checkpoint. One signal serves a sequence of runs.
 */
public final class StopSignal {
    private volatile boolean requested;
    private int busy;

    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** A run starts using the signal. */
    public synchronized void enter() {
        busy++;
    }

    /** The run has saved what it needed and touches nothing more. */
    public synchronized void exit() {
        busy--;
        notifyAll();
    }

    /** Waits (at most {@code seconds}) until no run is busy; true if none is. */
    public synchronized boolean awaitIdle(long seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (busy > 0) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
