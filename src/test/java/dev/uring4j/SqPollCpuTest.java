package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.Errno;

import dev.uring4j.diag.UringSupport;
import java.time.Duration;
import java.util.BitSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: SQPOLL pinned to a CPU that does not exist (or is offline) was reported as
 * "this kernel refuses SQPOLL" although SQPOLL works and the CPU is the problem.
 */
@Tag("kernel")
class SqPollCpuTest {
    private static String online() {
        String online = SetupRefusal.readOnlineCpus();
        assertNotNull(online, "cannot read " + SetupRefusal.ONLINE_CPUS);
        return online;
    }

    private static int firstMissingCpuAbove(String online, int floor) {
        BitSet cpus = SetupRefusal.cpuList(online);
        assertNotNull(cpus, "unparsable CPU list '" + online + "'");
        return cpus.nextClearBit(Math.max(floor, cpus.length()));
    }

    private static RingOptions sqPollOn(int cpu, boolean strict) {
        return RingOptions.builder().entries(4).flag(SetupFlag.COOP_TASKRUN, false).flag(SetupFlag.TASKRUN_FLAG, false)
                .sqPoll(Duration.ofMillis(100), cpu).strict(strict).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCpuThatIsNotOnlineIsNamedNotSqPoll(boolean strict) {
        TestSupport.requireAvailable();
        String online = online();
        for (int cpu : new int[] {firstMissingCpuAbove(online, 0), firstMissingCpuAbove(online, 4096)}) {
            UringException e = assertThrows(UringException.class, () -> Ring.open(sqPollOn(cpu, strict)).close(),
                    "SQPOLL pinned to CPU " + cpu + " (online: " + online + ") must fail");
            String m = e.getMessage();
            assertTrue(m.contains("SQPOLL thread CPU " + cpu + " does not exist or is offline (online CPUs: "
                    + online + ", from /sys/devices/system/cpu/online)"), m);
            assertFalse(m.contains("refuses SQPOLL"), "the message must not blame SQPOLL: " + m);
            assertTrue(m.contains("-1"), "the message should say how to leave the thread unpinned: " + m);
            assertEquals(Errno.EINVAL, e.errno(), m);
        }
    }

    @Test
    void anOnlineCpuStillWorks() throws Exception {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isSqPollSupported(), "SQPOLL refused here (needs Linux 5.13+ unprivileged, or root)");
        int cpu = SetupRefusal.cpuList(online()).nextSetBit(0);
        // Not strict: the default flags step down where the kernel lacks them (NO_SQARRAY before 6.6).
        try (Ring ring = Ring.open(sqPollOn(cpu, false))) {
            assertTrue(ring.setupReport().applied().contains(SetupFlag.SQPOLL), ring.setupReport().toString());
            TestSupport.Collector c = new TestSupport.Collector();
            ring.nop().tag(5);
            assertEquals(0, c.await(ring, 1).res(5));
        }
    }
}
