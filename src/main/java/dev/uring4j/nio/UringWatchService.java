package dev.uring4j.nio;

import java.io.IOException;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The wrapped file system's watch service, handing out {@link UringWatchKey}s: one per wrapped
 * key, so that the key {@code register} returned is the one {@code take} returns later (programs
 * keep maps from keys to directories). A key is forgotten once cancelled or found invalid.
 */
final class UringWatchService implements WatchService {
    private final UringFileSystem fileSystem;
    private final WatchService wrapped;
    private final ConcurrentHashMap<WatchKey, UringWatchKey> keys = new ConcurrentHashMap<>();

    UringWatchService(UringFileSystem fileSystem, WatchService wrapped) {
        this.fileSystem = fileSystem;
        this.wrapped = wrapped;
    }

    UringFileSystem fileSystem() {
        return fileSystem;
    }

    WatchService wrapped() {
        return wrapped;
    }

    /** The key of this service for {@code inner}, a key of the wrapped service; null stays null. */
    UringWatchKey key(WatchKey inner) {
        if (inner == null) {
            return null;
        }
        UringWatchKey key = keys.computeIfAbsent(inner, k -> new UringWatchKey(this, k));
        if (!inner.isValid()) {
            forget(inner);
        }
        return key;
    }

    void forget(WatchKey inner) {
        keys.remove(inner);
    }

    @Override
    public void close() throws IOException {
        wrapped.close();
        keys.clear();
    }

    @Override
    public WatchKey poll() {
        return key(wrapped.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
        return key(wrapped.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
        return key(wrapped.take());
    }
}
