package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import dev.uring4j.internal.BufferLifetime;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a ring's SQ/CQ rings and SQE array live. By default the kernel allocates them
 * and the process maps them. With {@link #allocated()}, {@link #hugePage()} or
 * {@link #caller(ByteBuffer)} the ring is set up with IORING_SETUP_NO_MMAP in memory
 * the process provides (Linux 6.5+). Where the kernel refuses that (EINVAL before 6.5,
 * EFAULT on 6.5 for regions over one page, EINVAL before 6.10 for non-contiguous
 * memory), the ring falls back to kernel-mapped memory and {@link SetupReport#memory()}
 * says why, unless {@link RingOptions.Builder#strict strict} is set.
 */
public final class RingMemory {
    enum Kind { KERNEL, ALLOCATED, HUGE_PAGE, CALLER }

    private static final RingMemory KERNEL = new RingMemory(Kind.KERNEL, null);
    private static final RingMemory ALLOCATED = new RingMemory(Kind.ALLOCATED, null);
    private static final RingMemory HUGE_PAGE = new RingMemory(Kind.HUGE_PAGE, null);

    final Kind kind;
    final ByteBuffer buffer;

    /** Package-private for the fallback test, which needs memory the kernel refuses (a file mapping). */
    RingMemory(Kind kind, ByteBuffer buffer) {
        this.kind = kind;
        this.buffer = buffer;
    }

    /** Kernel-allocated, mmap()ed rings (the default, works on every kernel). */
    public static RingMemory kernel() {
        return KERNEL;
    }

    /** NO_MMAP in page-aligned, zeroed memory uring4j maps for the ring and unmaps at close. */
    public static RingMemory allocated() {
        return ALLOCATED;
    }

    /**
     * NO_MMAP in one huge page (physically contiguous: also works on 6.6-6.9 kernels).
     * Needs reserved huge pages ({@code vm.nr_hugepages}); without them this steps down
     * to {@link #allocated()} and says so.
     */
    public static RingMemory hugePage() {
        return HUGE_PAGE;
    }

    /**
     * NO_MMAP in the caller's direct buffer, which must start on a page boundary and hold
     * at least {@link MemlockReport#ringBytes} bytes; it is zeroed before use and must not
     * be touched while the ring is open. The ring keeps it referenced until closed.
     *
     * @throws IllegalArgumentException for a heap, read-only or closeable-arena buffer, or a
     *                                  shared file mapping ({@code FileChannel.map} READ_WRITE), whose file the ring
     *                                  would overwrite
     */
    public static RingMemory caller(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("ring memory must be a direct ByteBuffer (the kernel pins it)");
        }
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("ring memory must be writable: the kernel writes completions into it");
        }
        BufferLifetime.check("ring memory", buffer);
        String file = HostFacts.sharedFileMappingAt(Memory.address(buffer));
        if (file != null) {
            // Checked here, before anything is written: the setup zeroes the memory first, which
            // would wipe the file, and the kernel cannot pin most file-backed shared mappings.
            throw new IllegalArgumentException("ring memory must be anonymous memory (ByteBuffer.allocateDirect, "
                    + "Arena.ofAuto()/global()), not a shared file mapping (FileChannel.map of " + file + "): the ring would "
                    + "overwrite the file's bytes, and the kernel cannot pin file-backed shared mappings");
        }
        return new RingMemory(Kind.CALLER, buffer);
    }

    @Override
    public String toString() {
        return kind == Kind.CALLER ? "caller(" + buffer.capacity() + " bytes)" : kind.name().toLowerCase(Locale.ROOT);
    }
}
