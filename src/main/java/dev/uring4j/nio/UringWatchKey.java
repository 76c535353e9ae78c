package dev.uring4j.nio;

import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.Watchable;
import java.util.ArrayList;
import java.util.List;

/**
 * A key of the wrapped watch service whose {@link #watchable()} and event contexts (the names
 * of the entries, relative to the directory) are this provider's paths, so that
 * {@code dir.resolve((Path) event.context())} works as with the JDK's paths.
 */
final class UringWatchKey implements WatchKey {
    private final UringWatchService service;
    private final WatchKey wrapped;
    private final Watchable watchable;

    UringWatchKey(UringWatchService service, WatchKey wrapped) {
        this.service = service;
        this.wrapped = wrapped;
        this.watchable = (Watchable) wrapIfPath(wrapped.watchable());
    }

    private Object wrapIfPath(Object value) {
        UringFileSystem fileSystem = service.fileSystem();
        if (value instanceof Path && ((Path) value).getFileSystem() == fileSystem.wrapped()) {
            return fileSystem.wrap((Path) value);
        }
        return value;
    }

    @Override
    public boolean isValid() {
        return wrapped.isValid();
    }

    @Override
    public List<WatchEvent<?>> pollEvents() {
        List<WatchEvent<?>> events = wrapped.pollEvents();
        List<WatchEvent<?>> result = new ArrayList<>(events.size());
        for (WatchEvent<?> event : events) {
            result.add(wrapEvent(event));
        }
        return result;
    }

    private <T> WatchEvent<T> wrapEvent(WatchEvent<T> event) {
        Object context = wrapIfPath(event.context());
        if (context == event.context()) {
            return event;
        }
        // The kinds whose context is a path are WatchEvent.Kind<Path>: T is Path, and so is the wrapped context.
        @SuppressWarnings("unchecked")
        T wrappedContext = (T) context;
        return new Event<>(event.kind(), event.count(), wrappedContext);
    }

    @Override
    public boolean reset() {
        boolean valid = wrapped.reset();
        if (!valid) {
            service.forget(wrapped);
        }
        return valid;
    }

    @Override
    public void cancel() {
        // Not forgotten here: a key signalled before its cancel is still handed out once, and
        // must be this object (the usual loop looks it up); key() forgets it then. One never
        // signalled leaves the service's table by its weak references.
        wrapped.cancel();
    }

    @Override
    public Watchable watchable() {
        return watchable;
    }

    private static final class Event<T> implements WatchEvent<T> {
        private final Kind<T> kind;
        private final int count;
        private final T context;

        Event(Kind<T> kind, int count, T context) {
            this.kind = kind;
            this.count = count;
            this.context = context;
        }

        @Override
        public Kind<T> kind() {
            return kind;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public T context() {
            return context;
        }

        @Override
        public String toString() {
            return "Event: " + kind + ", context: " + context + ", count: " + count;
        }
    }
}
