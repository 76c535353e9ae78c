package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.SetupFlag;
import dev.uring4j.TestSupport;
import dev.uring4j.Uring;
import dev.uring4j.UringException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The support probe agrees with what rings really do on this kernel. */
@Tag("kernel")
class UringSupportTest {

    @Test
    void probeReportsOpcodesFeaturesAndFlags() {
        TestSupport.requireAvailable();
        UringSupport s = UringSupport.get();
        assertTrue(s.isAvailable());
        assertTrue(s.supportedOpcodes().containsAll(java.util.List.of("NOP", "READV", "WRITEV", "FSYNC")), s.supportedOpcodes().toString());
        assertTrue(s.featureNames().contains("SINGLE_MMAP"), s.featureNames().toString());
        assertEquals(java.util.List.of("SQPOLL", "SINGLE_ISSUER", "DEFER_TASKRUN", "COOP_TASKRUN", "TASKRUN_FLAG",
                "SUBMIT_ALL", "SQE128", "CQE32", "NO_MMAP", "NO_SQARRAY", "REGISTERED_FD_ONLY"),
                java.util.List.copyOf(s.flagSupport().keySet()));
        assertEquals(Uring.liburingVersion(), s.liburingVersion());
        assertTrue(s.kernelVersion().isPresent(), String.valueOf(s.kernelVersionProblem()));
        assertEquals(4, s.knownIssues().size());
        assertTrue(s.knownIssue("iowq-max-workers-sqpoll-deadlock").isPresent());
    }

    @Test
    void flagProbeAgreesWithStrictRings() throws Exception {
        TestSupport.requireAvailable();
        Map<String, UringSupport.FlagSupport> flags = UringSupport.get().flagSupport();
        checkStrict(flags.get("SINGLE_ISSUER").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.SINGLE_ISSUER)).strict(true).entries(4));
        checkStrict(flags.get("DEFER_TASKRUN").supported(), RingOptions.builder()
                .flags(java.util.EnumSet.of(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN)).strict(true).entries(4));
        checkStrict(flags.get("COOP_TASKRUN").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.COOP_TASKRUN)).strict(true).entries(4));
        checkStrict(flags.get("NO_SQARRAY").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.NO_SQARRAY)).strict(true).entries(4));
        checkStrict(flags.get("SUBMIT_ALL").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.SUBMIT_ALL)).strict(true).entries(4));
        checkRequired(flags.get("SQE128").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.SQE128)).entries(4));
        checkRequired(flags.get("CQE32").supported(),
                RingOptions.builder().flags(java.util.EnumSet.of(SetupFlag.CQE32)).entries(4));
        checkRequired(flags.get("SQPOLL").supported(),
                RingOptions.builder().flags(java.util.EnumSet.noneOf(SetupFlag.class)).sqPoll(Duration.ofMillis(5), -1).entries(4));
    }

    private static void checkStrict(boolean probed, RingOptions.Builder b) {
        check(probed, b);
    }

    private static void checkRequired(boolean probed, RingOptions.Builder b) {
        check(probed, b);
    }

    private static void check(boolean probed, RingOptions.Builder b) {
        RingOptions o = b.build();
        boolean opened;
        try (Ring ring = Ring.open(o)) {
            opened = ring.setupReport().dropped().isEmpty();
        } catch (UringException e) {
            opened = false;
        }
        assertEquals(probed, opened, "probe and a real ring disagree for " + o);
    }

    @Test
    void supportIsComputedOnceAndCached() {
        assertTrue(UringSupport.get() == UringSupport.get());
        assertFalse(UringSupport.get().featureNames().isEmpty() && UringSupport.get().isAvailable());
    }
}
