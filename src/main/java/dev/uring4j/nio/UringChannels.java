package dev.uring4j.nio;

import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;
import dev.uring4j.internal.HostPaths;
import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.spi.FileSystemProvider;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The drop-in channels: java.nio's {@link FileChannel} and {@link AsynchronousFileChannel}
 * on uring4j's engine, with the JDK's contracts (the differences are listed in the
 * README). Where io_uring is unavailable, or with {@code -During4j.backend=nio}, these
 * return the JDK's own channels; the cause is logged once.
 *
 * <p>{@code path} is a path of the platform's file system, or of {@link UringFileSystemProvider}
 * (which calls these with the paths it unwrapped).
 */
public final class UringChannels {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.nio.UringChannels");

    private UringChannels() {}

    /** Why the JDK's channels are used, or null when uring4j's are; decided (and logged) once. */
    private static final class Choice {
        /** Set when -During4j.backend=iouring forces io_uring on a host without it: opens fail with it. */
        static UringUnavailableException forcedButUnavailable;
        static final String FALLBACK = decide();

        private static String decide() {
            String prop = System.getProperty(AsyncFile.PROP_BACKEND, "").trim().toLowerCase(Locale.ROOT);
            String why = null;
            UringUnavailableException cause = null;
            if (prop.equals("nio")) {
                why = "-D" + AsyncFile.PROP_BACKEND + "=nio";
            } else {
                cause = Uring.unavailabilityCause();
                if (cause != null && (prop.equals("iouring") || prop.equals("io_uring"))) {
                    forcedButUnavailable = cause;
                    LOG.log(System.Logger.Level.WARNING, "FileChannel and AsynchronousFileChannel: -D"
                            + AsyncFile.PROP_BACKEND + "=iouring forces io_uring, which is unavailable (" + cause.reason()
                            + "): opening fails, no fallback to the JDK's channels: " + firstLine(cause));
                    return null;
                }
                if (cause != null) {
                    why = "io_uring is unavailable (" + cause.reason() + "): " + firstLine(cause);
                }
            }
            boolean warn = cause != null && cause.reason().isMisconfiguration();
            LOG.log(warn ? System.Logger.Level.WARNING : System.Logger.Level.INFO, why == null
                    ? "FileChannel and AsynchronousFileChannel: uring4j's, on io_uring"
                    : "FileChannel and AsynchronousFileChannel: the JDK's, because " + why);
            return why;
        }

        private static String firstLine(Exception e) {
            return e.getMessage().split("\n")[0];
        }

        /** Throws if a property forced io_uring where it is unavailable. */
        static void checkForced() throws UringUnavailableException {
            if (forcedButUnavailable != null) {
                throw new UringUnavailableException("-D" + AsyncFile.PROP_BACKEND + "=iouring forces io_uring, so the "
                        + "JDK's channels are not used (remove the property to fall back)", forcedButUnavailable);
            }
        }
    }

    /** Whether these methods give uring4j's channels (else the JDK's), and {@link #fallbackReason()} if not. */
    public static boolean usesIoUring() {
        return Choice.FALLBACK == null && Choice.forcedButUnavailable == null;
    }

    /** Why the JDK's channels are used, or null. */
    public static String fallbackReason() {
        return Choice.FALLBACK;
    }

    private static FileSystemProvider jdk(Path path) {
        return path.getFileSystem().provider();
    }

    /**
     * The platform's path under a path of uring4j's provider (when it is installed, Path.of
     * gives those), so that the JDK's channels and the /proc twin never come back here.
     */
    private static Path platformPath(Path path) {
        Path p = path;
        while (p instanceof UringPath) {
            p = ((UringPath) p).wrapped();
        }
        return p;
    }

    /** As {@link FileChannel#open(Path, Set, FileAttribute[])}. */
    public static FileChannel newFileChannel(Path given, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path path = platformPath(Objects.requireNonNull(given, "path")); // the JDK's first check
        Choice.checkForced();
        if (!usesIoUring() || !HostPaths.isHostFile(path)) {
            return jdk(path).newFileChannel(path, options, attrs);
        }
        OpenRequest r = OpenRequest.forFileChannel(options, attrs);
        AsyncFile f = openFile(path, r);
        try {
            deleteIfAsked(path, r);
            return FileChannelVariant.create(f, new JdkTwin(f, path, r.read, r.write, r.append), r,
                    Engine.ENGINE.positions(f));
        } catch (Throwable t) {
            f.close();
            throw t;
        }
    }

    /** As {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])}. */
    public static AsynchronousFileChannel newAsynchronousFileChannel(Path given, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        Path path = platformPath(Objects.requireNonNull(given, "path")); // the JDK's first check
        Choice.checkForced();
        if (!usesIoUring() || !HostPaths.isHostFile(path)) {
            return jdk(path).newAsynchronousFileChannel(path, options, executor, attrs);
        }
        OpenRequest r = OpenRequest.forAsynchronousFileChannel(options, attrs);
        AsyncFile f = openFile(path, r);
        try {
            deleteIfAsked(path, r);
            return new UringAsynchronousFileChannel(f, new JdkTwin(f, path, r.read, r.write, false), r, executor,
                    Engine.ENGINE.positions(f) != ChannelEngine.Positions.NONE);
        } catch (Throwable t) {
            f.close();
            throw t;
        }
    }

    /** Opens the request's file through the engine; a refusal is reported as the JDK reports it. */
    private static AsyncFile openFile(Path path, OpenRequest r) throws IOException {
        try {
            return Engine.ENGINE.open(path, r.engineOptions(), r.flags, r.mode, null);
        } catch (IOException e) {
            throw r.openFailure(e);
        }
    }

    /**
     * DELETE_ON_CLOSE as the JDK does it on Linux: the name is removed right after open (the
     * open file lives on until closed), so no other file that takes the name later is deleted.
     */
    private static void deleteIfAsked(Path path, OpenRequest r) {
        if (r.deleteOnClose) {
            try {
                jdk(path).deleteIfExists(path);
            } catch (IOException | RuntimeException e) {
                // as the JDK: best effort
            }
        }
    }

    /** The engine, asked for only once uring4j's channels are in use (the caller check runs then). */
    private static final class Engine {
        static final ChannelEngine ENGINE = ChannelEngine.access();
    }
}
