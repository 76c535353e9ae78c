package dev.uring4j;

/** Why io_uring cannot be used in this process. */
public enum UnavailabilityReason {
    /** {@code -During4j.noNative=true} was set. */
    DISABLED_BY_PROPERTY,
    /** Not Linux, or an architecture/libc for which no native library is built. */
    UNSUPPORTED_PLATFORM,
    /** No native library could be found or loaded (every attempt is listed). */
    NATIVE_LIBRARY_MISSING,
    /** A native library loaded but does not match these classes (ABI version). */
    NATIVE_LIBRARY_INCOMPATIBLE,
    /** {@code io_uring_setup} returned ENOSYS: the kernel (or an emulator) lacks io_uring. */
    KERNEL_LACKS_IO_URING,
    /** {@code kernel.io_uring_disabled} forbids this process (EPERM). */
    DISABLED_BY_SYSCTL,
    /** A seccomp filter refuses io_uring (EPERM under seccomp). */
    BLOCKED_BY_SECCOMP,
    /** Ring setup failed with ENOMEM: the locked-memory limit is too small. */
    NOT_ENOUGH_LOCKED_MEMORY,
    /** The kernel refused ring setup for another reason (errno given). */
    SETUP_REFUSED
}
