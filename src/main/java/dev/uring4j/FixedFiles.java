package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The ring's registered file table. Operations given a {@link FixedFile} ({@link #slot(int)})
 * use the registered file instead of an fd, which saves the kernel an fd lookup and
 * reference per operation. {@link Ring#openatDirect} opens straight into a slot. Owned by its ring
 * and used on the ring's thread.
 */
public final class FixedFiles {
    private static final Native NATIVE = Native.access();
    private final Ring ring;
    private int size;
    private FixedFile[] slots = new FixedFile[0];

    FixedFiles(Ring ring) {
        this.ring = ring;
    }

    /** Registers a table with these fds; -1 leaves a slot empty (sparse entries). */
    public void register(int... fds) throws UringException {
        Objects.requireNonNull(fds, "fds");
        ring.checkUsable();
        checkNotRegistered();
        if (fds.length == 0) {
            throw new IllegalArgumentException("register needs at least one fd (or use registerSparse)");
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < -1) {
                throw new IllegalArgumentException("fds[" + i + "] = " + fds[i] + ": use an fd >= 0, or -1 for an empty slot");
            }
        }
        ByteBuffer b = ints(fds);
        check(NATIVE.registerFiles(ring.handle(), Memory.address(b), fds.length), "io_uring_register(FILES)", fds.length);
        size = fds.length;
    }

    /**
     * Registers a table of {@code count} empty slots, to be filled by {@link #update} or by
     * direct opens and accepts (those need direct descriptors, 5.15+). Kernels before 5.19,
     * which lack sparse registration, get the same table registered as {@code count} entries
     * of -1 (taken since 5.5).
     */
    public void registerSparse(int count) throws UringException {
        ring.checkUsable();
        checkNotRegistered();
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, got " + count);
        }
        check(NATIVE.registerFilesSparse(ring.handle(), count), "io_uring_register(FILES sparse)", count);
        size = count;
    }

    /** Replaces slots {@code offset ...} with these fds (-1 empties a slot). */
    public void update(int offset, int... fds) throws UringException {
        Objects.requireNonNull(fds, "fds");
        ring.checkUsable();
        checkRegistered("update");
        if (offset < 0 || fds.length == 0 || offset > size - fds.length) {
            throw new IndexOutOfBoundsException("slots [" + offset + ", " + offset + " + " + fds.length
                    + ") are outside the registered table of " + size + " slots");
        }
        ByteBuffer b = ints(fds);
        int r = NATIVE.updateFiles(ring.handle(), offset, Memory.address(b), fds.length);
        check(r, "io_uring_register(FILES_UPDATE)", fds.length);
        if (r != fds.length) {
            throw new UringException("io_uring_register(FILES_UPDATE)", 0, "only " + r + " of " + fds.length + " slots updated");
        }
    }

    /** Unregisters the table; refused while operations that use it are in flight. */
    public void unregister() throws UringException {
        ring.checkUsable();
        checkRegistered("unregister");
        ring.inFlight.checkTableIdle(true, ring.submissions.staged());
        check(NATIVE.unregisterFiles(ring.handle()), "io_uring_unregister(FILES)", size);
        size = 0;
    }

    /** Slot {@code index} of the registered table, for the operations that take a {@link FixedFile}. */
    public FixedFile slot(int index) {
        checkSlot("slot", index);
        if (slots.length != size) {
            FixedFile[] all = new FixedFile[size];
            for (int i = 0; i < size; i++) {
                all[i] = new FixedFile(this, i);
            }
            slots = all;
        }
        return slots[index];
    }

    /** Slots in the registered table, 0 if none is registered. */
    public int size() {
        return size;
    }

    public boolean isRegistered() {
        return size > 0;
    }

    /** The slot index of {@code file} for an operation, checked against this table. */
    int slotOf(FixedFile file) {
        Objects.requireNonNull(file, "file");
        if (file.table != this) {
            throw new IllegalArgumentException(file + " belongs to another ring's file table");
        }
        checkSlot("fixed file", file.slot);
        return file.slot;
    }

    /** Checks that {@code slot} names a slot of the registered table. */
    private void checkSlot(String op, int slot) {
        if (size == 0) {
            throw new IllegalStateException(op + " uses a fixed file (slot " + slot + "), but no file table is registered: "
                    + "call ring.fixedFiles().register(...) first");
        }
        if (slot < 0 || slot >= size) {
            throw new IndexOutOfBoundsException(op + ": fixed file slot " + slot + " is outside the registered table of "
                    + size + " slots");
        }
    }

    private void checkNotRegistered() {
        if (size > 0) {
            throw new IllegalStateException("a file table of " + size + " slots is already registered: unregister it, or use update");
        }
    }

    void checkRegistered(String what) {
        if (size == 0) {
            throw new IllegalStateException(what + ": no file table is registered");
        }
    }

    private static ByteBuffer ints(int[] values) {
        ByteBuffer b = Memory.allocate(values.length * 4);
        for (int i = 0; i < values.length; i++) {
            b.putInt(i * 4, values[i]);
        }
        return b;
    }

    private static void check(int r, String op, int count) throws UringException {
        if (r < 0) {
            throw new UringException(op, -r, count + " slots" + (-r == Errno.EMFILE
                    ? ": the table may not exceed RLIMIT_NOFILE (ulimit -n)" : ""));
        }
    }
}
