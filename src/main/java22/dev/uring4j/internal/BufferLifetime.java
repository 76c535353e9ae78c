package dev.uring4j.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Whether uring4j can keep a buffer's memory alive until the kernel is done with it.
 *
 * <p>A buffer from {@code ByteBuffer.allocateDirect}, {@code FileChannel.map(mode, pos, len)},
 * a slice or duplicate of one, or a view of an {@code Arena.ofAuto()} / {@code Arena.global()}
 * segment is freed only by the garbage collector (or never): the ring references it until
 * the operation's last completion, and that is enough. A view of an {@code Arena.ofConfined()}
 * or {@code Arena.ofShared()} segment (also {@code FileChannel.map(mode, pos, len, arena)}
 * with such an arena) can be freed by {@code arena.close()} at any moment, whatever the
 * ring references, and the kernel would then write into memory that belongs to someone
 * else. Java offers no public way to hold such an arena open, so the ring and AsyncFile
 * refuse those buffers up front ({@link #check}), and the JDK's channels of dev.uring4j.nio
 * move their bytes through a copy instead ({@link #isFreeable}, nio.ArenaCopies); a buffer
 * whose arena is already closed is refused as the JDK's channels refuse it.
 *
 * <p>The JDK 22+ version (META-INF/versions/22 of the multi-release jar), on the public FFM
 * API only: {@code MemorySegment.ofBuffer(buffer).scope()} is the scope of the segment the
 * buffer views, or for a buffer that views none a heap scope of its own. The common case
 * allocates nothing: a heap buffer never views memory an arena can free (heap segments have
 * no closeable scope), and a direct buffer found in {@link Memory}'s table of buffers seen
 * lately views no segment (a buffer's segment is fixed for its life).
 */
public final class BufferLifetime {
    private BufferLifetime() {}

    /**
     * Throws unless the memory of {@code buffer} stays alive while {@code buffer} is referenced.
     *
     * @throws IllegalStateException    if the buffer's arena is already closed (as FileChannel throws)
     * @throws IllegalArgumentException if its arena can be closed while the kernel uses it
     */
    public static void check(String op, ByteBuffer buffer) {
        if (isFreeable(op, buffer)) {
            throw ArenaRefusals.closeable(op);
        }
    }

    /**
     * Whether {@code buffer}'s memory belongs to an Arena that can be closed while it is
     * referenced: the kernel must not be given it, and a copy has to stand in for it.
     *
     * @throws IllegalStateException if the buffer's arena is already closed (as FileChannel throws)
     */
    public static boolean isFreeable(String op, ByteBuffer buffer) {
        MemorySegment.Scope scope = arenaScope(buffer);
        if (scope == null) {
            return false; // heap memory, or a direct buffer that views no segment: the GC frees it, the ring holds it
        }
        if (!scope.isAlive()) {
            throw ArenaRefusals.closed(op);
        }
        return isCloseable(scope);
    }

    /** Whether {@code buffer} views memory of a thread-confined arena ({@code Arena.ofConfined()}). */
    public static boolean isThreadConfined(ByteBuffer buffer) {
        MemorySegment.Scope scope = arenaScope(buffer);
        return scope != null && scope.getClass().getName().equals("jdk.internal.foreign.ConfinedSession");
    }

    /** The scope of the segment {@code buffer} views, or null if it views none. */
    private static MemorySegment.Scope arenaScope(ByteBuffer buffer) {
        if (!buffer.isDirect() || Memory.known(buffer) != null) {
            return null; // heap memory, or a direct buffer seen before that views no segment
        }
        MemorySegment.Scope scope;
        try {
            scope = MemorySegment.ofBuffer(buffer).scope();
        } catch (RuntimeException e) {
            throw new IllegalStateException("reading the memory segment of a buffer failed", e);
        }
        if (scope.getClass() == Memory.PLAIN_SCOPE) {
            Memory.lookUp(buffer); // remembered: the next check of this buffer allocates nothing
            return null;
        }
        return scope;
    }

    /** ConfinedSession and SharedSession can be closed explicitly; GlobalSession (and its heap form) and ImplicitSession cannot. */
    private static boolean isCloseable(MemorySegment.Scope scope) {
        String n = scope.getClass().getName();
        return !(n.startsWith("jdk.internal.foreign.GlobalSession") || n.equals("jdk.internal.foreign.ImplicitSession"));
    }
}
