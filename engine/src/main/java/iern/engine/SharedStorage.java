package iern.engine;

/**
 * A storage shared by a tensor and its views (reshape, detach): the storage goes back to its
 * backend when the last tensor using it is closed.
 */
final class SharedStorage {
    final Storage storage;
    private int refs = 1;

    SharedStorage(Storage storage) {
        this.storage = storage;
    }

    synchronized void retain() {
        if (refs <= 0) {
            throw new IllegalStateException("tensor storage used after close()");
        }
        refs++;
    }

    synchronized void release() {
        if (--refs == 0) {
            storage.close();
        }
    }

    synchronized boolean exclusive() {
        return refs == 1;
    }
}
