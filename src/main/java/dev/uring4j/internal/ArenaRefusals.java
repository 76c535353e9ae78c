package dev.uring4j.internal;

/**
 * The refusals of buffers whose memory an Arena owns: one home for both versions of
 * {@link BufferLifetime} (the JDK 17 one, and the JDK 22+ one of the multi-release jar).
 */
final class ArenaRefusals {
    private ArenaRefusals() {}

    /** The buffer's arena is closed already. */
    static IllegalStateException closed(String op) {
        return new IllegalStateException(op + ": Already closed (the Arena of this buffer's memory segment is closed; "
                + "its memory may already belong to someone else)");
    }

    /** The buffer's arena can be closed at any time, which uring4j cannot prevent while the kernel uses it. */
    static IllegalArgumentException closeable(String op) {
        return new IllegalArgumentException(op + ": this buffer views memory of an Arena that can be closed at any "
                + "moment (Arena.ofConfined or Arena.ofShared, also FileChannel.map with such an arena); closing it "
                + "while the kernel still reads or writes the memory would let the kernel touch memory that belongs "
                + "to someone else, and uring4j cannot hold the arena open. Use ByteBuffer.allocateDirect, a buffer "
                + "of Arena.ofAuto() or Arena.global(), or FileChannel.map without an arena");
    }
}
