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

    private static final class Probe {
        // Declared before CAUSE: compute() assigns it during class initialization.
        static int liburingVersion = -1;
        static final UringUnavailableException CAUSE = compute();

        private static UringUnavailableException compute() {
            UringUnavailableException loadFailure = NativeLoader.load();
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

    /** The running kernel's release string (for display only: features are probed, never parsed from it). */
    public static String kernelRelease() {
        return System.getProperty("os.version");
    }
}
