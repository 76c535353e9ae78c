package dev.uring4j.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The {@code file} scheme with uring4j's channels: {@link FileChannel} and
 * {@link AsynchronousFileChannel} are opened by {@link UringChannels}; everything else
 * (paths, directories, attributes, copy, move, links, watch services) is the wrapped
 * provider's, unchanged. With it installed as the default provider, a whole program uses
 * uring4j without a change to its code.
 *
 * <h2>Installing it</h2>
 *
 * <p>One system property on the {@code java} command line, with the uring4j jar (the
 * classifier jar with the native library, e.g. {@code uring4j-<v>-linux-x86_64.jar}) on the
 * class path:
 *
 * <pre>{@code
 * java -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring4j.nio.UringFileSystemProvider \
 *      -cp app.jar:uring4j-<v>-linux-x86_64.jar com.example.Main
 * }</pre>
 *
 * <p>or on the module path, where the module must be resolved at startup: add
 * {@code --add-modules dev.uring4j} unless a module of the application requires it (the JDK
 * loads the class through the system class loader, which finds it only in a module of the
 * boot layer):
 *
 * <pre>{@code
 * java -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring4j.nio.UringFileSystemProvider \
 *      -p uring4j-<v>-linux-x86_64.jar --add-modules dev.uring4j -cp app.jar com.example.Main
 * }</pre>
 *
 * <p>The JDK constructs it with the platform's provider ({@link #UringFileSystemProvider(FileSystemProvider)})
 * the first time the default file system is used. The property may list several providers
 * (comma separated; each wraps the one before). JDK 17 updates that predate the backport of
 * JDK-8263940 (fixed in JDK 18; 17.0.15 has it) fail at startup with a
 * {@code NullPointerException} when a default provider is loaded from a JAR; a class directory
 * is not affected. Without the flag, {@link #UringFileSystemProvider()}
 * wraps the current default provider, and paths of
 * {@code new UringFileSystemProvider().getFileSystem(URI.create("file:///"))} use uring4j's
 * channels while the rest of the program does not.
 *
 * <h2>What it reaches</h2>
 *
 * <p>Everything that opens a channel through a {@code file} path: {@link FileChannel#open},
 * {@link AsynchronousFileChannel#open}, {@link java.nio.file.Files#newByteChannel},
 * {@link java.nio.file.Files#newInputStream} and {@link java.nio.file.Files#newOutputStream},
 * and what is built on them ({@code Files.readAllBytes}, {@code readString}, {@code write},
 * {@code writeString}, {@code lines}, {@code newBufferedReader}, {@code newBufferedWriter},
 * {@code copy} between a path and a stream, {@code createTempFile}), for paths from
 * {@code Path.of}, {@code Paths.get}, {@link java.io.File#toPath}, {@code FileSystems.getDefault()}.
 *
 * <p>Not reached: {@link java.io.FileInputStream}, {@link java.io.FileOutputStream},
 * {@link java.io.RandomAccessFile} and their {@code getChannel()}, and other {@link java.io.File}
 * based APIs, which do not use NIO providers; {@code Files.copy(Path, Path)} and {@code move}
 * (the wrapped provider copies in the kernel); {@link SecureDirectoryStream#newByteChannel}
 * (opened relative to the directory, by the wrapped provider); paths of other file systems
 * (zip, jrt).
 *
 * <h2>Behaviour</h2>
 *
 * <p>The contracts are the JDK's: paths of this provider compare, print, resolve and convert
 * ({@link Path#toFile}, {@link Path#toUri}) as the wrapped provider's, the same exceptions are
 * thrown, a path of another provider (the wrapped provider's own included) is refused with
 * {@link ProviderMismatchException}. Every path is a small wrapper around the wrapped
 * provider's path, and {@code Files.isDirectory}, {@code exists} and the like read the file's
 * attributes instead of the JDK's internal shortcut for its own provider. Constructing the
 * provider and its file system does no I/O: no io_uring probe, no logging, nothing that uses
 * the default file system (which does not exist yet at that time); uring4j starts with the
 * first channel. While a thread is opening a channel, further opens by the same thread
 * (uring4j's own setup, for example extracting its native library) go to the wrapped provider.
 */
public final class UringFileSystemProvider extends FileSystemProvider {
    // Set while this thread is inside the channel opener: an open made by the opener itself goes
    // to the wrapped provider instead of re-entering uring4j's setup on the same thread.
    private static final ThreadLocal<Boolean> OPENING = new ThreadLocal<>();

    private final FileSystemProvider wrapped;
    private final ChannelOpener opener;
    private final UringFileSystem fileSystem;

    /**
     * Wraps {@code wrapped}, a provider of the {@code file} scheme: the constructor the JDK
     * calls for {@code -Djava.nio.file.spi.DefaultFileSystemProvider}.
     *
     * @param wrapped the provider whose file system, paths and operations this one uses
     * @throws IllegalArgumentException if {@code wrapped} is not of the {@code file} scheme
     */
    public UringFileSystemProvider(FileSystemProvider wrapped) {
        this(wrapped, ChannelOpener.URING);
    }

    /** Wraps the provider of {@link FileSystems#getDefault()}, for use without the system property. */
    public UringFileSystemProvider() {
        this(FileSystems.getDefault().provider());
    }

    UringFileSystemProvider(FileSystemProvider wrapped, ChannelOpener opener) {
        this.wrapped = Objects.requireNonNull(wrapped, "wrapped");
        this.opener = opener;
        if (!"file".equals(wrapped.getScheme())) {
            throw new IllegalArgumentException("not a provider of the file scheme: " + wrapped.getClass().getName()
                    + " (scheme " + wrapped.getScheme() + ")");
        }
        this.fileSystem = new UringFileSystem(this, wrapped.getFileSystem(URI.create("file:///")));
    }

    /** The path of the wrapped provider that {@code path} wraps; a foreign path is refused as the JDK does. */
    Path unwrap(Path path) {
        if (path instanceof UringPath) {
            UringPath p = (UringPath) path;
            if (p.getFileSystem().provider() == this) {
                return p.wrapped();
            }
        }
        Objects.requireNonNull(path);
        throw new ProviderMismatchException("a path of " + path.getFileSystem().provider().getClass().getName()
                + " (" + path.getClass().getName() + ") given to " + getClass().getName());
    }

    /** {@code path}'s wrapped path, or null if it is not a path of this provider. */
    Path unwrapOrNull(Path path) {
        if (path instanceof UringPath) {
            UringPath p = (UringPath) path;
            if (p.getFileSystem().provider() == this) {
                return p.wrapped();
            }
        }
        return null;
    }

    @Override
    public String getScheme() {
        return wrapped.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return new UringFileSystem(this, wrapped.newFileSystem(uri, env));
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        FileSystem inner = wrapped.getFileSystem(uri);
        return inner == fileSystem.wrapped() ? fileSystem : new UringFileSystem(this, inner);
    }

    @Override
    public Path getPath(URI uri) {
        return fileSystem.wrap(wrapped.getPath(uri));
    }

    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        // A file system inside a file (the wrapped provider's, if it has one): not of this scheme.
        return wrapped.newFileSystem(unwrap(path), env);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path inner = unwrap(path);
        if (OPENING.get() != null) {
            return wrapped.newFileChannel(inner, options, attrs);
        }
        OPENING.set(Boolean.TRUE);
        try {
            return opener.fileChannel(inner, options, attrs);
        } finally {
            OPENING.remove();
        }
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        Path inner = unwrap(path);
        if (OPENING.get() != null) {
            return wrapped.newAsynchronousFileChannel(inner, options, executor, attrs);
        }
        OPENING.set(Boolean.TRUE);
        try {
            return opener.asynchronousFileChannel(inner, options, executor, attrs);
        } finally {
            OPENING.remove();
        }
    }

    /**
     * A {@link FileChannel}, as the JDK's default provider returns. {@code newInputStream} and
     * {@code newOutputStream} are not overridden: the inherited ones open through this method.
     */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        Path inner = unwrap(dir); // the JDK's order: the directory (NPE, ProviderMismatchException), then the filter
        Objects.requireNonNull(filter);
        DirectoryStream<Path> stream = wrapped.newDirectoryStream(inner, entry -> filter.accept(fileSystem.wrap(entry)));
        return UringDirectoryStream.of(fileSystem, stream);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        wrapped.createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        wrapped.createSymbolicLink(unwrap(link), unwrap(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        wrapped.createLink(unwrap(link), unwrap(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        wrapped.delete(unwrap(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return wrapped.deleteIfExists(unwrap(path));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fileSystem.wrap(wrapped.readSymbolicLink(unwrap(link)));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        wrapped.copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        wrapped.move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        Path first = unwrap(path);
        Objects.requireNonNull(path2);
        Path second = unwrapOrNull(path2);
        // As the JDK's: a path of another provider is never the same file.
        return second != null && wrapped.isSameFile(first, second);
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return wrapped.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return wrapped.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        wrapped.checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return wrapped.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        Path inner = unwrapOrNull(path);
        if (inner == null) { // the JDK checks the type first (NPE for null, UnsupportedOperationException for an unknown one)
            return refused(path, p -> wrapped.readAttributes(p, type, options));
        }
        return wrapped.readAttributes(inner, type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        Path inner = unwrapOrNull(path);
        if (inner == null) { // the JDK parses the attributes first (NPE for null, IAE for "", UOE for an unknown view)
            return refused(path, p -> wrapped.readAttributes(p, attributes, options));
        }
        return wrapped.readAttributes(inner, attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        Path inner = unwrapOrNull(path);
        if (inner == null) { // the JDK parses the attribute first, as readAttributes does
            refused(path, p -> {
                wrapped.setAttribute(p, attribute, value, options);
                return null;
            });
        }
        wrapped.setAttribute(inner, attribute, value, options);
    }

    @FunctionalInterface
    private interface WithPath<T> {
        T call(Path path) throws IOException;
    }

    /**
     * A call given a null path or a path of another provider (the wrapped provider's too), where
     * the JDK checks other arguments before the path: {@code call} runs on the wrapped provider
     * with a path it refuses (null, or a path of this provider, which it never accepts, so it
     * touches no file), so that its exceptions for the other arguments come first and in its order;
     * then the path is refused as everywhere else (NPE, ProviderMismatchException naming the provider).
     */
    private <T> T refused(Path path, WithPath<T> call) throws IOException {
        if (path == null) {
            call.call(null);
        } else {
            try {
                call.call(fileSystem.getPath("/nonexistent/uring4j-stand-in"));
            } catch (ProviderMismatchException e) {
                unwrap(path); // the path's turn
            }
        }
        throw new IllegalStateException("the wrapped provider accepted a path that is not its own: " + path);
    }
}
