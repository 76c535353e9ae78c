package dev.uring4j;

/**
 * io_uring setup flags uring4j can ask for. Optional flags step down (are dropped) when
 * the kernel refuses them with EINVAL, newest first; the others fail ring creation.
 */
public enum SetupFlag {
    /** A kernel thread polls the SQ. Root before 5.11; CAP_SYS_NICE 5.11-5.12; anyone from 5.13. */
    SQPOLL(1 << 1, false, "5.1"),
    /** Clamp entries to the kernel maximum instead of failing. */
    CLAMP(1 << 4, false, "5.6"),
    /** Keep submitting the rest of a batch after one SQE fails. */
    SUBMIT_ALL(1 << 7, true, "5.18"),
    /** Run completion task work cooperatively instead of by IPI. */
    COOP_TASKRUN(1 << 8, true, "5.19"),
    /** Flag pending task work in the SQ ring so liburing enters to run it. */
    TASKRUN_FLAG(1 << 9, true, "5.19"),
    /** 128-byte SQEs (changes the record layout; never stepped down). */
    SQE128(1 << 10, false, "5.19"),
    /** 32-byte CQEs (changes the completion layout; never stepped down). */
    CQE32(1 << 11, false, "5.19"),
    /** Only the creating thread submits: matches {@link Ring}'s owner-thread rule. */
    SINGLE_ISSUER(1 << 12, true, "6.0"),
    /** Completions run when the owner asks for them; needs SINGLE_ISSUER, not with SQPOLL. */
    DEFER_TASKRUN(1 << 13, true, "6.1"),
    /** No SQ index array: SQEs are consumed in order. */
    NO_SQARRAY(1 << 16, true, "6.6");

    private final int bit;
    private final boolean optional;
    private final String since;

    SetupFlag(int bit, boolean optional, String since) {
        this.bit = bit;
        this.optional = optional;
        this.since = since;
    }

    /** The {@code IORING_SETUP_*} bit. */
    public int bit() {
        return bit;
    }

    /** Whether the flag is dropped (rather than failing) when the kernel refuses it. */
    public boolean optional() {
        return optional;
    }

    /** Upstream kernel version that introduced it (distributions backport: uring4j probes). */
    public String since() {
        return since;
    }
}
