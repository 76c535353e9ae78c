package dev.uring4j.internal;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Direct memory helpers: buffer addresses without a JNI crossing per operation. */
public final class Memory {
    private static final Object UNSAFE;
    private static final long ADDRESS_OFFSET;
    private static final java.lang.invoke.MethodHandle GET_LONG;

    static {
        Object unsafe = null;
        long offset = -1;
        java.lang.invoke.MethodHandle getLong = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            Field address = Buffer.class.getDeclaredField("address");
            offset = (long) c.getMethod("objectFieldOffset", Field.class).invoke(unsafe, address);
            getLong = java.lang.invoke.MethodHandles.lookup()
                    .findVirtual(c, "getLong", java.lang.invoke.MethodType.methodType(long.class, Object.class, long.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unsafe = null; // fall back to JNI's GetDirectBufferAddress
        }
        UNSAFE = unsafe;
        ADDRESS_OFFSET = offset;
        GET_LONG = getLong;
    }

    private Memory() {}

    /** Base address of a direct buffer (ignoring its position). Requires {@code isDirect()}. */
    public static long address(ByteBuffer buffer) {
        if (GET_LONG != null) {
            try {
                return (long) GET_LONG.invokeExact((Object) buffer, ADDRESS_OFFSET);
            } catch (Throwable t) {
                throw new IllegalStateException("reading a direct buffer address failed", t);
            }
        }
        return Native.directBufferAddress(buffer);
    }

    /** A zeroed direct buffer in the platform's byte order. */
    public static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
