package dev.uring4j;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Which setup flags a ring asked for, which the kernel applied, and why any were dropped. */
public final class SetupReport {
    private final Set<SetupFlag> requested;
    private final Set<SetupFlag> applied;
    private final Map<SetupFlag, String> dropped;
    private final int appliedBits;
    private final boolean noMmap;
    private final String memory;
    private final String ringFd;

    SetupReport(Set<SetupFlag> requested, int appliedBits, Map<SetupFlag, String> dropped, boolean noMmap,
                String memory, String ringFd) {
        this.noMmap = noMmap;
        this.memory = memory;
        this.ringFd = ringFd;
        this.requested = Collections.unmodifiableSet(EnumSet.copyOf(requested.isEmpty() ? EnumSet.noneOf(SetupFlag.class) : requested));
        EnumSet<SetupFlag> a = EnumSet.noneOf(SetupFlag.class);
        for (SetupFlag f : SetupFlag.values()) {
            if ((appliedBits & f.bit()) != 0) {
                a.add(f);
            }
        }
        this.applied = Collections.unmodifiableSet(a);
        this.dropped = Collections.unmodifiableMap(dropped.isEmpty() ? new EnumMap<>(SetupFlag.class) : new EnumMap<>(dropped));
        this.appliedBits = appliedBits;
    }

    public Set<SetupFlag> requested() {
        return requested;
    }

    /** Flags the kernel accepted (read back from the ring; liburing may add NO_SQARRAY itself). */
    public Set<SetupFlag> applied() {
        return applied;
    }

    /** Requested flags that were dropped, each with the reason. */
    public Map<SetupFlag, String> dropped() {
        return dropped;
    }

    /** Whether the rings live in process-provided memory (IORING_SETUP_NO_MMAP). */
    public boolean noMmap() {
        return noMmap;
    }

    /** Where the rings live, and if NO_MMAP was requested but refused, why. */
    public String memory() {
        return memory;
    }

    /** Whether the ring fd was registered (REGISTER_RING_FDS), and if not, why. */
    public String ringFd() {
        return ringFd;
    }

    /** The raw {@code IORING_SETUP_*} bits of the ring. */
    public int appliedBits() {
        return appliedBits;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("requested ").append(requested).append(", applied ").append(applied)
                .append("\n  memory: ").append(memory).append("; ring fd ").append(ringFd);
        dropped.forEach((f, why) -> sb.append("\n  dropped ").append(f).append(": ").append(why));
        return sb.toString();
    }
}
