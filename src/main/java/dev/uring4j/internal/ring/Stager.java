package dev.uring4j.internal.ring;

import dev.uring4j.Opcode;
import dev.uring4j.UringException;

/**
 * Turns an operation into a staged record: takes an in-flight slot (which references the
 * operation's memory until its last completion), encodes the record's words, and makes
 * room when the staging area is full without cutting a linked chain in two.
 */
public final class Stager {
    /** IOSQE_FIXED_FILE: set by the operations given a FixedFile. */
    public static final int FIXED_FILE = Submissions.IOSQE_FIXED_FILE;
    /** IOSQE_BUFFER_SELECT: set by the provided-buffer receives only. */
    public static final int BUFFER_SELECT = Submissions.IOSQE_BUFFER_SELECT;
    /** IORING_RECVSEND_FIXED_BUF (an ioprio flag of SEND_ZC). */
    public static final long SEND_ZC_FIXED_BUF = 1L << 2;

    private final InFlight inFlight;
    private final Submissions submissions;
    private final Crossing crossing;

    public Stager(InFlight inFlight, Submissions submissions, Crossing crossing) {
        this.inFlight = inFlight;
        this.submissions = submissions;
        this.crossing = crossing;
    }

    /** A slot for an operation that needs scratch memory before it is staged (paths, iovecs). */
    public int acquire() {
        return inFlight.acquire(0L);
    }

    /** Gives back a slot whose operation was never staged. */
    public void release(int slot) {
        inFlight.release(slot);
    }

    public long stage(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, Object ref)
            throws UringException {
        return stage(opcode, sqeFlags, fd, off, addr, len, opFlags, ref, 0L, 0L);
    }

    /**
     * @param ioprio per-op flags of network operations (the SQE's ioprio field)
     * @param word40 bytes 40..47 of the SQE: buf_index (u16), personality (u16), file_index (u32)
     */
    public long stage(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, Object ref,
                      long ioprio, long word40) throws UringException {
        int slot = inFlight.acquire(0L);
        if (ref != null) {
            inFlight.reference(slot, ref);
        }
        return stageSlot(slot, opcode, sqeFlags | (int) (ioprio << 16), fd, off, addr, len, opFlags, word40);
    }

    /** Stages a record for an acquired slot; returns the operation's id (its user_data). */
    public long stageSlot(int slot, int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags,
                          long word40) throws UringException {
        if (submissions.isFull()) {
            try {
                makeRoom();
            } catch (UringException | RuntimeException e) {
                inFlight.release(slot); // never staged: nothing to deliver
                throw e;
            }
        }
        long userData = inFlight.userData(slot);
        // One cheap test keeps the bookkeeping of rarer records out of this method, which must
        // stay under HotSpot's inlining limit (FreqInlineSize, 325 bytecodes): at 366 it was
        // no longer inlined and NOP batches lost 5%.
        if ((sqeFlags & FIXED_FILE) != 0 || word40 != 0 || opcode == Opcode.Code.READ_FIXED
                || opcode == Opcode.Code.WRITE_FIXED || opcode == Opcode.Code.SEND_ZC) {
            noteTables(slot, opcode, sqeFlags, word40);
        }
        // bits 16..31 of sqeFlags carry ioprio (per-op flags of network ops)
        long w0 = (opcode & 0xffL) | ((sqeFlags & 0xffL) << 8) | (((sqeFlags >>> 16) & 0xffffL) << 16)
                | ((long) fd << 32);
        submissions.append(w0, off, addr, (len & 0xffffffffL) | ((long) opFlags << 32), userData, word40);
        return userData;
    }

    /**
     * The registration tables a staged record uses: unregistering them is refused while it
     * is in flight (kernels up to 6.12 wait for every request inside the unregister call).
     */
    private void noteTables(int slot, int opcode, int sqeFlags, long word40) {
        int tables = ((sqeFlags & FIXED_FILE) != 0 || (word40 >>> 32) != 0 ? InFlight.USES_FILE_TABLE : 0)
                | (opcode == Opcode.Code.READ_FIXED || opcode == Opcode.Code.WRITE_FIXED
                        || (opcode == Opcode.Code.SEND_ZC && ((sqeFlags >>> 16) & SEND_ZC_FIXED_BUF) != 0)
                        ? InFlight.USES_BUFFER_TABLE : 0);
        if (tables != 0) {
            inFlight.markUses(slot, tables);
        }
    }

    /**
     * The staging area is full: submits what is staged, except an open linked chain, which
     * moves to the front so that it reaches the kernel in one piece with the record being
     * staged. A chain as long as the staging area cannot be submitted whole and is refused.
     */
    private void makeRoom() throws UringException {
        int staged = submissions.staged();
        int chainStart = submissions.openChainStart();
        if (chainStart == staged) {
            crossing.submitAll(0, 0);
            return;
        }
        if (chainStart == 0) {
            throw new IllegalStateException("a linked chain (link()/hardLink()) of more than " + staged
                    + " operations cannot reach the kernel in one piece (the ring has " + staged
                    + " SQ entries): submit shorter chains, or open the ring with more entries");
        }
        submissions.takeAll();
        try {
            crossing.cross(chainStart, 0, 0);
        } finally {
            submissions.keepFrom(chainStart, staged);
        }
    }
}
