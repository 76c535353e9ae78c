package dev.uring4j.nio;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The wrapped file system's watch service, handing out {@link UringWatchKey}s: one per wrapped
 * key, so that the key {@code register} returned is the one {@code take} returns later (programs
 * keep maps from keys to directories). A key is forgotten once found invalid; and the table
 * holds neither side strongly, so a key cancelled before it was signalled (which the wrapped
 * service never hands out again) goes once neither the wrapped service nor the program refers
 * to it: a program that registers and cancels keys for its whole life keeps no table entry
 * per cancel. A wrapper the program dropped may be replaced by a new one, which no one can
 * tell from the old.
 */
final class UringWatchService implements WatchService {
    private final UringFileSystem fileSystem;
    private final WatchService wrapped;
    /** Wrapped key (weakly: the wrapped service holds it while it is registered or queued) to ours. */
    private final Map<WatchKey, WeakReference<UringWatchKey>> keys = new WeakHashMap<>();

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
        synchronized (keys) {
            WeakReference<UringWatchKey> ref = keys.get(inner);
            UringWatchKey key = ref == null ? null : ref.get();
            if (key == null) {
                key = new UringWatchKey(this, inner);
                keys.put(inner, new WeakReference<>(key));
            }
            if (!inner.isValid()) {
                keys.remove(inner);
            }
            return key;
        }
    }

    void forget(WatchKey inner) {
        synchronized (keys) {
            keys.remove(inner);
        }
    }

    /** Entries in the key table (for tests: expunges the collected ones first). */
    int trackedKeys() {
        synchronized (keys) {
            return keys.size();
        }
    }

    @Override
    public void close() throws IOException {
        wrapped.close();
        synchronized (keys) {
            keys.clear();
        }
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
