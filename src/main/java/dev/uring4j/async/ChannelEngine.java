package dev.uring4j.async;

import dev.uring4j.internal.LibraryAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * What uring4j's drop-in channels ({@code dev.uring4j.nio}) need of the engine beyond
 * AsyncFile's API: opening with the JDK's flags and mode, and the descriptor number while a
 * use is held (to open a JDK channel on {@code /proc/self/fd/N} for what io_uring does not
 * help with: map, lock, transferTo). Not an API: {@link #access()} hands it to uring4j's
 * own classes only.
 */
public final class ChannelEngine {
    private static final ChannelEngine INSTANCE = new ChannelEngine();

    private ChannelEngine() {}

    /** For uring4j's own classes; anyone else gets {@link IllegalCallerException}. */
    public static ChannelEngine access() {
        LibraryAccess.checkCaller("dev.uring4j.async.ChannelEngine");
        return INSTANCE;
    }

    /**
     * Opens {@code path} with open(2) on the calling thread, with these flags and mode, as an
     * io_uring AsyncFile on the shared loops. {@code options}: what the file may do (READ,
     * WRITE, DELETE_ON_CLOSE, SYNC, DSYNC, {@link UringOpenOption#DIRECT}).
     */
    public AsyncFile open(Path path, Set<? extends OpenOption> options, int flags, int mode, Executor callbacks)
            throws IOException {
        AsyncFileConfig.Builder b = AsyncFileConfig.builder().backend(AsyncFile.Backend.IOURING);
        if (callbacks != null) {
            b.callbackExecutor(callbacks);
        }
        UringAsyncFile f = UringAsyncFile.openWith(path, options, flags, mode, b.build());
        f.reportErrorsAsTheJdk();
        return f;
    }

    /** Who keeps a FileChannel's position over a file. */
    public enum Positions {
        /** Regular files, block devices: the channel keeps its own, and transfers name it (pread/pwrite). */
        CHANNEL,
        /** Character devices that seek (/dev/zero, /dev/urandom): the descriptor's, as lseek(2) reports it. */
        KERNEL,
        /** FIFOs, sockets, stream devices (ttys): none; positional I/O and lseek are "Illegal seek". */
        NONE
    }

    /** Who keeps a FileChannel's position over {@code file} (asked of the kernel once, at open). */
    public Positions positions(AsyncFile file) throws IOException {
        return file.positions();
    }

    /** lseek(2) on the file's descriptor: SEEK_SET or SEEK_CUR, for {@link Positions#KERNEL} files. */
    public long seek(AsyncFile file, long offset, int whence) throws IOException {
        return file.seek(offset, whence);
    }

    /** A transfer at the descriptor's own position (read(2)/write(2)), for files that cannot seek. */
    public CompletableFuture<Integer> transferAtFilePosition(AsyncFile file, ByteBuffer b, boolean write) {
        return file.transferAtFilePosition(b, write);
    }

    /** The vectored form: one readv/writev, so that a stream returns what it has. */
    public CompletableFuture<Long> transferAtFilePosition(AsyncFile file, ByteBuffer[] bs, boolean write) {
        return file.transferAtFilePosition(bs, write);
    }

    /** Takes a use of the file's descriptor (false once it is closed): the number stays valid until {@link #release}. */
    public boolean acquire(AsyncFile file) {
        return file.acquireUse();
    }

    public void release(AsyncFile file) {
        file.releaseUse();
    }

    /** Where uring4j runs user code that must not run on a loop: threads started as needed, ended when idle. */
    public Executor callbackExecutor() {
        return CallbackThreads.EXECUTOR;
    }

    /** The descriptor number of an io_uring file; call with a use held. */
    public int descriptor(AsyncFile file) {
        return ((UringAsyncFile) file).descriptor();
    }
}
