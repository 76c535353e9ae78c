package dev.uring4j.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The drop-in channels: java.nio's {@link FileChannel} and {@link AsynchronousFileChannel}
 * on uring4j's engine, with the JDK's contracts. Where io_uring is unavailable these return
 * the JDK's own channels (the cause is logged once).
 *
 * <p>{@code path} must be a path of the platform's default file system provider (the JDK's
 * own, not a wrapping provider's): it is also what the JDK channels are opened on when
 * uring4j delegates.
 */
public final class UringChannels {
    private UringChannels() {}

    /** As {@link FileChannel#open(Path, Set, FileAttribute[])}. */
    public static FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        // Placeholder until the engine-backed channel lands: the JDK's channel of the path's own provider.
        return path.getFileSystem().provider().newFileChannel(path, options, attrs);
    }

    /** As {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])}. */
    public static AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        return path.getFileSystem().provider().newAsynchronousFileChannel(path, options, executor, attrs);
    }
}
