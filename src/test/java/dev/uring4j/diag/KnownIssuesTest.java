package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.Uring;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The known-bug table against injected kernel and liburing versions. */
class KnownIssuesTest {
    private static KernelVersion v(String s) {
        return KernelVersion.parse(s, null, null);
    }

    private static boolean iowq(String version) {
        return KnownIssues.iowqDeadlock(v(version)).affected();
    }

    /** Found by PublicApiSweepTest: a null kernel gave the JDK's NPE naming a local variable "k". */
    @Test
    void aNullKernelIsNamed() {
        List<org.junit.jupiter.api.function.Executable> calls = List.of(() -> KnownIssues.evaluate(null, 2, 9),
                () -> KnownIssues.iowqDeadlock(null), () -> KnownIssues.noMmapRegions(null),
                () -> KnownIssues.chargesRingsToMemlock(null), () -> KnownIssues.memlockCharged(null));
        for (org.junit.jupiter.api.function.Executable call : calls) {
            assertEquals("kernel", assertThrows(NullPointerException.class, call).getMessage());
        }
    }

    @Test
    void iowqMaxWorkersDeadlockRanges() {
        assertFalse(iowq("5.10.226"), "predates the register op");
        assertTrue(iowq("5.15.172"));
        assertFalse(iowq("5.15.173"));
        assertTrue(iowq("6.1.115"), "Debian 6.1.0-27 is 6.1.115: affected");
        assertFalse(iowq("6.1.118"));
        assertTrue(iowq("6.6.61"));
        assertFalse(iowq("6.6.62"));
        assertTrue(iowq("6.8.12"), "no fixed 6.8 release");
        assertFalse(iowq("6.10.0"));
        assertFalse(iowq("6.18.44"));
        KernelVersion debian = KernelVersion.parse("6.1.0-27-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)", null);
        KnownIssue i = KnownIssues.iowqDeadlock(debian);
        assertTrue(i.affected());
        assertTrue(i.verdict().contains("fixed in 6.1.118"), i.verdict());
        assertTrue(i.verdict().contains("Debian package version"), i.verdict());
    }

    @Test
    void noMmapRanges() {
        assertFalse(KnownIssues.noMmapRegions(v("6.1.118")).affected(), "no NO_MMAP at all: steps down instead");
        assertTrue(KnownIssues.noMmapRegions(v("6.5.0")).verdict().contains("EFAULT"));
        assertTrue(KnownIssues.noMmapRegions(v("6.6.83")).affected());
        assertFalse(KnownIssues.noMmapRegions(v("6.6.84")).affected());
        assertTrue(KnownIssues.noMmapRegions(v("6.9.12")).verdict().contains("contiguous"));
        assertFalse(KnownIssues.noMmapRegions(v("6.10.0")).affected());
    }

    @Test
    void ringsChargedToMemlock() {
        assertTrue(KnownIssues.chargesRingsToMemlock(v("5.4.280")));
        assertFalse(KnownIssues.chargesRingsToMemlock(v("5.10.226")), "5.10 stable: measured in the kernel matrix");
        assertFalse(KnownIssues.chargesRingsToMemlock(v("5.12.0")));
        assertFalse(KnownIssues.chargesRingsToMemlock(v("6.13.12")));
        assertTrue(KnownIssues.chargesRingsToMemlock(v("6.14.0")));
        assertTrue(KnownIssues.chargesRingsToMemlock(v("6.18.15")));
        assertFalse(KnownIssues.chargesRingsToMemlock(v("7.3.4")), "7.3.4: measured in the kernel matrix");
    }

    @Test
    @Tag("kernel") // Uring.liburingVersion() runs the availability probe, which sets up a ring
    void liburingSqpollExitLeakNotAffectedWithTheBundledVersion() {
        assertTrue(KnownIssues.sqpollSqe128Leak(2, 5).affected());
        assertTrue(KnownIssues.sqpollSqe128Leak(2, 8).affected());
        assertFalse(KnownIssues.sqpollSqe128Leak(2, 9).affected());
        assertFalse(KnownIssues.sqpollSqe128Leak(2, 4).affected());
        String[] bundled = Uring.liburingVersion().split("\\.");
        KnownIssue i = KnownIssues.sqpollSqe128Leak(Integer.parseInt(bundled[0]), Integer.parseInt(bundled[1]));
        assertFalse(i.affected(), i.verdict());
        assertTrue(i.verdict().contains("not affected"), i.verdict());
    }

    @Test
    void evaluateListsEveryEntryWithItsSource() {
        List<KnownIssue> all = KnownIssues.evaluate(v("6.1.115"), 2, 9);
        assertEquals(List.of(KnownIssues.IOWQ_DEADLOCK, KnownIssues.NO_MMAP_REGIONS, KnownIssues.MEMLOCK_CHARGED,
                KnownIssues.SQPOLL_SQE128_LEAK), all.stream().map(KnownIssue::id).toList());
        for (KnownIssue i : all) {
            assertFalse(i.source().isEmpty(), i.id());
        }
    }
}
