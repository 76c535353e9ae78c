package dev.uring4j.internal.ring;

import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;


/**
 * The ring's table of operations the kernel may still be working on. user_data is
 * {@code ring << 52 | generation << 32 | slot}: a late or duplicate completion carries a
 * stale generation and can never complete the slot's next occupant, and an operation id
 * of another ring (or a tag passed where an id belongs) names nothing here. Every buffer an
 * operation uses is referenced from its slot until its completion is dispatched.
 * Owned by one thread; no locking.
 */
public final class InFlight {
    private long[] tags;
    private Object[] refs;
    private Object[] attachments;
    /**
     * Per slot, one word read and written by both acquire and release (so the hot pair
     * touches as few arrays as it can): the generation in bits 8..27, the {@code USES_*}
     * bits below, {@link #IN_USE} and {@link #HOLDS_OBJECTS}.
     */
    private int[] states;
    private int[] nextFree;
    private ByteBuffer[] scratch;
    /** Buffer position at preparation, for operations that advance it by their result. */
    private int[] starts;
    private int fileTableUsers;
    private int bufferTableUsers;
    private int multiUsers;
    private final long ringBits;
    private int freeHead = -1;
    private int used;
    private int active;

    /**
     * Ring numbers: 12 bits, never 0 (small tags) nor 0xfff (liburing's and uring4j's reserved
     * -1, -2). They repeat after 4,094 rings, so an id of a long-closed ring can name a slot of a
     * much later one; the generation (20 bits) still has to match.
     */
    private static final AtomicInteger RINGS = new AtomicInteger();
    private static final int GENERATION_MASK = 0xfffff;
    private static final int GENERATION_SHIFT = 8;
    /** The slot is acquired. */
    private static final int IN_USE = 0x40;
    /** The slot's reference or attachment may be set: release clears them. */
    private static final int HOLDS_OBJECTS = 0x80;
    /** The counted table and multishot bits. */
    private static final int COUNTED = 0x7;

    public InFlight(int initialCapacity) {
        this.ringBits = (long) (1 + Math.floorMod(RINGS.getAndIncrement(), 0xffe)) << 52;
        tags = new long[initialCapacity];
        refs = new Object[initialCapacity];
        attachments = new Object[initialCapacity];
        states = new int[initialCapacity];
        nextFree = new int[initialCapacity];
        scratch = new ByteBuffer[initialCapacity];
        starts = new int[initialCapacity];
        Arrays.fill(states, 1 << GENERATION_SHIFT);
    }

    /** The slot's operation uses the registered file table. */
    public static final int USES_FILE_TABLE = 1;
    /** The slot's operation uses the registered buffers. */
    public static final int USES_BUFFER_TABLE = 2;
    /** The slot's operation may complete more than once (multishot, zero-copy notification). */
    public static final int COMPLETES_MORE_THAN_ONCE = 4;
    /** The slot's reference is a buffer (or array of buffers) whose position advances by the result. */
    public static final int ADVANCES_POSITION = 8;

    /** The operation transfers into or out of its referenced buffer(s) from {@code position} on. */
    public void markTransfer(int slot, int position) {
        states[slot] |= ADVANCES_POSITION | HOLDS_OBJECTS;
        starts[slot] = position;
    }

    /** Whether a reference or an attachment may be set on the slot (else both are null). */
    public boolean holdsObjects(int slot) {
        return (states[slot] & HOLDS_OBJECTS) != 0;
    }

    /** Whether the slot's completion advances its buffer's position. */
    public boolean advancesPosition(int slot) {
        return (states[slot] & ADVANCES_POSITION) != 0;
    }

    /** The buffer position recorded by {@link #markTransfer}. */
    public int start(int slot) {
        return starts[slot];
    }

    /** Records which registration tables the slot's operation uses (until it is released). */
    public void markUses(int slot, int bits) {
        int added = bits & ~states[slot] & (COUNTED | ADVANCES_POSITION);
        states[slot] |= added;
        if ((added & USES_FILE_TABLE) != 0) {
            fileTableUsers++;
        }
        if ((added & USES_BUFFER_TABLE) != 0) {
            bufferTableUsers++;
        }
        if ((added & COMPLETES_MORE_THAN_ONCE) != 0) {
            multiUsers++;
        }
    }

    /** Operations in flight that may complete more than once. */
    public int multiCompletionUsers() {
        return multiUsers;
    }

    /** Operations in flight that use the file table. */
    public int fileTableUsers() {
        return fileTableUsers;
    }

    /** Operations in flight that use the registered buffers. */
    public int bufferTableUsers() {
        return bufferTableUsers;
    }

    /** Takes a free slot (growing the table if needed) and records the tag. */
    public int acquire(long tag) {
        int slot = freeHead;
        if (slot >= 0) {
            freeHead = nextFree[slot];
        } else {
            if (used == tags.length) {
                grow();
            }
            slot = used++;
        }
        tags[slot] = tag;
        states[slot] |= IN_USE;
        active++;
        return slot;
    }

    public long userData(int slot) {
        return ringBits | ((long) (states[slot] >>> GENERATION_SHIFT) << 32) | slot;
    }

