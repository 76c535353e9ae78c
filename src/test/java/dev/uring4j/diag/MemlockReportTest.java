package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.RingOptions;
import dev.uring4j.TestSupport;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.RingLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** uring4j's own ring-size computation, checked against what io_uring_queue_init_mem really uses. */
@Tag("kernel")
class MemlockReportTest {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();
    private static final int NO_MMAP = 1 << 14;

    @ParameterizedTest(name = "entries {0}, cq {1}, flags 0x{2}")
    @CsvSource({
        "2, 0, 10000", "8, 0, 10000", "64, 0, 10000", "256, 0, 10000", "1000, 0, 10000", "256, 4096, 10000",
        "64, 0, 10c00", "32, 128, 10800", "4096, 0, 10000", "256, 0, 0", "100, 0, 0", "2, 0, 0"})
    void computedBytesMatchWhatTheKernelLayoutUses(int entries, int cq, String hexFlags) throws Exception {
        TestSupport.requireAvailable();
        assertTrue(UringSupport.get().isNoMmapSupported() || !UringSupport.get().flagSupport().isEmpty());
        org.junit.jupiter.api.Assumptions.assumeTrue(UringSupport.get().isNoMmapSupported(),
                "kernel lacks IORING_SETUP_NO_MMAP (Linux 6.5+), needed to read the layout back");
        int flags = Integer.parseInt(hexFlags, 16);
        int page = NATIVE.pageSize();
        RingLayout requested = RingLayout.of(entries, cq, flags, page);
        // Give liburing generous memory and let it report what it used.
        ByteBuffer mem = ByteBuffer.allocateDirect((int) requested.pinnedBytes() * 2 + 8 * page).alignedSlice(page);
        ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
        long ring = NATIVE.ringCreate(entries, cq, flags | NO_MMAP, -1, 0, -1, Memory.address(mem), mem.capacity(), false,
                Memory.address(info));
        assertTrue(ring > 0, "NO_MMAP setup failed: " + ring);
        try {
            // liburing adds NO_SQARRAY where the kernel has it: compute with the flags really applied.
            RingLayout layout = RingLayout.of(entries, cq, info.getInt(Native.INFO_FLAGS), page);
            assertEquals(layout.sqEntries, info.getInt(Native.INFO_SQ_ENTRIES));
            assertEquals(layout.cqEntries, info.getInt(Native.INFO_CQ_ENTRIES));
            assertEquals(64, info.getInt(Native.INFO_CQES_OFFSET), "CQ ring header size");
            assertEquals(layout.pinnedBytes(), info.getLong(Native.INFO_MEM_USED),
                    "bytes io_uring_queue_init_mem used vs uring4j's computation");
        } finally {
            NATIVE.ringDestroy(ring, true);
        }
    }

    @Test
    void defaultRingNeedsSevenPages() {
        MemlockReport r = MemlockReport.current();
        // 512 CQEs (8 KiB + 64 B header: 3 pages) + 256 SQEs (16 KiB: 4 pages), NO_SQARRAY.
        assertEquals(7L * r.pageSize(), r.ringBytes(RingOptions.defaults()));
        assertEquals(2L * r.pageSize(), r.ringBytes(RingOptions.builder().entries(2).build()));
    }

    /** Found by PublicApiSweepTest: a null array gave the JDK's NPE naming "<local4>". */
    @Test
    void aNullBufferArrayIsNamed() {
        NullPointerException e = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> MemlockReport.current().registeredBufferBytes((ByteBuffer[]) null));
        assertEquals("buffers", e.getMessage());
    }

    @Test
    void registeredBuffersPinEveryPageTheyTouch() {
        MemlockReport r = MemlockReport.current();
        int page = r.pageSize();
        ByteBuffer aligned = ByteBuffer.allocateDirect(4 * page).alignedSlice(page);
        ByteBuffer twoPages = aligned.slice(0, 2 * page);
        assertEquals(2L * page, r.registeredBufferBytes(twoPages));
        ByteBuffer straddling = aligned.slice(page - 10, 20); // 20 bytes across a page boundary
        assertEquals(2L * page, r.registeredBufferBytes(straddling));
        assertEquals(4L * page, r.registeredBufferBytes(twoPages, straddling));
    }

    @Test
    void reportReadsThisProcessesLimitsAndCapabilities() {
        MemlockReport r = MemlockReport.current();
        long[] limits = HostFacts.memlockLimits();
        assertEquals(limits[0], r.softLimit());
        assertEquals(limits[1], r.hardLimit());
        assertEquals(HostFacts.hasCapIpcLock(), r.hasCapIpcLock());
        assertTrue(r.lockedBytes() >= 0);
        String advice = r.advice(40960);
        for (String place : new String[] {"ulimit -l", "/etc/security/limits.conf", "LimitMEMLOCK=",
                "docker run --ulimit memlock=", "CAP_IPC_LOCK"}) {
            assertTrue(advice.contains(place), advice);
        }
    }
}
