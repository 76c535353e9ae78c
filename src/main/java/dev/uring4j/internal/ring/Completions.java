package dev.uring4j.internal.ring;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Cqe;
import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Completions waiting to be dispatched: those the native call copied out of the CQ
 * (16 or 32 bytes each, kept until dispatched: a handler that throws leaves the rest for
 * the next call), and those the ring made up for operations the kernel never saw
 * (refused batches, close). Dispatch releases the operation's slot before its handler
 * runs, and advances the buffer position of a data transfer by its result.
 */
public final class Completions {
    private static final Memory MEM = Memory.raw();
    private static final boolean RAW = Memory.hasRawAccess();

    private final ByteBuffer buffer;
    private final long address;
    private final int capacity;
    private final int cqeSize;
    private final InFlight inFlight;
    private int head;
    private int count;
    private long[] syntheticUserData = new long[16];
    private int[] syntheticResult = new int[16];
    private int syntheticHead;
    private int syntheticCount;
    private long strays;

    public Completions(int capacity, int cqeSize, InFlight inFlight) {
        this.capacity = capacity;
        this.cqeSize = cqeSize;
        this.inFlight = inFlight;
        this.buffer = Memory.allocate(capacity * cqeSize);
        this.address = Memory.address(buffer);
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public long address() {
        return address;
    }

    /** Moves undelivered completions to the front; returns the first free entry. */
    public int compact() {
        if (head > 0) {
            int remaining = count - head;
            if (remaining > 0) {
                buffer.put(0, buffer, head * cqeSize, remaining * cqeSize);
            }
            head = 0;
            count = remaining;
        }
        return count;
    }

    /** Free entries after {@link #compact()}. */
    public int free() {
        return capacity - count;
    }

    /**
     * How many completions can be ready at most before some are dispatched: the reap
     * buffer's entries (the CQ's) plus the made-up ones waiting.
     */
    public int holdable() {
        return capacity + (syntheticCount - syntheticHead);
    }

    /** The native call copied {@code n} completions after the ones kept. */
    public void added(int n) {
        count += n;
    }

    /** A completion for an operation the kernel never saw (or will never answer). */
    public void synthesize(long userData, int result) {
        if (syntheticCount == syntheticUserData.length) {
            syntheticUserData = Arrays.copyOf(syntheticUserData, syntheticCount * 2);
            syntheticResult = Arrays.copyOf(syntheticResult, syntheticCount * 2);
        }
        syntheticUserData[syntheticCount] = userData;
        syntheticResult[syntheticCount++] = result;
    }

    /** Completions ready to dispatch. */
    public int ready() {
        return (count - head) + (syntheticCount - syntheticHead);
    }

    /** Completions whose user_data named no live operation (should stay 0). */
    public long strays() {
        return strays;
    }

    /**
     * Delivers every ready completion to {@code handler}. If it throws, the completions not
     * yet delivered stay for the next call.
     *
     * @return the number delivered
     */
    public int dispatch(CompletionHandler handler) {
        int n = 0;
        while (syntheticHead < syntheticCount) {
            int i = syntheticHead++;
            if (deliver(handler, syntheticUserData[i], syntheticResult[i], 0)) {
                n++;
            }
        }
        syntheticHead = 0;
        syntheticCount = 0;
        while (head < count) {
            int off = head++ * cqeSize;
            long ud;
            int res;
            int flags;
            if (RAW) {
                long a = address + off; // off < capacity * cqeSize
                ud = MEM.getLong(a);
                res = MEM.getInt(a + 8);
                flags = MEM.getInt(a + 12);
            } else {
                ud = buffer.getLong(off);
                res = buffer.getInt(off + 8);
                flags = buffer.getInt(off + 12);
            }
            if (deliver(handler, ud, res, flags)) {
                n++;
            }
        }
        return n;
    }

    private static void handOut(Object group, int flags) {
        if (group instanceof BufferGroup) { // the operations that receive into a provided-buffer group
            ((BufferGroup) group).handedOut(Cqe.bufferId(flags));
        }
    }

    private boolean deliver(CompletionHandler handler, long userData, int res, int flags) {
        if (InFlight.isReserved(userData)) { // the ring's own records, and liburing's
            return false;
        }
        int slot = inFlight.slotOf(userData);
        if (slot < 0) {
            strays++;
            return false;
        }
        long tag = inFlight.tag(slot);
        Object attachment = null;
        if (inFlight.holdsObjects(slot)) { // not for NOPs and timeouts: their dispatch stays short
            attachment = inFlight.attachment(slot);
            if (res > 0 && inFlight.advancesPosition(slot) && (flags & Cqe.F_NOTIF) == 0) {
                Positions.advance(inFlight.reference(slot), inFlight.start(slot), res);
            }
            if ((flags & Cqe.F_BUFFER) != 0) {
                handOut(inFlight.reference(slot), flags);
            }
        }
        if ((flags & Cqe.F_MORE) == 0) {
            inFlight.release(slot);
        }
        if (attachment == null) {
            handler.onCompletion(tag, res, flags);
        } else {
            handler.onCompletion(tag, attachment, res, flags);
        }
        return true;
    }
}
