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
    /**
     * The JVM refused native access to uring4j (JDK 24+ with {@code --illegal-native-access=deny},
     * or a module without it where the JVM requires it); the message names the flag to add.
     */
    NATIVE_ACCESS_DENIED,
    /** {@code io_uring_setup} returned ENOSYS: the kernel (or an emulator) lacks io_uring. */
    KERNEL_LACKS_IO_URING,
    /** {@code kernel.io_uring_disabled} forbids this process (EPERM). */
    DISABLED_BY_SYSCTL,
    /** A seccomp filter refuses io_uring (EPERM under seccomp). */
    BLOCKED_BY_SECCOMP,
    /** Ring setup failed with ENOMEM: the locked-memory limit is too small. */
    NOT_ENOUGH_LOCKED_MEMORY,
    /** The kernel refused ring setup for another reason (errno given). */
    SETUP_REFUSED;

    /**
     * Whether the cause is in how uring4j was deployed (its native library missing, from
     * another version, or denied native access) rather than in the host: a fallback for
     * these is logged as a warning, since the user can fix it.
     */
    public boolean isMisconfiguration() {
        return this == NATIVE_LIBRARY_MISSING || this == NATIVE_LIBRARY_INCOMPATIBLE || this == NATIVE_ACCESS_DENIED;
    }
}
