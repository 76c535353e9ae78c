package dev.uring4j.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct memory helpers: buffer addresses without a JNI crossing per operation.
 *
 * <p>The JDK 22+ version (META-INF/versions/22 of the multi-release jar): the same methods
 * as src/main/java's, on supported APIs only. A buffer's address comes from
 * {@code MemorySegment.ofBuffer}; raw loads and stores go through one segment over all
 * memory ({@code MemorySegment.NULL.reinterpret(Long.MAX_VALUE)}, offset = address), made
 * the first time a class asks {@link #hasRawAccess()} (a ring's classes, after the native
 * library was loaded). {@code reinterpret} is a restricted method: it is called only if
 * native access is enabled for this module (on JDK 24+ without the flag, {@code System.load}
 * has already printed the JDK's one warning per module and enabled it), so this class
 * never prints a warning of its own; where it is not enabled (JDK 22-23 without the flag,
 * {@code --illegal-native-access=deny}) raw access is off and callers use their ByteBuffer
 * views, as without {@code sun.misc.Unsafe} on JDK 17.
 */
public final class Memory {
    private static final Memory RAW = new Memory();
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Memory() {}

    /** The segment over all memory, or null: made on first use (see the class comment). */
    private static final class All {
        static final MemorySegment SEGMENT = everything();

        @SuppressWarnings("restricted")
        private static MemorySegment everything() {
            try {
                if (!Memory.class.getModule().isNativeAccessEnabled()) {
                    return null; // reinterpret would warn (JDK 22+) or throw (deny): ByteBuffer views instead
                }
                return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
            } catch (IllegalCallerException | UnsupportedOperationException | SecurityException e) {
                return null; // refused after all: the same fallback; the loader reports the refusal
            }
        }
    }

    /**
     * Raw loads and stores at any address, for uring4j's own classes only (each keeps the
     * answer in a static final field); any other caller gets {@link IllegalCallerException}.
     */
    public static Memory raw() {
        LibraryAccess.checkCaller("dev.uring4j.internal.Memory.raw()");
        return RAW;
    }

    /** Base address of a direct buffer (ignoring its position). Requires {@code isDirect()}. */
    public static long address(ByteBuffer buffer) {
        // A duplicate at position 0 (scalar-replaced by C2): one read of the position, none of the caller's.
        return MemorySegment.ofBuffer(buffer.duplicate().clear()).address();
    }

    /** Whether raw access is available; without it callers use their ByteBuffer views. */
    public static boolean hasRawAccess() {
        return All.SEGMENT != null;
    }

    /**
     * Stores into native memory uring4j allocated itself (staging records). The caller
     * guarantees the address lies inside a buffer it owns and keeps referenced.
     */
    public void putLong(long address, long value) {
        All.SEGMENT.set(LONG, address, value);
    }

    /** Loads from native memory uring4j owns (completion entries). */
    public long getLong(long address) {
        return All.SEGMENT.get(LONG, address);
    }

    /** Loads from native memory uring4j owns (completion entries). */
    public int getInt(long address) {
        return All.SEGMENT.get(INT, address);
    }

    /** Stores into native memory uring4j owns (provided-buffer ring entries). */
    public void putInt(long address, int value) {
        All.SEGMENT.set(INT, address, value);
    }

    /** Stores into native memory uring4j owns (provided-buffer ring entries and tail). */
    public void putShort(long address, short value) {
        All.SEGMENT.set(SHORT, address, value);
    }

    /** A zeroed direct buffer in the platform's byte order. */
    public static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
