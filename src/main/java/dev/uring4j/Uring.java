package dev.uring4j;

import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.NativeLoader;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Whether io_uring can be used in this process, and if not, exactly why. Computed once
 * (load the native library, then set up and tear down a 2-entry ring) and cached.
 */
public final class Uring {
    private static final Native NATIVE = Native.access();
    private Uring() {}

    /** The loader's failure as this API's exception, converted once (null if the library is loaded). */
    private static final class Load {
        static final UringUnavailableException FAILURE = unavailable(NativeLoader.load());
    }

    private static UringUnavailableException unavailable(NativeLoader.Failure f) {
        if (f == null) {
            return null;
        }
        UnavailabilityReason reason = switch (f.reason()) {
            case DISABLED_BY_PROPERTY -> UnavailabilityReason.DISABLED_BY_PROPERTY;
            case UNSUPPORTED_PLATFORM -> UnavailabilityReason.UNSUPPORTED_PLATFORM;
            case NATIVE_LIBRARY_MISSING -> UnavailabilityReason.NATIVE_LIBRARY_MISSING;
            case NATIVE_LIBRARY_INCOMPATIBLE -> UnavailabilityReason.NATIVE_LIBRARY_INCOMPATIBLE;
            case NATIVE_ACCESS_DENIED -> UnavailabilityReason.NATIVE_ACCESS_DENIED;
        };
        return new UringUnavailableException(reason, 0, f.message(), f.attempts(), f.cause());
    }

    /** Loads the native library if not done yet; null on success, else why not (the same exception each time). */
    static UringUnavailableException loadNative() {
        return Load.FAILURE;
    }

    private static final class Probe {
        // Declared before CAUSE: compute() assigns it during class initialization.
        static int liburingVersion = -1;
        static final UringUnavailableException CAUSE = compute();

        private static UringUnavailableException compute() {
            try {
                return probe();
            } catch (RuntimeException | LinkageError e) {
                // Never an ExceptionInInitializerError: the NIO fallback must stay reachable.
                return new UringUnavailableException(UnavailabilityReason.NATIVE_LIBRARY_INCOMPATIBLE, 0,
                        "the io_uring probe failed unexpectedly: " + e,
                        List.of("native library loaded from " + NativeLoader.loadedFrom(), "probe: " + e), e);
            }
        }

        private static UringUnavailableException probe() {
            UringUnavailableException loadFailure = loadNative();
            if (loadFailure != null) {
                return loadFailure;
            }
            liburingVersion = NATIVE.liburingVersion();
            ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
            long ring = NATIVE.ringCreate(2, 0, 0, -1, 0, -1, 0, 0, false, Memory.address(info));
            if (ring < 0) {
                return SetupRefusal.classify((int) -ring, HostFacts.read(),
                        List.of("native library loaded from " + NativeLoader.loadedFrom()));
            }
            NATIVE.ringDestroy(ring, true);
            return null;
        }
    }

    /** True if the native library is loaded and the kernel lets this process set up a ring. */
    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /** Why io_uring is unavailable, or null if it is available. */
    public static UringUnavailableException unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** @throws UringUnavailableException (with the cached cause) if io_uring is unavailable */
    public static void ensureAvailable() throws UringUnavailableException {
        if (Probe.CAUSE != null) {
            throw new UringUnavailableException(Probe.CAUSE);
        }
    }

    /** The liburing version inside the native library, e.g. "2.9", or null if it is not loaded. */
    public static String liburingVersion() {
        int v = isAvailable() || NativeLoader.isLoaded() ? Probe.liburingVersion : -1;
        return v < 0 ? null : (v >>> 16) + "." + (v & 0xffff);
    }

    /**
     * Where the native library was loaded from: the jar resource's URL
     * ({@code jar:file:/…/uring4j-<v>-linux-x86_64.jar!/META-INF/native/…/liburing4j.so}), or the
     * file named by {@code -During4j.library.path}; null if it is not loaded (then
     * {@link #unavailabilityCause()} lists every place tried).
     */
    public static String nativeLibraryLocation() {
        loadNative();
        return NativeLoader.loadedFrom();
    }

    /** The running kernel's release string (for display only: features are probed, never parsed from it). */
    public static String kernelRelease() {
        return System.getProperty("os.version");
    }
}
