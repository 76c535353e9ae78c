package dev.uring4j;

/**
 * Stages records without the Java-side checks, so tests can prove that the native
 * validator refuses what the operation methods would never produce.
 */
final class UncheckedRecords {
    private UncheckedRecords() {}

    /** Stages one record as given; returns its operation id. */
    static long stage(Ring ring, int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, long tag)
            throws UringException {
        ring.checkUsable();
        long id = ring.stager.stage(opcode, sqeFlags, fd, off, addr, len, opFlags, null);
        ring.inFlight.setTag((int) id, tag);
        return id;
    }
}
