package dev.uring4j;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to set up a {@link Ring}. Immutable; build with {@link #builder()}.
 *
 * <p>By default a ring asks for SINGLE_ISSUER, DEFER_TASKRUN, COOP_TASKRUN,
 * TASKRUN_FLAG, SUBMIT_ALL and NO_SQARRAY; each is dropped (and reported in
 * {@link Ring#setupReport()}) on kernels that refuse it, unless {@link Builder#strict}
 * is set.
 */
public final class RingOptions {
    /** The kernel's IORING_MAX_ENTRIES. */
    public static final int MAX_ENTRIES = 32768;
    /** The kernel's IORING_MAX_CQ_ENTRIES. */
    public static final int MAX_CQ_ENTRIES = 2 * MAX_ENTRIES;

    private final int entries;
    private final int cqEntries;
    private final EnumSet<SetupFlag> flags;
    private final Duration sqThreadIdle;
    private final int sqThreadCpu;
    private final boolean strict;
    private final RingMemory memory;
    private final Ring attachTo;
    private final boolean registerRingFd;

    private RingOptions(Builder b) {
        this.memory = b.memory;
        this.attachTo = b.attachTo;
        this.registerRingFd = b.registerRingFd;
        this.entries = b.entries;
        this.cqEntries = b.cqEntries;
        this.flags = EnumSet.copyOf(b.flags);
        this.sqThreadIdle = b.sqThreadIdle;
        this.sqThreadCpu = b.sqThreadCpu;
        this.strict = b.strict;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RingOptions defaults() {
        return builder().build();
    }

    public int entries() {
        return entries;
    }

    /** CQ size, or 0 for the kernel default (twice {@link #entries()}). */
    public int cqEntries() {
        return cqEntries;
    }

    public Set<SetupFlag> flags() {
        return EnumSet.copyOf(flags);
    }

    public Duration sqThreadIdle() {
        return sqThreadIdle;
    }

    /** CPU the SQPOLL thread is pinned to, or -1. */
    public int sqThreadCpu() {
        return sqThreadCpu;
    }

    public boolean strict() {
        return strict;
    }

    public RingMemory memory() {
        return memory;
    }

    /** The ring whose io-wq (and SQPOLL thread) this ring shares, or null. */
    public Ring attachTo() {
        return attachTo;
    }

    /** Whether the ring fd is registered (REGISTER_RING_FDS, 5.18+) for cheaper submissions. */
    public boolean registerRingFd() {
        return registerRingFd;
    }

    @Override
    public String toString() {
        return "RingOptions{entries=" + entries + ", cqEntries=" + cqEntries + ", flags=" + flags
                + (flags.contains(SetupFlag.SQPOLL) ? ", sqThreadIdle=" + sqThreadIdle + ", sqThreadCpu=" + sqThreadCpu : "")
                + ", memory=" + memory + (attachTo != null ? ", attachTo=fd " + attachTo.fd() : "")
                + ", registerRingFd=" + registerRingFd + ", strict=" + strict + '}';
    }

    public static final class Builder {
        private int entries = 256;
        private int cqEntries;
        private final EnumSet<SetupFlag> flags = EnumSet.of(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN,
                SetupFlag.COOP_TASKRUN, SetupFlag.TASKRUN_FLAG, SetupFlag.SUBMIT_ALL, SetupFlag.NO_SQARRAY);
        private Duration sqThreadIdle = Duration.ofSeconds(1);
        private int sqThreadCpu = -1;
        private boolean strict;
        private RingMemory memory = RingMemory.kernel();
        private Ring attachTo;
        private boolean registerRingFd = true;

        private Builder() {}

        /** Where the rings live: kernel-mapped (default) or NO_MMAP memory; see {@link RingMemory}. */
        public Builder memory(RingMemory memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /**
         * Share {@code ring}'s async worker pool (IORING_SETUP_ATTACH_WQ); for two SQPOLL
         * rings, also its SQ polling thread. Null to not attach.
         */
        public Builder attachWorkQueue(Ring ring) {
            this.attachTo = ring;
            return this;
        }

        /** Register the ring fd with the kernel (REGISTER_RING_FDS, 5.18+); on by default, skipped where unsupported. */
        public Builder registerRingFd(boolean register) {
            this.registerRingFd = register;
            return this;
        }

        /** SQ size: 1 to {@value #MAX_ENTRIES} (rounded up to a power of two by the kernel). */
        public Builder entries(int entries) {
            this.entries = entries;
            return this;
        }

        /** CQ size: 0 (kernel default, 2 x entries) or entries to {@value #MAX_CQ_ENTRIES}. */
        public Builder cqEntries(int cqEntries) {
            this.cqEntries = cqEntries;
            return this;
        }

        /** Adds or removes a setup flag. */
        public Builder flag(SetupFlag flag, boolean enabled) {
            Objects.requireNonNull(flag, "flag");
            if (enabled) {
                flags.add(flag);
                if (flag == SetupFlag.SQPOLL) {
                    flags.remove(SetupFlag.DEFER_TASKRUN); // the kernel forbids the pair
                }
            } else {
                flags.remove(flag);
            }
            return this;
        }

        /** Replaces the whole flag set. */
        public Builder flags(Set<SetupFlag> newFlags) {
            Objects.requireNonNull(newFlags, "newFlags");
            for (SetupFlag f : newFlags) { // before clearing: a refused call leaves the builder as it was
                Objects.requireNonNull(f, "newFlags contains null");
            }
            flags.clear();
            flags.addAll(newFlags);
            return this;
        }

        /**
         * SQPOLL with the kernel thread's idle time before it sleeps, and the CPU it is
         * pinned to (-1: not pinned). DEFER_TASKRUN is removed, as the kernel forbids it with SQPOLL.
         */
        public Builder sqPoll(Duration idle, int cpu) {
            Objects.requireNonNull(idle, "idle");
            flags.add(SetupFlag.SQPOLL);
            flags.remove(SetupFlag.DEFER_TASKRUN);
            this.sqThreadIdle = idle;
            this.sqThreadCpu = cpu;
            return this;
        }

        /** Fail instead of dropping an optional flag the kernel refuses. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** @throws IllegalArgumentException naming the value and its allowed range */
        public RingOptions build() {
            boolean clamp = flags.contains(SetupFlag.CLAMP);
            if (entries < 1 || (!clamp && entries > MAX_ENTRIES)) {
                throw new IllegalArgumentException("entries must be between 1 and " + MAX_ENTRIES
                        + " (the kernel maximum; set CLAMP to have larger values clamped), got " + entries);
            }
            if (cqEntries != 0 && (cqEntries < entries || (!clamp && cqEntries > MAX_CQ_ENTRIES))) {
                throw new IllegalArgumentException("cqEntries must be 0 (default) or between entries (" + entries
                        + ") and " + MAX_CQ_ENTRIES + ", got " + cqEntries);
            }
            // checked even without SQPOLL: setup converts it to int milliseconds either way
            if (sqThreadIdle.isNegative() || sqThreadIdle.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("sqThreadIdle must be between 0 and " + Integer.MAX_VALUE
                        + " ms, got " + sqThreadIdle);
            }
            if (flags.contains(SetupFlag.SQPOLL)) {
                if (sqThreadCpu < -1) {
                    throw new IllegalArgumentException("sqThreadCpu must be -1 (unpinned) or a CPU number, got " + sqThreadCpu);
                }
                if (flags.contains(SetupFlag.DEFER_TASKRUN)) {
                    throw new IllegalArgumentException("DEFER_TASKRUN cannot be combined with SQPOLL (the kernel refuses it)");
                }
            }
            return new RingOptions(this);
        }
    }
}
