package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.internal.HostFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Classification of io_uring_setup refusals, with the host facts injected. */
class SetupRefusalTest {
    private static final int ABSENT = -1;

    private static UringUnavailableException classify(int errno, int disabled, long group, int seccomp, long uid) {
        return SetupRefusal.classify(errno, new HostFacts(disabled, group, seccomp, uid), List.of("loaded"));
    }

    @Test
    void sysctlTwoDisablesEveryone() {
        UringUnavailableException e = classify(Errno.EPERM, 2, 0, 0, 0);
        assertEquals(UnavailabilityReason.DISABLED_BY_SYSCTL, e.reason());
        assertTrue(e.getMessage().contains("kernel.io_uring_disabled=2"), e.getMessage());
        assertEquals(Errno.EPERM, e.errno());
        assertEquals(List.of("loaded", "io_uring_setup(2 entries): EPERM (Operation not permitted)"), e.attempts());
    }

    @Test
    void sysctlOneRefusesUnprivilegedUsersNamingTheGroup() {
        UringUnavailableException e = classify(Errno.EPERM, 1, 1234, 0, 1000);
        assertEquals(UnavailabilityReason.DISABLED_BY_SYSCTL, e.reason());
        assertTrue(e.getMessage().contains("kernel.io_uring_disabled=1"), e.getMessage());
        assertTrue(e.getMessage().contains("gid 1234"), e.getMessage());
        assertTrue(e.getMessage().contains("uid 1000"), e.getMessage());
    }

    @Test
    void rootUnderSysctlOneWithSeccompIsSeccomp() {
        assertEquals(UnavailabilityReason.BLOCKED_BY_SECCOMP, classify(Errno.EPERM, 1, 0, 2, 0).reason());
    }

    @Test
    void epermUnderSeccompWithoutSysctl() {
        UringUnavailableException e = classify(Errno.EPERM, ABSENT, ABSENT, 2, 1000);
        assertEquals(UnavailabilityReason.BLOCKED_BY_SECCOMP, e.reason());
        assertTrue(e.getMessage().contains("seccomp"), e.getMessage());
    }

    @Test
    void epermWithNeitherIsAnotherRefusal() {
        UringUnavailableException e = classify(Errno.EPERM, 0, ABSENT, 0, 1000);
        assertEquals(UnavailabilityReason.SETUP_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("security module"), e.getMessage());
    }

    @Test
    void enosysMeansTheKernelOrEmulatorLacksIoUring() {
        UringUnavailableException e = classify(Errno.ENOSYS, ABSENT, ABSENT, 0, 0);
        assertEquals(UnavailabilityReason.KERNEL_LACKS_IO_URING, e.reason());
        assertTrue(e.getMessage().contains("qemu-user"), e.getMessage());
    }

    @Test
    void enomemIsLockedMemoryWithAdvice() {
        UringUnavailableException e = classify(Errno.ENOMEM, 0, ABSENT, 0, 1000);
        assertEquals(UnavailabilityReason.NOT_ENOUGH_LOCKED_MEMORY, e.reason());
        assertTrue(e.getMessage().contains("ulimit -l"), e.getMessage());
        assertTrue(e.getMessage().contains("LimitMEMLOCK"), e.getMessage());
    }

    @Test
    void otherErrnosKeepTheirName() {
        UringUnavailableException e = classify(Errno.EFAULT, 0, ABSENT, 0, 0);
        assertEquals(UnavailabilityReason.SETUP_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("EFAULT"), e.getMessage());
    }

    @Test
    void cpuListsParseAsTheKernelWritesThem() {
        assertEquals(java.util.BitSet.valueOf(new long[] {0b11}), SetupRefusal.cpuList("0-1\n"));
        assertEquals(java.util.BitSet.valueOf(new long[] {0b10011101}), SetupRefusal.cpuList("0,2-4,7"));
        assertEquals(new java.util.BitSet(), SetupRefusal.cpuList(""));
        assertEquals(null, SetupRefusal.cpuList("0-x"));
        assertEquals(null, SetupRefusal.cpuList("3-1"));
        assertEquals(null, SetupRefusal.cpuList(null));
    }

    @Test
    void anOfflineSqThreadCpuIsNamedWithTheOnlineOnes() {
        String m = SetupRefusal.sqThreadCpuOffline(17, "0-1\n");
        assertTrue(m.startsWith("SQPOLL thread CPU 17 does not exist or is offline (online CPUs: 0-1, from "
                + "/sys/devices/system/cpu/online)"), m);
        assertTrue(SetupRefusal.sqThreadCpuOffline(5, "0-3,6").contains("CPU 5 does not exist"));
    }

    @Test
    void anOnlineOrUnknownSqThreadCpuIsNoVerdict() {
        assertEquals(null, SetupRefusal.sqThreadCpuOffline(1, "0-1"));
        assertEquals(null, SetupRefusal.sqThreadCpuOffline(6, "0-3,6"));
        assertEquals(null, SetupRefusal.sqThreadCpuOffline(3, null), "online CPUs unknown: let the kernel decide");
        assertEquals(null, SetupRefusal.sqThreadCpuOffline(3, "garbage"));
        assertEquals(null, SetupRefusal.sqThreadCpuOffline(-1, "0"), "-1 is unpinned");
    }

    @Test
    void anOnlineCpuOutsideTheCpusetIsNamedWithTheCpuset() {
        String m = SetupRefusal.sqThreadCpuRefused(1, "0-1", "0\n");
        assertTrue(m.startsWith("SQPOLL thread CPU 1 was refused (EINVAL) although SQPOLL without a pinned CPU is "
                + "accepted"), m);
        assertTrue(m.contains("cpuset, which allows CPUs 0;"), m);
        assertTrue(m.contains("online CPUs: 0-1"), m);
        assertTrue(SetupRefusal.sqThreadCpuRefused(1, null, null).contains("online CPUs: unknown"));
    }
}
