package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.UringSupport;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Flag negotiation: what was asked, what the kernel applied, what was dropped and why. */
@Tag("kernel")
class RingSetupTest {

    @Test
    void defaultRingReportsRequestedAndAppliedFlags() throws Exception {
        try (Ring ring = TestSupport.open()) {
            SetupReport r = ring.setupReport();
            assertEquals(RingOptions.defaults().flags(), r.requested());
            for (SetupFlag f : r.requested()) {
                assertTrue(r.applied().contains(f) != r.dropped().containsKey(f),
                        f + " must be either applied or dropped with a reason: " + r);
            }
            assertTrue(ring.sqEntries() >= 256);
            assertTrue(ring.cqEntries() >= 2 * 256 || ring.cqEntries() >= ring.sqEntries());
            Collector c = new Collector();
            ring.nop().tag(1);
            assertEquals(0, c.await(ring, 1).res(1));
        }
    }

    @Test
    void combinationTheKernelRejectsStepsDownToExactlyTheRefusedFlags() throws Exception {
        // SQPOLL with the task-run flags: io_uring_setup returns EINVAL on every kernel that knows them.
        RingOptions o = RingOptions.builder().entries(8).sqPoll(Duration.ofMillis(10), -1)
                .flag(SetupFlag.COOP_TASKRUN, true).flag(SetupFlag.TASKRUN_FLAG, true).build();
        try (Ring ring = TestSupport.open(o)) {
            SetupReport r = ring.setupReport();
            assertTrue(r.applied().contains(SetupFlag.SQPOLL), r.toString());
            assertFalse(r.applied().contains(SetupFlag.COOP_TASKRUN), r.toString());
            assertFalse(r.applied().contains(SetupFlag.TASKRUN_FLAG), r.toString());
            assertTrue(r.dropped().get(SetupFlag.COOP_TASKRUN).contains("EINVAL"), r.toString());
            assertTrue(r.dropped().get(SetupFlag.COOP_TASKRUN).contains("SQPOLL"), r.toString());
            assertTrue(r.dropped().containsKey(SetupFlag.TASKRUN_FLAG), r.toString());
            // Flags this kernel supports (probed alone) were put back, not reported as dropped.
            for (SetupFlag f : EnumSet.of(SetupFlag.SINGLE_ISSUER, SetupFlag.SUBMIT_ALL)) {
                if (UringSupport.get().flagSupport().get(f.name()).supported()) {
                    assertFalse(r.dropped().containsKey(f), f + " wrongly dropped: " + r);
                }
            }
            Collector c = new Collector();
            for (int i = 0; i < 100; i++) {
                ring.nop().tag(i);
            }
            c.await(ring, 100);
            assertEquals(100, c.all.size(), "the SQPOLL ring works");
        }
    }

    /**
     * Found by PublicApiSweepTest: flags(a set holding null) threw the JDK's EnumSet NPE
     * ("because \"e\" is null") after it had already cleared the builder's flags.
     */
    @Test
    void flagsWithANullElementIsRefusedAndLeavesTheBuilderAsItWas() {
        RingOptions.Builder b = RingOptions.builder().flags(EnumSet.of(SetupFlag.COOP_TASKRUN));
        java.util.Set<SetupFlag> withNull = new java.util.HashSet<>();
        withNull.add(SetupFlag.CLAMP);
        withNull.add(null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> b.flags(withNull));
        assertEquals("newFlags contains null", e.getMessage());
        assertEquals(EnumSet.of(SetupFlag.COOP_TASKRUN), b.build().flags());
    }

    @Test
    void strictModeNamesTheRefusedFlagInsteadOfSteppingDown() {
        RingOptions o = RingOptions.builder().entries(8).flags(EnumSet.of(SetupFlag.COOP_TASKRUN))
                .sqPoll(Duration.ofMillis(10), -1).strict(true).build();
        UringException e = assertThrows(UringException.class, () -> TestSupport.open(o));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("strict mode: this kernel refuses"), e.getMessage());
        assertTrue(e.getMessage().contains("refuses COOP_TASKRUN"), e.getMessage());
    }

    @Test
    void dependentFlagsAreDroppedWithTheirReason() throws Exception {
        RingOptions o = RingOptions.builder().flag(SetupFlag.SINGLE_ISSUER, false).build();
        try (Ring ring = TestSupport.open(o)) {
            SetupReport r = ring.setupReport();
            assertFalse(r.applied().contains(SetupFlag.DEFER_TASKRUN));
            assertTrue(r.dropped().get(SetupFlag.DEFER_TASKRUN).contains("needs SINGLE_ISSUER"), r.toString());
        }
    }

    @Test
    void bigSqeAndCqeRingsWork() throws Exception {
        TestSupport.requireAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(UringSupport.get().isSqe128Supported()
                && UringSupport.get().isCqe32Supported(), "kernel lacks SQE128/CQE32 (Linux 5.19)");
        RingOptions o = RingOptions.builder().entries(64).flag(SetupFlag.SQE128, true).flag(SetupFlag.CQE32, true).build();
        try (Ring ring = TestSupport.open(o)) {
            assertTrue(ring.setupReport().applied().containsAll(EnumSet.of(SetupFlag.SQE128, SetupFlag.CQE32)));
            Collector c = new Collector();
            for (int i = 0; i < 300; i++) {
                ring.nop().tag(i);
            }
            c.await(ring, 300);
            for (int i = 0; i < 300; i++) {
                assertEquals(0, c.res(i));
            }
        }
    }

    @Test
    void explicitCqSizeIsHonoured() throws Exception {
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(16).cqEntries(1024).build())) {
            assertEquals(16, ring.sqEntries());
            assertEquals(1024, ring.cqEntries());
        }
    }

    /** sqThreadIdle is converted to int milliseconds at setup, with or without SQPOLL: a huge one is refused up front. */
    @Test
    void aHugeSqThreadIdleIsRefusedByTheBuilder() {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        assertThrows(IllegalArgumentException.class, () -> RingOptions.builder().sqPoll(forever, -1).build());
        assertThrows(IllegalArgumentException.class, () -> RingOptions.builder().sqPoll(forever, -1)
                .flag(SetupFlag.SQPOLL, false).build());
    }
}
