package dev.uring4j.internal.ring;

import java.nio.ByteBuffer;

/**
 * Buffer positions after a transfer, as the JDK's channels leave them: a single buffer's
 * position moves from where the operation started by the bytes transferred; a vector of
 * buffers is filled (or drained) in order. A position never passes the buffer's limit (the
 * caller may have lowered it while the operation ran), so advancing cannot throw, and the
 * completion is always delivered and its slot released.
 */
public final class Positions {
    private Positions() {}

    /** What a vectored operation's slot references: its buffers, and where each started. */
    public static Object vectorOf(ByteBuffer[] buffers) {
        return new Vector(buffers);
    }

    static void advance(Object ref, int start, int bytes) {
        if (ref instanceof ByteBuffer) {
            ByteBuffer b = (ByteBuffer) ref;
            b.position(Math.min(b.limit(), start + bytes));
        } else if (ref instanceof Vector) {
            ((Vector) ref).advance(bytes);
        }
    }

    /** The buffers of a vectored operation and their positions when it was prepared. */
    static final class Vector {
        final ByteBuffer[] buffers;
        final int[] starts;

        Vector(ByteBuffer[] buffers) {
            this.buffers = buffers;
            this.starts = new int[buffers.length];
            for (int i = 0; i < buffers.length; i++) {
                starts[i] = buffers[i].position();
            }
        }

        void advance(int bytes) {
            int left = bytes;
            for (int i = 0; i < buffers.length && left > 0; i++) {
                ByteBuffer b = buffers[i];
                int share = Math.min(left, Math.max(0, b.limit() - starts[i]));
                b.position(Math.min(b.limit(), starts[i] + share));
                left -= share;
            }
        }
    }
}
