package dev.uring4j.nio;

import java.nio.ByteBuffer;

/**
 * Buffer kinds the data cases run with: heap and direct, each also as a slice that does not
 * start at the beginning of its memory (a heap buffer with a non-zero array offset, a direct
 * buffer at an odd address), which an implementation copying or pinning memory must honour.
 */
enum Buf {
    HEAP {
        @Override
        ByteBuffer allocate(int n) {
            return ByteBuffer.allocate(n);
        }
    },
    DIRECT {
        @Override
        ByteBuffer allocate(int n) {
            return ByteBuffer.allocateDirect(n);
        }
    },
    HEAP_SLICE {
        @Override
        ByteBuffer allocate(int n) {
            return ByteBuffer.allocate(n + 7).position(7).slice();
        }
    },
    DIRECT_SLICE {
        @Override
        ByteBuffer allocate(int n) {
            return ByteBuffer.allocateDirect(n + 7).position(7).slice();
        }
    };

    /** A buffer of capacity {@code n}, position 0, limit n. */
    abstract ByteBuffer allocate(int n);

    /** A buffer holding {@code b}, ready to be written (position 0, limit b.length). */
    ByteBuffer of(byte[] b) {
        ByteBuffer x = allocate(b.length);
        x.put(b).flip();
        return x;
    }
}
