package dev.uring4j;

/**
 * A slot of a ring's registered file table ({@link FixedFiles#slot(int)}): operations given
 * one use the registered file (no fd lookup per operation in the kernel) instead of an fd,
 * and the compiler keeps the two apart. Valid for its ring only.
 */
public final class FixedFile {
    final FixedFiles table;
    final int slot;

    FixedFile(FixedFiles table, int slot) {
        this.table = table;
        this.slot = slot;
    }

    /** The slot's index in the table. */
    public int index() {
        return slot;
    }

    @Override
    public String toString() {
        return "FixedFile{slot " + slot + "}";
    }
}
