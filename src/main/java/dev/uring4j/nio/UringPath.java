package dev.uring4j.nio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of the {@link UringFileSystem}: the wrapped file system's path, with every operation
 * delegated to it and every path it returns wrapped again. Paths of another provider are
 * treated as the JDK treats them (refused, unequal, not a prefix). {@code resolveSibling(Path)},
 * {@code register(WatchService, Kind...)} and {@code iterator()} are Path's own defaults, built
 * on the methods here, as for the JDK's paths.
 */
final class UringPath implements Path {
    private final UringFileSystem fileSystem;
    private final Path wrapped;

    UringPath(UringFileSystem fileSystem, Path wrapped) {
        this.fileSystem = fileSystem;
        this.wrapped = wrapped;
    }

    Path wrapped() {
        return wrapped;
    }

    private UringPath wrap(Path path) {
        return path == wrapped ? this : fileSystem.wrap(path);
    }

    private Path unwrap(Path other) {
        return fileSystem.provider().unwrap(other);
    }

    @Override
    public UringFileSystem getFileSystem() {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute() {
        return wrapped.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(wrapped.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(wrapped.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(wrapped.getParent());
    }

    @Override
    public int getNameCount() {
        return wrapped.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(wrapped.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(wrapped.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        Path own = fileSystem.provider().unwrapOrNull(Objects.requireNonNull(other));
        return own != null && wrapped.startsWith(own);
    }

    @Override
    public boolean startsWith(String other) {
        return wrapped.startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
        Path own = fileSystem.provider().unwrapOrNull(Objects.requireNonNull(other));
        return own != null && wrapped.endsWith(own);
    }

    @Override
    public boolean endsWith(String other) {
        return wrapped.endsWith(other);
    }

    @Override
    public Path normalize() {
        return wrap(wrapped.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(wrapped.resolve(unwrap(other)));
    }

    /**
     * JDK 22's {@code Path.resolve(Path, Path...)} as the platform's path answers it: it reads
     * {@code more} before {@code first} (a null {@code more} is a NullPointerException whatever
     * {@code first} is), where {@code Path}'s default resolves {@code first} first. Compiled
     * for JDK 17, where {@code Path} has no such method, so no {@code @Override}: on JDK 22+
     * the JVM takes it as the override all the same.
     */
    public Path resolve(Path first, Path... more) {
        Objects.requireNonNull(more, "more");
        Path result = resolve(first);
        for (Path p : more) {
            result = result.resolve(p);
        }
        return result;
    }

    @Override
    public Path resolve(String other) {
        return wrap(wrapped.resolve(other));
    }

    @Override
    public Path resolveSibling(String other) {
        return wrap(wrapped.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(wrapped.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return wrapped.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(wrapped.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(wrapped.toRealPath(options));
    }

    /**
     * The file of this path when it is a path of the default file system, or of a wrapper of it.
     * The wrapped path's own {@code toFile()} refuses as soon as this file system is the default
     * (it compares its file system with {@code FileSystems.getDefault()}), yet names the same file.
     */
    @Override
    public File toFile() {
        var defaultFileSystem = FileSystems.getDefault();
        if (defaultFileSystem == fileSystem || defaultFileSystem == fileSystem.wrapped()) {
            return new File(toString());
        }
        return wrapped.toFile();
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        Objects.requireNonNull(watcher);
        if (!(watcher instanceof UringWatchService)
                || ((UringWatchService) watcher).fileSystem().provider() != fileSystem.provider()) {
            throw new ProviderMismatchException("a watch service of another file system: " + watcher.getClass().getName());
        }
        UringWatchService service = (UringWatchService) watcher;
        return service.key(wrapped.register(service.wrapped(), events, modifiers));
    }

    /** As the wrapped paths' order; a path of another provider cannot be compared (ClassCastException, as the JDK's). */
    @Override
    public int compareTo(Path other) {
        Path own = fileSystem.provider().unwrapOrNull(Objects.requireNonNull(other));
        if (own == null) {
            throw new ClassCastException(other.getClass().getName() + " of " + other.getFileSystem().provider().getClass()
                    .getName() + " cannot be compared with a path of " + UringFileSystemProvider.class.getName());
        }
        return wrapped.compareTo(own);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UringPath && ((UringPath) other).fileSystem == fileSystem
                && wrapped.equals(((UringPath) other).wrapped);
    }

    @Override
    public int hashCode() {
        return wrapped.hashCode();
    }

    @Override
    public String toString() {
        return wrapped.toString();
    }
}
