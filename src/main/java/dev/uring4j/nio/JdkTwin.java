package dev.uring4j.nio;

import dev.uring4j.Linux;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The JDK's own FileChannel on the same open file, for what io_uring does not help with
 * (map, lock, transferTo/transferFrom with sendfile and copy_file_range). Opened on first
 * use through {@code /proc/self/fd/N} while a use of the engine's descriptor is held, so it
 * is the very file the channel has open even if the path was since renamed, replaced or
 * deleted (DELETE_ON_CLOSE unlinks at open, as the JDK does). Closed with the channel.
 */
final class JdkTwin {
    private static final ChannelEngine ENGINE = ChannelEngine.access();

    private final AsyncFile file;
    /** A path of the JDK's own provider (so this never comes back to uring4j's provider). */
    private final Path anyJdkPath;
    private final Set<OpenOption> options = new HashSet<>();
    private FileChannel channel;
    private boolean closed;

    JdkTwin(AsyncFile file, Path anyJdkPath, boolean read, boolean write, boolean append) {
        this.file = file;
        this.anyJdkPath = anyJdkPath;
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.WRITE);
        }
    }

    /** The JDK channel, opened now if needed; ClosedChannelException once the channel is closed. */
    synchronized FileChannel get() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == null) {
            if (!ENGINE.acquire(file)) {
                throw new ClosedChannelException();
            }
            try {
                Path self = anyJdkPath.getFileSystem().getPath("/proc/self/fd/" + ENGINE.descriptor(file));
                FileChannel peer = fifoPeer(self);
                try {
                    channel = anyJdkPath.getFileSystem().provider().newFileChannel(self, options);
                } finally {
                    if (peer != null) {
                        peer.close();
                    }
                }
            } finally {
                ENGINE.release(file);
            }
        }
        return channel;
    }

    /**
     * For a FIFO, a read-write open of it (which Linux never blocks), held while the twin
     * opens: opening a FIFO for reading alone blocks until a writer comes, and for writing
     * alone until a reader comes, so the twin of a channel whose peer left would wait for a
     * new one. Closed right after, so the twin never stands in for the peer (the channel still
     * sees end of file, or a broken pipe). Null for other files, or where the read-write open
     * is refused (no write permission on the FIFO: the twin then opens as before). A cost of
     * the close: the kernel drops this process's POSIX locks on the FIFO, which only other
     * channels on the same FIFO can hold (this channel takes its locks through the twin).
     */
    private FileChannel fifoPeer(Path self) {
        try {
            int mode = (Integer) Files.getAttribute(self, "unix:mode");
            if ((mode & Linux.S_IFMT) != Linux.S_IFIFO) {
                return null;
            }
            return anyJdkPath.getFileSystem().provider().newFileChannel(self,
                    Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Closes the JDK channel if it was opened (which releases the locks taken through it). */
    synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }
}
