package dev.uring4j.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
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
 *
 * <p>{@code MemorySegment.ofBuffer} makes a segment and a scope object per call; C2 removes
 * them only where it inlines the whole chain, which a call site deep enough (a read issued
 * from a completion handler) does not get ("inlining too deep": 32-64 B per read, measured).
 * So the direct buffers seen lately that view no memory segment are remembered with their
 * base address ({@link Known}: both are fixed for a buffer's life), and a buffer seen before
 * costs a look-up that allocates nothing, inlined or not; {@link BufferLifetime} asks the
 * same table.
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
        Known k = known(buffer);
        return k != null ? k.address : lookUp(buffer);
    }

    /** The scope class of a buffer that views no memory segment (and of heap segments): never closed. */
    static final Class<?> PLAIN_SCOPE = MemorySegment.ofArray(new byte[0]).scope().getClass();

    /** A direct buffer that views no memory segment, and its base address: both fixed for the buffer's life. */
    static final class Known extends WeakReference<ByteBuffer> {
        final long address;

        Known(ByteBuffer buffer, long address) {
            super(buffer);
            this.address = address;
        }
    }

    /**
     * Set-associative (4 ways x 1024 sets), shared by all threads: an entry is immutable and
     * replaced whole, a reader that sees a stale or half-published one finds no match and looks
     * the buffer up again; entries do not keep their buffers alive.
     */
    private static final int WAYS = 4;
    private static final int SETS = 1024;
    private static final Known[] KNOWN = new Known[WAYS * SETS];
    private static int victim;

    /** The entry of {@code buffer} if it is a direct buffer without a segment seen lately, else null; allocates nothing. */
    static Known known(ByteBuffer buffer) {
        int set = (System.identityHashCode(buffer) & (SETS - 1)) * WAYS;
        for (int i = set; i < set + WAYS; i++) {
            Known k = KNOWN[i];
            if (k != null && k.refersTo(buffer)) {
                return k;
            }
        }
        return null;
    }

    /**
     * The base address through {@code MemorySegment.ofBuffer} (of a duplicate at position 0:
     * the caller's position is not read twice), remembered if the buffer is direct and views
     * no memory segment.
     */
    static long lookUp(ByteBuffer buffer) {
        MemorySegment s = MemorySegment.ofBuffer(buffer.duplicate().clear());
        long address = s.address();
        if (buffer.isDirect() && s.scope().getClass() == PLAIN_SCOPE) {
            int set = (System.identityHashCode(buffer) & (SETS - 1)) * WAYS;
            int slot = set + (victim++ & (WAYS - 1));
            for (int i = set; i < set + WAYS; i++) {
                Known k = KNOWN[i];
                if (k == null || k.refersTo(null)) {
                    slot = i; // a free way, or one whose buffer is gone
                    break;
                }
            }
            KNOWN[slot] = new Known(buffer, address);
        }
        return address;
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
