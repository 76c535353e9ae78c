package dev.uring4j.nio;

import dev.uring4j.Errno;
import dev.uring4j.Linux;
import dev.uring4j.async.UringOpenOption;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The options of a FileChannel.open / AsynchronousFileChannel.open call, read with the
 * JDK's rules on Linux: which options are refused and how, what is implied (READ when
 * neither READ nor WRITE; WRITE with APPEND), the open(2) flags, and the mode of a file
 * created (0666 or the {@code posix:permissions} attribute, less the umask).
 */
final class OpenRequest {
    final boolean read;
    final boolean write;
    final boolean append;
    final boolean deleteOnClose;
    final boolean direct;
    final boolean sync;
    final boolean dsync;
    final int flags;
    final int mode;
    /** Whether the open is O_NOFOLLOW: ELOOP is then reported as the JDK words it ({@link #openFailure}). */
    final boolean noFollow;

    private OpenRequest(Set<? extends OpenOption> options, FileAttribute<?>[] attrs, boolean asynchronous) {
        // The JDK's order: the attributes (a null array or element, an unsupported attribute) before the options.
        this.mode = mode(attrs);
        Objects.requireNonNull(options, "options");
        boolean rd = false, wr = false, ap = false, trunc = false, create = false, createNew = false, del = false;
        boolean noFollow = false, dio = false, sy = false, dsy = false;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ) {
                rd = true;
            } else if (o == StandardOpenOption.WRITE) {
                wr = true;
            } else if (o == StandardOpenOption.APPEND) {
                ap = true;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                trunc = true;
            } else if (o == StandardOpenOption.CREATE) {
                create = true;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (o == StandardOpenOption.DELETE_ON_CLOSE) {
                del = true;
            } else if (o == StandardOpenOption.SPARSE) {
                continue; // ignored on Linux, as by the JDK
            } else if (o == StandardOpenOption.SYNC) {
                sy = true;
            } else if (o == StandardOpenOption.DSYNC) {
                dsy = true;
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                noFollow = true;
            } else if (isJdkDirect(o) || o == UringOpenOption.DIRECT) {
                dio = true;
            } else if (o == null) {
                throw new NullPointerException();
            } else {
                throw new UnsupportedOperationException(o + " not supported");
            }
        }
        if (!rd && !wr) {
            if (ap && !asynchronous) {
                wr = true;
            } else {
                rd = true;
            }
        }
        if (asynchronous && ap) {
            throw new UnsupportedOperationException("APPEND not allowed");
        }
        if (rd && ap) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (ap && trunc) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        int f = Linux.O_CLOEXEC | (rd && wr ? Linux.O_RDWR : wr ? Linux.O_WRONLY : Linux.O_RDONLY);
        if (wr) {
            if (trunc) {
                f |= Linux.O_TRUNC;
            }
            if (ap) {
                f |= Linux.O_APPEND;
            }
            if (createNew) {
                f |= Linux.O_CREAT | Linux.O_EXCL;
            } else if (create) {
                f |= Linux.O_CREAT;
            }
        }
        // As the JDK: a file to delete on close is never reached through a symbolic link; with
        // CREATE_NEW among the options (even without WRITE, which alone makes it create) links are followed.
        this.noFollow = !createNew && (noFollow || del);
        if (this.noFollow) {
            f |= Linux.O_NOFOLLOW;
        }
        if (dsy) {
            f |= Linux.O_DSYNC;
        }
        if (sy) {
            f |= Linux.O_SYNC;
        }
        if (dio) {
            f |= Linux.O_DIRECT;
        }
        this.read = rd;
        this.write = wr;
        this.append = ap;
        this.deleteOnClose = del;
        this.direct = dio;
        this.sync = sy;
        this.dsync = dsy;
        this.flags = f;
    }

    static OpenRequest forFileChannel(Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        return new OpenRequest(options, attrs, false);
    }

    static OpenRequest forAsynchronousFileChannel(Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        return new OpenRequest(options, attrs, true);
    }

    /** What the engine's file may do (it opens with {@link #flags}; DELETE_ON_CLOSE is the channel's own). */
    Set<OpenOption> engineOptions() {
        Set<OpenOption> s = new HashSet<>();
        if (read) {
            s.add(StandardOpenOption.READ);
        }
        if (write) {
            s.add(StandardOpenOption.WRITE);
        }
        if (sync) {
            s.add(StandardOpenOption.SYNC);
        }
        if (dsync) {
            s.add(StandardOpenOption.DSYNC);
        }
        if (direct) {
            s.add(UringOpenOption.DIRECT);
        }
        return s;
    }

    /** com.sun.nio.file.ExtendedOpenOption.DIRECT, named so that jdk.unsupported stays optional. */
    private static boolean isJdkDirect(OpenOption o) {
        return o != null && o.getClass().getName().equals("com.sun.nio.file.ExtendedOpenOption")
                && o.toString().equals("DIRECT");
    }

    /**
     * A failed open as the JDK's reports it: where the request made the open O_NOFOLLOW and the
     * file is a symbolic link (ELOOP), a plain IOException naming NOFOLLOW_LINKS, not the
     * FileSystemException of the path that an AsyncFile gives.
     */
    IOException openFailure(IOException e) {
        // An AsyncFile's FileSystemException reason starts with the errno's description.
        String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
        if (noFollow && !(e instanceof NoSuchFileException) && reason != null
                && reason.startsWith(Errno.description(Errno.ELOOP))) {
            return new IOException(Errno.description(Errno.ELOOP) + " (NOFOLLOW_LINKS specified)");
        }
        return e;
    }

    /** The JDK's rule: 0666 unless a posix:permissions (or unix:permissions) attribute says otherwise. */
    private static int mode(FileAttribute<?>[] attrs) {
        int mode = 0666;
        for (FileAttribute<?> a : Objects.requireNonNull(attrs, "attrs")) {
            String name = a.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
            mode = 0;
            for (Object p : Objects.requireNonNull((Set<?>) a.value(), "the value of " + name)) {
                mode |= bit((PosixFilePermission) Objects.requireNonNull(p, "a permission of " + name));
            }
        }
        return mode;
    }

    private static int bit(PosixFilePermission p) {
        switch (p) {
            case OWNER_READ: return 0400;
            case OWNER_WRITE: return 0200;
            case OWNER_EXECUTE: return 0100;
            case GROUP_READ: return 040;
            case GROUP_WRITE: return 020;
            case GROUP_EXECUTE: return 010;
            case OTHERS_READ: return 04;
            case OTHERS_WRITE: return 02;
            default: return 01;
        }
    }
}
