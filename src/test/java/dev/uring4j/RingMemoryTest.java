package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.KnownIssue;
import dev.uring4j.diag.MemlockReport;
import dev.uring4j.diag.UringSupport;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rings in process-provided memory (IORING_SETUP_NO_MMAP), and the fallback when the kernel refuses it. */
@Tag("kernel")
class RingMemoryTest {
    @TempDir
    Path dir;

    private static void assumeNoMmap() {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isNoMmapSupported(), "kernel lacks IORING_SETUP_NO_MMAP (Linux 6.5+)");
    }

    private static void exercise(Ring ring, int ops) throws UringException {
        Collector c = new Collector();
        for (int i = 0; i < ops; i++) {
            ring.nop().tag(i);
        }
        c.await(ring, ops);
        for (int i = 0; i < ops; i++) {
            assertEquals(0, c.res(i));
        }
    }

    @Test
    void multiPageRingsInUring4jMemory() throws Exception {
        assumeNoMmap();
        // CQ of 4096 entries: a 64 KiB+ rings region, the combination 6.5 refused with EFAULT.
        RingOptions o = RingOptions.builder().entries(256).cqEntries(4096).memory(RingMemory.allocated()).build();
        try (Ring ring = Ring.open(o)) {
            SetupReport r = ring.setupReport();
            if (UringSupport.get().knownIssue("no-mmap-multi-page-regions").map(KnownIssue::affected).orElse(false)) {
                assertFalse(r.noMmap(), r.toString());
                assertTrue(r.memory().contains("fell back"), r.memory());
            } else {
                assertTrue(r.noMmap(), r.toString());
                assertTrue(r.memory().startsWith("NO_MMAP in uring4j-mapped memory"), r.memory());
            }
            assertEquals(4096, ring.cqEntries());
            exercise(ring, 5000);
        }
    }

    @Test
    void callerMemoryOfExactlyTheComputedSize() throws Exception {
        assumeNoMmap();
        MemlockReport m = MemlockReport.current();
        RingOptions sizing = RingOptions.builder().entries(64).flag(SetupFlag.NO_SQARRAY, false).build();
        long need = m.ringBytes(sizing); // with the SQ array: the larger layout
        int page = m.pageSize();
        ByteBuffer mem = ByteBuffer.allocateDirect((int) need + page).alignedSlice(page).slice(0, (int) need);
        try (Ring ring = Ring.open(RingOptions.builder().entries(64).memory(RingMemory.caller(mem)).build())) {
            assertTrue(ring.setupReport().noMmap(), ring.setupReport().toString());
            assertTrue(ring.setupReport().memory().contains("caller memory (" + need + " bytes)"), ring.setupReport().memory());
            exercise(ring, 500);
        }
    }

    @Test
    void misalignedOrTooSmallCallerMemoryIsRefusedBeforeTheKernelSeesIt() throws Exception {
        TestSupport.requireAvailable();
        int page = MemlockReport.current().pageSize();
        ByteBuffer aligned = ByteBuffer.allocateDirect(64 * page).alignedSlice(page);
        ByteBuffer misaligned = aligned.slice(8, 32 * page);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ring.open(RingOptions.builder().entries(64).memory(RingMemory.caller(misaligned)).build()));
        assertTrue(e.getMessage().contains("page boundary (page size " + page + " bytes)"), e.getMessage());
        assertTrue(e.getMessage().contains("starts 8 bytes into a page"), e.getMessage());

        ByteBuffer small = aligned.slice(0, page);
        e = assertThrows(IllegalArgumentException.class,
                () -> Ring.open(RingOptions.builder().entries(64).memory(RingMemory.caller(small)).build()));
        long need = RingOptionsAccess.needWithSqArray(64);
        assertTrue(e.getMessage().contains("too small: this ring needs " + need + " bytes"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> RingMemory.caller(ByteBuffer.allocate(page)));
        assertThrows(IllegalArgumentException.class, () -> RingMemory.caller(aligned.asReadOnlyBuffer()));
    }

    /**
     * A shared file mapping given as ring memory is refused before a byte is written: the setup
     * zeroes the memory, which would wipe the file. A private mapping (copy on write) is accepted.
     *
     * <p>Regression for: the file's 64 KiB became zeros, then the kernel refused to pin the
     * mapping and the ring fell back to kernel-mapped rings.
     */
    @Test
    void aSharedFileMappingIsRefusedAsRingMemoryAndTheFileKeepsItsBytes() throws Exception {
        TestSupport.requireAvailable();
        Path file = dir.resolve("keep");
        byte[] data = new byte[1 << 16];
        java.util.Arrays.fill(data, (byte) 'A');
        Files.write(file, data);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer shared = ch.map(FileChannel.MapMode.READ_WRITE, 0, data.length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingMemory.caller(shared));
            assertTrue(e.getMessage().contains("shared file mapping") && e.getMessage().contains(file.getFileName().toString()),
                    e.getMessage());
            ByteBuffer slice = shared.slice(4096, 8192);
            assertThrows(IllegalArgumentException.class, () -> RingMemory.caller(slice));
            assertTrue(RingMemory.caller(ch.map(FileChannel.MapMode.PRIVATE, 0, data.length)).toString().startsWith("caller("));
        }
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(file)), "the file kept its bytes");
        assertTrue(RingMemory.caller(ByteBuffer.allocateDirect(1 << 16)).toString().startsWith("caller("));
    }

    /** A shared file mapping cannot be pinned long-term: the kernel refuses NO_MMAP, uring4j falls back. */
    @Test
    void refusedNoMmapFallsBackToKernelMappedRingsAndSaysWhy() throws Exception {
        assumeNoMmap();
        String fsType = Files.getFileStore(dir).type();
        assumeFalse(fsType.equals("tmpfs") || fsType.equals("hugetlbfs"),
                "needs a regular file system (shmem mappings can be pinned); " + dir + " is " + fsType);
        Path file = dir.resolve("ring-memory");
        int page = MemlockReport.current().pageSize();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, 64L * page);
            // RingMemory.caller refuses a shared file mapping (see below); the package-private
            // constructor gets past it, to give the kernel memory it refuses
            RingMemory fileMemory = new RingMemory(RingMemory.Kind.CALLER, mapped);
            RingOptions o = RingOptions.builder().entries(64).memory(fileMemory).build();
            try (Ring ring = Ring.open(o)) {
                SetupReport r = ring.setupReport();
                assertFalse(r.noMmap(), r.toString());
                assertTrue(r.memory().contains("was refused with"), r.memory());
                assertTrue(r.memory().contains("fell back to kernel-mapped rings"), r.memory());
                exercise(ring, 200);
            }
            RingOptions strict = RingOptions.builder().entries(64).memory(fileMemory).strict(true).build();
            UringException e = assertThrows(UringException.class, () -> Ring.open(strict));
            assertTrue(e.getMessage().contains("strict mode: NO_MMAP"), e.getMessage());
        }
    }

    @Test
    void hugePageMemoryUsesOneWhenReservedAndSaysSoWhenNot() throws Exception {
        assumeNoMmap();
        try (Ring ring = Ring.open(RingOptions.builder().entries(128).memory(RingMemory.hugePage()).build())) {
            String memory = ring.setupReport().memory();
            assertTrue(memory.contains("a huge page (2097152 bytes)") || memory.contains("no huge page"), memory);
            exercise(ring, 300);
        }
    }

    @Test
    void closingANoMmapRingWithWorkInFlightDrainsBeforeUnmapping() throws Exception {
        assumeNoMmap();
        Path fifo = dir.resolve("fifo");
        TestSupport.mkfifo(fifo);
        int leakedBefore = Ring.leakedBuffers();
        Collector c = new Collector();
        Ring ring = Ring.open(RingOptions.builder().entries(32).memory(RingMemory.allocated()).build());
        int fd = TestSupport.openat(ring, fifo, Linux.O_RDWR, 0);
        for (int i = 0; i < 10; i++) {
            ring.read(fd, ByteBuffer.allocateDirect(8), 0).tag(i);
        }
        ring.submit();
        ring.close(java.time.Duration.ofSeconds(5), c);
        assertEquals(10, c.all.size());
        assertEquals(leakedBefore, Ring.leakedBuffers(), "everything drained: the memory could be unmapped");
    }

    /** Sizing helper shared with the assertions above. */
    static final class RingOptionsAccess {
        static long needWithSqArray(int entries) {
            return MemlockReport.current().ringBytes(RingOptions.builder().entries(entries).flag(SetupFlag.NO_SQARRAY, false).build());
        }
    }
}
