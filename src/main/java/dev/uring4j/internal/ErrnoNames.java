package dev.uring4j.internal;

/**
 * Names and strerror-style descriptions of Linux errno values, for {@code dev.uring4j.Errno}
 * (whose constants are the API) and for internal code, which imports no API type.
 */
public final class ErrnoNames {
    private static final String[][] TABLE = new String[134][];

    static {
        def(1, "EPERM", "Operation not permitted");
        def(2, "ENOENT", "No such file or directory");
        def(3, "ESRCH", "No such process");
        def(4, "EINTR", "Interrupted system call");
        def(5, "EIO", "Input/output error");
        def(6, "ENXIO", "No such device or address");
        def(7, "E2BIG", "Argument list too long");
        def(9, "EBADF", "Bad file descriptor");
        def(11, "EAGAIN", "Resource temporarily unavailable");
        def(12, "ENOMEM", "Cannot allocate memory");
        def(13, "EACCES", "Permission denied");
        def(14, "EFAULT", "Bad address");
        def(16, "EBUSY", "Device or resource busy");
        def(17, "EEXIST", "File exists");
        def(18, "EXDEV", "Invalid cross-device link");
        def(19, "ENODEV", "No such device");
        def(20, "ENOTDIR", "Not a directory");
        def(21, "EISDIR", "Is a directory");
        def(22, "EINVAL", "Invalid argument");
        def(23, "ENFILE", "Too many open files in system");
        def(24, "EMFILE", "Too many open files");
        def(25, "ENOTTY", "Inappropriate ioctl for device");
        def(26, "ETXTBSY", "Text file busy");
        def(27, "EFBIG", "File too large");
        def(28, "ENOSPC", "No space left on device");
        def(29, "ESPIPE", "Illegal seek");
        def(30, "EROFS", "Read-only file system");
        def(32, "EPIPE", "Broken pipe");
        def(34, "ERANGE", "Numerical result out of range");
        def(35, "EDEADLK", "Resource deadlock avoided");
        def(36, "ENAMETOOLONG", "File name too long");
        def(38, "ENOSYS", "Function not implemented");
        def(39, "ENOTEMPTY", "Directory not empty");
        def(40, "ELOOP", "Too many levels of symbolic links");
        def(61, "ENODATA", "No data available");
        def(62, "ETIME", "Timer expired");
        def(75, "EOVERFLOW", "Value too large for defined data type");
        def(77, "EBADFD", "File descriptor in bad state");
        def(95, "EOPNOTSUPP", "Operation not supported");
        def(98, "EADDRINUSE", "Address already in use");
        def(103, "ECONNABORTED", "Software caused connection abort");
        def(104, "ECONNRESET", "Connection reset by peer");
        def(105, "ENOBUFS", "No buffer space available");
        def(107, "ENOTCONN", "Transport endpoint is not connected");
        def(110, "ETIMEDOUT", "Connection timed out");
        def(111, "ECONNREFUSED", "Connection refused");
        def(114, "EALREADY", "Operation already in progress");
        def(122, "EDQUOT", "Disk quota exceeded");
        def(125, "ECANCELED", "Operation canceled");
        def(130, "EOWNERDEAD", "Owner died");
    }

    private ErrnoNames() {}

    private static void def(int errno, String name, String description) {
        TABLE[errno] = new String[] {name, description};
    }

    /** Symbolic name, e.g. {@code EBADF}; {@code errno 200} for unknown values. */
    public static String name(int errno) {
        String[] e = errno > 0 && errno < TABLE.length ? TABLE[errno] : null;
        return e != null ? e[0] : "errno " + errno;
    }

    /** strerror-style description. */
    public static String description(int errno) {
        String[] e = errno > 0 && errno < TABLE.length ? TABLE[errno] : null;
        return e != null ? e[1] : "Unknown error " + errno;
    }
}
