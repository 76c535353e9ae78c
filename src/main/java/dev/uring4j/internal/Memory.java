package dev.uring4j.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct memory helpers: buffer addresses without a JNI crossing per operation.
 *
 * <p>JDK 17-21: through {@code sun.misc.Unsafe}. On JDK 22+ the multi-release jar holds another
 * version of this class (src/main/java22, on {@code java.lang.foreign}): keep the public
 * methods of both the same.
 */
public final class Memory {
    private static final Object UNSAFE;
    private static final long ADDRESS_OFFSET;
    private static final MethodHandle GET_LONG;
    // Raw access for the ring's own staging and completion memory (hot path; addresses are ours).
    private static final MethodHandle PUT_LONG_RAW;
    private static final MethodHandle GET_LONG_RAW;
    private static final MethodHandle GET_INT_RAW;
    private static final MethodHandle PUT_INT_RAW;
    private static final MethodHandle PUT_SHORT_RAW;

    static {
        Object unsafe = null;
        long offset = -1;
        MethodHandle getLong = null;
        MethodHandle putRaw = null;
        MethodHandle getRaw = null;
        MethodHandle getIntRaw = null;
        MethodHandle putIntRaw = null;
        MethodHandle putShortRaw = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            Field address = Buffer.class.getDeclaredField("address");
            offset = (long) c.getMethod("objectFieldOffset", Field.class).invoke(unsafe, address);
            getLong = MethodHandles.lookup()
                    .findVirtual(c, "getLong", MethodType.methodType(long.class, Object.class, long.class))
                    .bindTo(unsafe);
            MethodHandles.Lookup l = MethodHandles.lookup();
            putRaw = l.findVirtual(c, "putLong", MethodType.methodType(void.class, long.class, long.class))
                    .bindTo(unsafe);
            getRaw = l.findVirtual(c, "getLong", MethodType.methodType(long.class, long.class))
                    .bindTo(unsafe);
            getIntRaw = l.findVirtual(c, "getInt", MethodType.methodType(int.class, long.class))
                    .bindTo(unsafe);
            putIntRaw = l.findVirtual(c, "putInt", MethodType.methodType(void.class, long.class, int.class))
                    .bindTo(unsafe);
            putShortRaw = l.findVirtual(c, "putShort", MethodType.methodType(void.class, long.class, short.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unsafe = null; // fall back to JNI's GetDirectBufferAddress and ByteBuffer access
            getLong = null;
            putRaw = null;
            getRaw = null;
            getIntRaw = null;
            putIntRaw = null;
            putShortRaw = null;
        }
        UNSAFE = unsafe;
        ADDRESS_OFFSET = offset;
        GET_LONG = getLong;
        PUT_LONG_RAW = putRaw;
        GET_LONG_RAW = getRaw;
        GET_INT_RAW = getIntRaw;
        PUT_INT_RAW = putIntRaw;
        PUT_SHORT_RAW = putShortRaw;
    }

    private static final Memory RAW = new Memory();
    private static final Native NATIVE = Native.access();

    private Memory() {}

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
        if (GET_LONG != null) {
            try {
                return (long) GET_LONG.invokeExact((Object) buffer, ADDRESS_OFFSET);
            } catch (Throwable t) {
                throw new IllegalStateException("reading a direct buffer address failed", t);
            }
        }
        return NATIVE.directBufferAddress(buffer);
    }

    /** Whether raw access is available; without it callers use their ByteBuffer views. */
    public static boolean hasRawAccess() {
        return PUT_LONG_RAW != null;
    }

    /**
     * Stores into native memory uring4j allocated itself (staging records). The caller
     * guarantees the address lies inside a buffer it owns and keeps referenced.
     */
    public void putLong(long address, long value) {
        try {
            PUT_LONG_RAW.invokeExact(address, value);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Loads from native memory uring4j owns (completion entries). */
    public long getLong(long address) {
        try {
            return (long) GET_LONG_RAW.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Loads from native memory uring4j owns (completion entries). */
    public int getInt(long address) {
        try {
            return (int) GET_INT_RAW.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Stores into native memory uring4j owns (provided-buffer ring entries). */
    public void putInt(long address, int value) {
        try {
            PUT_INT_RAW.invokeExact(address, value);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Stores into native memory uring4j owns (provided-buffer ring entries and tail). */
    public void putShort(long address, short value) {
        try {
            PUT_SHORT_RAW.invokeExact(address, value);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A zeroed direct buffer in the platform's byte order. */
    public static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
