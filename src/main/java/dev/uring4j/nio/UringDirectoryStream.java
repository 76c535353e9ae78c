package dev.uring4j.nio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.Iterator;

/**
 * The wrapped provider's directory stream, yielding this provider's paths. {@link #of} keeps
 * a {@link SecureDirectoryStream} secure (the JDK's is one on Linux, and recursive deletes such
 * as Guava's {@code MoreFiles.deleteRecursively} rely on it).
 */
class UringDirectoryStream implements DirectoryStream<Path> {
    final UringFileSystem fileSystem;
    private final DirectoryStream<Path> wrapped;

    UringDirectoryStream(UringFileSystem fileSystem, DirectoryStream<Path> wrapped) {
        this.fileSystem = fileSystem;
        this.wrapped = wrapped;
    }

    static UringDirectoryStream of(UringFileSystem fileSystem, DirectoryStream<Path> wrapped) {
        return wrapped instanceof SecureDirectoryStream
                ? new UringSecureDirectoryStream(fileSystem, (SecureDirectoryStream<Path>) wrapped)
                : new UringDirectoryStream(fileSystem, wrapped);
    }

    @Override
    public Iterator<Path> iterator() {
        return fileSystem.wrapAll(wrapped).iterator();
    }

    @Override
    public void close() throws IOException {
        wrapped.close();
    }
}
