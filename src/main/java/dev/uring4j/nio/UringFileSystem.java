package dev.uring4j.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Iterator;
import java.util.Set;

/**
 * The wrapped provider's file system, with this provider's paths: every path it gives out is a
 * {@link UringPath}, so that {@code path.getFileSystem().provider()} (which {@code Files} and
 * the channels' {@code open} methods dispatch on) is the {@link UringFileSystemProvider}.
 */
final class UringFileSystem extends FileSystem {
    private final UringFileSystemProvider provider;
    private final FileSystem wrapped;

    UringFileSystem(UringFileSystemProvider provider, FileSystem wrapped) {
        this.provider = provider;
        this.wrapped = wrapped;
    }

    FileSystem wrapped() {
        return wrapped;
    }

    /** {@code path} of the wrapped file system as a path of this one; null stays null. */
    UringPath wrap(Path path) {
        return path == null ? null : new UringPath(this, path);
    }

    Iterable<Path> wrapAll(Iterable<Path> paths) {
        return () -> {
            Iterator<Path> it = paths.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Path next() {
                    return wrap(it.next());
                }

                @Override
                public void remove() {
                    it.remove();
                }
            };
        };
    }

    @Override
    public UringFileSystemProvider provider() {
        return provider;
    }

    /** As the wrapped file system's: the default file system cannot be closed (UnsupportedOperationException). */
    @Override
    public void close() throws IOException {
        wrapped.close();
    }

    @Override
    public boolean isOpen() {
        return wrapped.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return wrapped.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return wrapped.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return wrapAll(wrapped.getRootDirectories());
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return wrapped.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return wrapped.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(wrapped.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher inner = wrapped.getPathMatcher(syntaxAndPattern);
        return path -> {
            Path own = provider.unwrapOrNull(path);
            // A foreign path goes to the wrapped matcher as it is, as it would without the wrapper.
            return inner.matches(own != null ? own : path);
        };
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return wrapped.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return new UringWatchService(this, wrapped.newWatchService());
    }
}
