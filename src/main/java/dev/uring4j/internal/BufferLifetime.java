package dev.uring4j.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
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
 * whose arena is already closed is refused as the JDK's channels refuse it. On JDK 17-21, a buffer over an incubator or preview segment is refused too: its scope
 * cannot be checked there.
 *
 * <p>The common case costs one field load: only a buffer that views a memory segment
 * (java.nio.Buffer's {@code segment} field is set) is looked at further.
 *
 * <p>JDK 17-21 (and any JDK where this version is used): through {@code sun.misc.Unsafe}. On
 * JDK 22+ the multi-release jar holds another version of this class (src/main/java22, on
 * {@code MemorySegment.ofBuffer}): keep the public methods of both the same.
 */
public final class BufferLifetime {
    /** Unsafe.getObject(Object, long) bound to the Unsafe, and Buffer.segment's offset; null without Unsafe. */
    private static final MethodHandle GET_OBJECT;
    private static final long SEGMENT_OFFSET;
    /** MemorySegment.ofBuffer(Buffer), without a field reader (no Unsafe): JDK 22+. */
    private static final MethodHandle OF_BUFFER;
    private static final MethodHandle SCOPE;
    private static final MethodHandle IS_ALIVE;

    static {
        MethodHandle getObject = null;
        long offset = -1;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            offset = (long) c.getMethod("objectFieldOffset", Field.class).invoke(unsafe, Buffer.class.getDeclaredField("segment"));
            getObject = MethodHandles.lookup()
                    .findVirtual(c, "getObject", MethodType.methodType(Object.class, Object.class, long.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            getObject = null; // no Buffer.segment field (or no Unsafe): MemorySegment.ofBuffer decides below
        }
        GET_OBJECT = getObject;
        SEGMENT_OFFSET = offset;
        MethodHandle ofBuffer = null, scope = null, isAlive = null;
        try {
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> scopeClass = Class.forName("java.lang.foreign.MemorySegment$Scope");
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            ofBuffer = l.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class))
                    .asType(MethodType.methodType(Object.class, Buffer.class));
            scope = l.findVirtual(segment, "scope", MethodType.methodType(scopeClass))
                    .asType(MethodType.methodType(Object.class, Object.class));
            isAlive = l.findVirtual(scopeClass, "isAlive", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            ofBuffer = scope = isAlive = null; // JDK 17-21: no final FFM API
        }
        OF_BUFFER = ofBuffer;
        SCOPE = scope;
        IS_ALIVE = isAlive;
    }

    private BufferLifetime() {}

    /**
     * Throws unless the memory of {@code buffer} stays alive while {@code buffer} is referenced.
     *
     * @throws IllegalStateException    if the buffer's arena is already closed (as FileChannel throws)
     * @throws IllegalArgumentException if its arena can be closed while the kernel uses it
     */
    public static void check(String op, ByteBuffer buffer) {
        int kind = kind(op, buffer);
        if (kind == UNCHECKABLE) {
            throw new IllegalArgumentException(op + ": this buffer views a memory segment (jdk.incubator.foreign or a "
                    + "preview java.lang.foreign) whose lifetime uring4j cannot check on this JDK; the segment could be "
                    + "freed while the kernel uses it. Use ByteBuffer.allocateDirect");
        }
        if (kind != GC_OWNED) {
            throw ArenaRefusals.closeable(op);
        }
    }

    /**
     * Whether {@code buffer}'s memory can be freed while it is referenced (an Arena's, or a
     * segment's whose lifetime this JDK does not let us check): the kernel must not be given
     * it, and a copy has to stand in for it.
     *
     * @throws IllegalStateException if the buffer's arena is already closed (as FileChannel throws)
     */
    public static boolean isFreeable(String op, ByteBuffer buffer) {
        return kind(op, buffer) != GC_OWNED;
    }

    /**
     * Whether {@code buffer} views memory of a thread-confined arena ({@code Arena.ofConfined()}):
     * only its owner thread may touch it. False where this JDK cannot tell.
     */
    public static boolean isThreadConfined(ByteBuffer buffer) {
        Object scope = scopeOf(segmentOf(buffer));
        return scope != null && scope.getClass().getName().equals("jdk.internal.foreign.ConfinedSession");
    }

    private static final int GC_OWNED = 0, CLOSEABLE = 1, UNCHECKABLE = 2;

    private static int kind(String op, ByteBuffer buffer) {
        Object segment = segmentOf(buffer);
        if (segment == null) {
            return GC_OWNED; // not a view of a memory segment: the GC frees it, and the ring holds it
        }
        if (SCOPE == null) {
            return UNCHECKABLE;
        }
        Object scope = scopeOf(segment);
        boolean alive;
        try {
            alive = (boolean) IS_ALIVE.invokeExact(scope);
        } catch (Throwable t) {
            throw new IllegalStateException("reading the scope of a buffer's memory segment failed", t);
        }
        if (!alive) {
            throw ArenaRefusals.closed(op);
        }
        return isCloseable(scope) ? CLOSEABLE : GC_OWNED;
    }

    /** The segment {@code buffer} views, or null (none, or JDK 17-21 without a readable segment field). */
    private static Object segmentOf(ByteBuffer buffer) {
        try {
            if (GET_OBJECT != null) {
                return (Object) GET_OBJECT.invokeExact((Object) buffer, SEGMENT_OFFSET);
            } else if (OF_BUFFER != null) {
                return (Object) OF_BUFFER.invokeExact((Buffer) buffer);
            }
            return null; // JDK 17-21 without a readable segment field: no arena-backed buffers to see
        } catch (Throwable t) {
            throw new IllegalStateException("reading the memory segment of a buffer failed", t);
        }
    }

    /** The segment's scope, or null for no segment or where the final FFM API is missing. */
    private static Object scopeOf(Object segment) {
        if (segment == null || SCOPE == null) {
            return null;
        }
        try {
            return (Object) SCOPE.invokeExact(segment);
        } catch (Throwable t) {
            throw new IllegalStateException("reading the scope of a buffer's memory segment failed", t);
        }
    }

    /** ConfinedSession and SharedSession can be closed explicitly; GlobalSession (and its heap form) and ImplicitSession cannot. */
    private static boolean isCloseable(Object scope) {
        String n = scope.getClass().getName();
        return !(n.startsWith("jdk.internal.foreign.GlobalSession") || n.equals("jdk.internal.foreign.ImplicitSession"));
    }
}
