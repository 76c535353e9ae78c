package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelVersionTest {
    private static final String DEBIAN_6_1 = "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) "
            + "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC "
            + "Debian 6.1.115-1 (2024-11-01)";

    /** Found by PublicApiSweepTest: the JDK's NPE named the field "major" of a local "o". */
    @Test
    void compareToNullNamesTheArgument() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> KernelVersion.of(6, 1, 0).compareTo(null));
        assertEquals("other", e.getMessage());
    }

    @Test
    void debianReleaseUsesThePackagesUpstreamVersionNotTheAbiName() {
        KernelVersion v = KernelVersion.parse("6.1.0-27-amd64", DEBIAN_6_1, null);
        assertEquals("6.1.115", v.toString());
        assertTrue(v.source().contains("Debian"), v.source());
    }

    @Test
    void debianBullseyeAndBackports() {
        assertEquals("5.10.226", KernelVersion.parse("5.10.0-33-amd64",
                "Linux version 5.10.0-33-amd64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, "
                        + "GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.226-1 (2024-10-03)", null).toString());
        assertEquals("6.18.15", KernelVersion.parse("6.18.15+deb13-amd64",
                "Linux version 6.18.15+deb13-amd64 (...) #1 SMP PREEMPT_DYNAMIC Debian 6.18.15-1~bpo13+1 (2026-03-01)",
                null).toString());
    }

    @Test
    void ubuntuSignatureGivesTheUpstreamVersion() {
        assertEquals("6.5.3", KernelVersion.parse("6.5.0-14-generic", "Linux version 6.5.0-14-generic (buildd@x) #14-Ubuntu SMP",
                "Ubuntu 6.5.0-14.14-generic 6.5.3").toString());
    }

    @Test
    void plainReleasesAndMissingPatchLevel() {
        assertEquals("6.18.44", KernelVersion.parse("6.18.44-fc-v769", "Linux version 6.18.44-fc-v769 (root@x) #1 SMP", null)
                .toString());
        assertEquals("7.3.0", KernelVersion.parse("7.3-rc2", null, null).toString());
    }

    @Test
    void unreadableReleasesAreRejectedWithTheInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelVersion.parse("garbage", "no version here", null));
        assertTrue(e.getMessage().contains("'garbage'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelVersion.parse(null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new KernelVersion(-1, 0, 0, "x"));
    }

    @Test
    void ordering() {
        assertTrue(KernelVersion.of(6, 1, 118).isAtLeast(6, 1, 118));
        assertTrue(KernelVersion.of(6, 1, 117).isBefore(6, 1, 118));
        assertTrue(KernelVersion.of(6, 10, 0).compareTo(KernelVersion.of(6, 9, 99)) > 0);
        assertTrue(KernelVersion.of(5, 15, 200).inSeries(5, 15));
    }
}
