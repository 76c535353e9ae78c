package dev.uring4j;

import dev.uring4j.diag.KernelVersion;
import dev.uring4j.diag.KnownIssue;
import dev.uring4j.diag.KnownIssues;
import dev.uring4j.diag.UringSupport;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.ring.Checks;
import dev.uring4j.internal.ring.InFlight;
import dev.uring4j.internal.ring.Positions;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The encoders of file and control operations: checks, then the record. Package-private
 * here (not in internal.ring) because they read the package-private state of the argument
 * types (StatxBuffer, FixedBuffers).
 */
final class FileOps {
    private static final Native NATIVE = Native.access();
    private static final int FSYNC_DATASYNC = 1;

    private FileOps() {}

    static long nop(Ring r) throws UringException {
        return r.stager.stage(Opcode.Code.NOP, 0, -1, 0, 0, 0, 0, null);
    }

    /** READ, WRITE: the buffer's remaining bytes; its position advances on completion. */
    static long transfer(Ring r, int opcode, String op, int fd, int fixed, ByteBuffer b, long offset)
            throws UringException {
        long address = Checks.bufferAddress(op, b, opcode == Opcode.Code.READ);
        if (fixed == 0) {
            Checks.fd(op, fd);
        }
        Checks.offset(op, offset);
        int position = Checks.position(b, address);
        long id = r.stager.stage(opcode, fixed, fd, offset, address, Checks.length(b, address), 0, b);
        r.inFlight.markTransfer((int) id, position);
        return id;
    }