    /**
     * Whether {@code userData} carries the reserved ring number 0xfff, which no table uses:
     * the ring's own records (close's cancellations, {@link Closer#CANCEL_USER_DATA}) and
     * liburing's ({@code LIBURING_UDATA_TIMEOUT}, -1). Their completions are never delivered.
     */
    public static boolean isReserved(long userData) {
        return (userData >>> 52) == 0xfff;
    }

    /** Whether {@code id} carries this table's ring number (it may have completed since). */
    public boolean isOwnId(long id) {
        return (id & (0xfffL << 52)) == ringBits;
    }

    public void reference(int slot, Object ref) {
        refs[slot] = ref;
        states[slot] |= HOLDS_OBJECTS;
    }

    /** The slot a user_data names, or -1 if it is not a live operation of this table. */
    public int slotOf(long userData) {
        int slot = (int) userData;
        // A released slot's generation has moved on, so a stale or duplicate completion
        // (or one naming a free slot, or another ring's) never matches.
        // One read of the array: a SocketMessage asks from another thread, and a table that
        // grows in between must not make this throw.
        int[] st = states;
        if (slot < 0 || slot >= used || slot >= st.length) {
            return -1;
        }
        int state = st[slot];
        if ((state & IN_USE) == 0
                || (userData & ~0xffffffffL) != (ringBits | (long) (state >>> GENERATION_SHIFT) << 32)) {
            return -1;
        }
        return slot;
    }

    public long tag(int slot) {
        return tags[slot];
    }

    public void setTag(int slot, long tag) {
        tags[slot] = tag;
    }

    /** An object the ring's owner attached to the operation (an EventLoop's task), or null. */
    public Object attachment(int slot) {
        return attachments[slot];
    }

    public void attach(int slot, Object attachment) {
        attachments[slot] = attachment;
        states[slot] |= HOLDS_OBJECTS;
    }

    public Object reference(int slot) {
        return refs[slot];
    }

    /** Completes a slot: drops its references and bumps the generation. */
    public void release(int slot) {
        int state = states[slot];
        if ((state & HOLDS_OBJECTS) != 0) {
            refs[slot] = null;
            attachments[slot] = null;
        }
        if ((state & COUNTED) != 0) {
            uncount(state);
        }
        int g = ((state >>> GENERATION_SHIFT) + 1) & GENERATION_MASK;
        states[slot] = (g == 0 ? 1 : g) << GENERATION_SHIFT;
        nextFree[slot] = freeHead;
        freeHead = slot;
        active--;
    }

    private void uncount(int state) {
        if ((state & USES_FILE_TABLE) != 0) {
            fileTableUsers--;
        }
        if ((state & USES_BUFFER_TABLE) != 0) {
            bufferTableUsers--;
        }
        if ((state & COMPLETES_MORE_THAN_ONCE) != 0) {
            multiUsers--;
        }
    }

    /**
     * Refuses to unregister a table while operations are in flight: kernels up to 6.12 wait
     * for every request inside the unregister call (it never returns for a read that never
     * completes), and the operations would refer to a table that is gone.
     *
     * @param staged records staged and not yet submitted (they hold slots, not the kernel)
     */
    public void checkTableIdle(boolean files, int staged) {
        int users = active - staged;
        if (users > 0) {
            int direct = files ? fileTableUsers : bufferTableUsers;
            throw new IllegalStateException(users + " operation(s) are in flight (" + direct + " of them use the "
                    + (files ? "file table" : "registered buffers") + "): reap them (or cancel them and reap the "
                    + "cancellations) before unregistering; kernels up to 6.12 wait for every request inside the "
                    + "unregister call");
        }
    }

    /** Whether a live operation references {@code ref} (e.g. a provided-buffer group). */
    public boolean referencesAny(Object ref) {
        for (int i = 0; i < used; i++) {
            if ((states[i] & IN_USE) != 0 && refs[i] == ref) {
                return true;
            }
        }
        return false;
    }

    /** Operations acquired and not yet released. */
    public int active() {
        return active;
    }

    /** Calls {@code action} for every live slot (used by close). */
    public void forEachActive(IntConsumer action) {
        for (int i = 0; i < used; i++) {
            if ((states[i] & IN_USE) != 0) {
                action.accept(i);
            }
        }
    }

    /**
     * Native memory owned by a slot (iovecs, a timespec, a path), reused across the
     * operations that occupy the slot. Only valid while the slot is acquired.
     */
    public ByteBuffer scratch(int slot, int bytes) {
        ByteBuffer b = scratch[slot];
        if (b == null || b.capacity() < bytes) {
            b = Memory.allocate(Math.max(64, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1));
            scratch[slot] = b;
        }
        return b;
    }

    /** The slot's scratch memory if it has any (what the kernel may still read), else null. */
    public ByteBuffer scratchIfAny(int slot) {
        return scratch[slot];
    }

    private void grow() {
        int n = tags.length * 2;
        tags = Arrays.copyOf(tags, n);
        refs = Arrays.copyOf(refs, n);
        attachments = Arrays.copyOf(attachments, n);
        int old = states.length;
        states = Arrays.copyOf(states, n);
        Arrays.fill(states, old, n, 1 << GENERATION_SHIFT);
        nextFree = Arrays.copyOf(nextFree, n);
        scratch = Arrays.copyOf(scratch, n);
        starts = Arrays.copyOf(starts, n);
    }
}
