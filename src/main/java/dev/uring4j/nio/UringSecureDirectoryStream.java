package dev.uring4j.nio;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.util.Objects;
import java.util.Set;

/**
 * The wrapped provider's {@link SecureDirectoryStream} with this provider's paths. Its
 * operations are relative to the open directory, so they stay the wrapped stream's, channels
 * included ({@link #newByteChannel} is the JDK's channel, opened relative to the directory).
 */
final class UringSecureDirectoryStream extends UringDirectoryStream implements SecureDirectoryStream<Path> {
    private final SecureDirectoryStream<Path> wrapped;

    UringSecureDirectoryStream(UringFileSystem fileSystem, SecureDirectoryStream<Path> wrapped) {
        super(fileSystem, wrapped);
        this.wrapped = wrapped;
    }

    private Path unwrap(Path path) {
        return fileSystem.provider().unwrap(path);
    }

    @Override
    public SecureDirectoryStream<Path> newDirectoryStream(Path path, LinkOption... options) throws IOException {
        return new UringSecureDirectoryStream(fileSystem, wrapped.newDirectoryStream(unwrap(path), options));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return wrapped.newByteChannel(unwrap(path), options, attrs);
    }

    @Override
    public void deleteFile(Path path) throws IOException {
        wrapped.deleteFile(unwrap(path));
    }

    @Override
    public void deleteDirectory(Path path) throws IOException {
        wrapped.deleteDirectory(unwrap(path));
    }

    @Override
    public void move(Path srcpath, SecureDirectoryStream<Path> targetdir, Path targetpath) throws IOException {
        Objects.requireNonNull(targetdir);
        if (!(targetdir instanceof UringSecureDirectoryStream)
                || ((UringSecureDirectoryStream) targetdir).fileSystem.provider() != fileSystem.provider()) {
            throw new ProviderMismatchException("a directory stream of another provider: " + targetdir.getClass().getName());
        }
        wrapped.move(unwrap(srcpath), ((UringSecureDirectoryStream) targetdir).wrapped, unwrap(targetpath));
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Class<V> type) {
        return wrapped.getFileAttributeView(type);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return wrapped.getFileAttributeView(unwrap(path), type, options);
    }
}