    static long vectored(Ring r, int opcode, String op, int fd, int fixed, ByteBuffer[] buffers, long offset)
            throws UringException {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0 || buffers.length > 1024) {
            throw new IllegalArgumentException(op + " needs 1 to 1024 buffers (UIO_MAXIOV), got " + buffers.length);
        }
        if (fixed == 0) {
            Checks.fd(op, fd);
        }
        Checks.offset(op, offset);
        ByteBuffer[] refs = buffers.clone();
        long total = 0;
        long[] addresses = new long[refs.length];
        for (int i = 0; i < refs.length; i++) {
            addresses[i] = Checks.bufferAddress(op + " buffer " + i, refs[i], opcode == Opcode.Code.READV);
            total += Checks.length(refs[i], addresses[i]);
        }
        Checks.total(op, total);
        int slot = r.stager.acquire();
        r.inFlight.reference(slot, Positions.vectorOf(refs));
        r.inFlight.markTransfer(slot, 0);
        ByteBuffer iov = r.inFlight.scratch(slot, refs.length * 16);
        for (int i = 0; i < refs.length; i++) {
            iov.putLong(i * 16, addresses[i]).putLong(i * 16 + 8, Checks.length(refs[i], addresses[i]));
        }
        return r.stager.stageSlot(slot, opcode, fixed, fd, offset, Memory.address(iov), refs.length, 0, 0L);
    }

    /** READ_FIXED, WRITE_FIXED: the buffer lies inside a registered buffer, whose index the record names. */
    static long fixed(Ring r, int opcode, String op, int fd, int fixed, ByteBuffer b, long offset)
            throws UringException {
        long address = Checks.bufferAddress(op, b, opcode == Opcode.Code.READ_FIXED);
        int length = Checks.length(b, address);
        int index = r.fixedBuffers.indexOf(op, address, length);
        if (fixed == 0) {
            Checks.fd(op, fd);
        }
        Checks.offset(op, offset);
        int position = Checks.position(b, address);
        long id = r.stager.stage(opcode, fixed, fd, offset, address, length, 0, b, 0L, index & 0xffffL);
        r.inFlight.markTransfer((int) id, position);
        return id;
    }

    static long fsync(Ring r, int fd, int fixed, boolean dataOnly) throws UringException {
        if (fixed == 0) {
            Checks.fd("fsync", fd);
        }
        return r.stager.stage(Opcode.Code.FSYNC, fixed, fd, 0, 0, 0, dataOnly ? FSYNC_DATASYNC : 0, null);
    }

    static long fallocate(Ring r, int fd, int fixed, int mode, long offset, long length) throws UringException {
        if (fixed == 0) {
            Checks.fd("fallocate", fd);
        }
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("fallocate needs offset >= 0 and length > 0, got offset " + offset
                    + ", length " + length);
        }
        return r.stager.stage(Opcode.Code.FALLOCATE, fixed, fd, offset, length, mode, 0, null);
    }

    /** @param fileIndex 0: a regular fd; slot + 1: that registered slot; -1: any free slot */
    static long openat(Ring r, String op, int dirfd, String path, int flags, int mode, int fileIndex)
            throws UringException {
        Checks.dirFd(op, dirfd);
        byte[] bytes = Checks.path(op, path);
        int slot = r.stager.acquire();
        long address = path(r.inFlight, slot, bytes);
        return r.stager.stageSlot(slot, Opcode.Code.OPENAT, 0, dirfd, 0, address, mode, flags, (long) fileIndex << 32);
    }

    /** @param fileIndex 0: close {@code fd}; slot + 1: empty that registered slot */
    static long close(Ring r, int fd, int fileIndex) throws UringException {
        if (fileIndex == 0) {
            Checks.fd("close", fd);
        }
        return r.stager.stage(Opcode.Code.CLOSE, 0, fd, 0, 0, 0, 0, null, 0L, (long) fileIndex << 32);
    }

    static long statx(Ring r, int dirfd, String path, int flags, int mask, StatxBuffer out) throws UringException {
        Objects.requireNonNull(out, "out");
        Checks.dirFd("statx", dirfd);
        byte[] bytes = Checks.path("statx", path);
        int slot = r.stager.acquire();
        long address = path(r.inFlight, slot, bytes);
        r.inFlight.reference(slot, out);
        return r.stager.stageSlot(slot, Opcode.Code.STATX, 0, dirfd, Memory.address(out.buffer), address, mask, flags,
                0L);
    }

    static long timeout(Ring r, long timeout, TimeUnit unit, int count) throws UringException {
        Objects.requireNonNull(unit, "unit");
        Checks.nonNegative("timeout", "the timeout", timeout);
        Checks.nonNegative("timeout", "count", count);
        int slot = r.stager.acquire();
        return r.stager.stageSlot(slot, Opcode.Code.TIMEOUT, 0, -1, count, timespec(r.inFlight, slot,
                unit.toNanos(timeout)), 1, 0, 0L);
    }

    static long linkTimeout(Ring r, long timeout, TimeUnit unit) throws UringException {
        Objects.requireNonNull(unit, "unit");
        Checks.nonNegative("linkTimeout", "the timeout", timeout);
        int slot = r.stager.acquire();
        return r.stager.stageSlot(slot, Opcode.Code.LINK_TIMEOUT, 0, -1, 0, timespec(r.inFlight, slot,
                unit.toNanos(timeout)), 1, 0, 0L);
    }

    static long cancel(Ring r, long operationId) throws UringException {
        if (!r.inFlight.isOwnId(operationId)) {
            throw new IllegalArgumentException("0x" + Long.toHexString(operationId) + " is not an operation id of this "
                    + "ring (the value Sqe.id() returned; not a tag, nor another ring's id)");
        }
        return r.stager.stage(Opcode.Code.ASYNC_CANCEL, 0, -1, 0, operationId, 0, 0, null);
    }

    static int[] ioWorkerLimits(long handle, SetupReport setup, int bounded, int unbounded, boolean force)
            throws UringException {
        if (bounded < 0 || unbounded < 0) {
            throw new IllegalArgumentException("worker limits must be >= 0 (0 = unchanged), got " + bounded + ", "
                    + unbounded);
        }
        checkIowqGuard(UringSupport.kernelVersionOrNull(), setup.applied().contains(SetupFlag.SQPOLL), force);
        ByteBuffer values = Memory.allocate(8);
        values.putInt(0, bounded).putInt(4, unbounded);
        int res = NATIVE.registerIowqMaxWorkers(handle, Memory.address(values));
        if (res < 0) {
            throw new UringException("io_uring_register(IOWQ_MAX_WORKERS)", -res, "bounded " + bounded + ", unbounded "
                    + unbounded);
        }
        return new int[] {values.getInt(0), values.getInt(4)};
    }

    /** The known-bug guard of {@link Ring#setIoWorkerLimits}, with the kernel version injectable for tests. */
    static void checkIowqGuard(KernelVersion kernel, boolean sqpoll, boolean force) throws UringException {
        if (!sqpoll || force || kernel == null) {
            return;
        }
        KnownIssue issue = KnownIssues.iowqDeadlock(kernel);
        if (issue.affected()) {
            throw new UringException("io_uring_register(IOWQ_MAX_WORKERS)", 0, "refused on this SQPOLL ring: "
                    + issue.title() + "; " + issue.verdict() + " (" + issue.source()
                    + "). Upgrade the kernel, or pass force=true to call it anyway");
        }
    }

    /** A struct __kernel_timespec in the slot's scratch memory; its address. */
    static long timespec(InFlight inFlight, int slot, long nanos) {
        ByteBuffer ts = inFlight.scratch(slot, 16);
        ts.putLong(0, nanos / 1_000_000_000L).putLong(8, nanos % 1_000_000_000L);
        return Memory.address(ts);
    }

    private static long path(InFlight inFlight, int slot, byte[] bytes) {
        ByteBuffer b = inFlight.scratch(slot, bytes.length + 1);
        b.put(0, bytes).put(bytes.length, (byte) 0);
        return Memory.address(b);
    }
}
