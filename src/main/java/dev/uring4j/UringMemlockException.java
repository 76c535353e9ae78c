package dev.uring4j;

import dev.uring4j.diag.MemlockReport;

/**
 * The kernel refused ring setup or buffer registration with ENOMEM because locked
 * memory (RLIMIT_MEMLOCK) is exhausted. Carries the numbers and the ways to raise it.
 */
public class UringMemlockException extends UringException {
    private static final long serialVersionUID = 1L;

    private final long limit;
    private final long locked;
    private final long needed;
    private final boolean ringsCharged;
    private final String advice;

    UringMemlockException(String operation, MemlockReport report, long needed, String what) {
        super(operation, Errno.ENOMEM, report.explain(needed, what), null);
        this.limit = report.softLimit();
        this.locked = report.lockedBytes();
        this.needed = needed;
        this.ringsCharged = report.kernelChargesRings();
        this.advice = report.advice(needed);
    }

    /** The soft RLIMIT_MEMLOCK in bytes (-1: unlimited). */
    public long limit() {
        return limit;
    }

    /** Bytes this process has locked or pinned now (VmLck + VmPin). */
    public long locked() {
        return locked;
    }

    /** Bytes the refused ring or registration needs. */
    public long needed() {
        return needed;
    }

    /** Whether this kernel charges ring memory to RLIMIT_MEMLOCK (before 5.10, and 6.14 up to 7.0, without CAP_IPC_LOCK). */
    public boolean ringsCharged() {
        return ringsCharged;
    }

    /** How to raise the limit: ulimit, limits.conf, systemd, docker, CAP_IPC_LOCK. */
    public String advice() {
        return advice;
    }
}
