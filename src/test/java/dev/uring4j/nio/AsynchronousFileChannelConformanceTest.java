package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.GIB;
import static dev.uring4j.nio.NioTestSupport.await;
import static dev.uring4j.nio.NioTestSupport.bytes;
import static dev.uring4j.nio.NioTestSupport.concat;
import static dev.uring4j.nio.NioTestSupport.failure;
import static dev.uring4j.nio.NioTestSupport.filled;
import static dev.uring4j.nio.NioTestSupport.mkfifo;
import static dev.uring4j.nio.NioTestSupport.range;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.nio.NioTestSupport.Recorder;
import dev.uring4j.nio.NioTestSupport.TrackedPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AsynchronousFileChannel as the JDK documents it, every case on the JDK's channel and on
 * uring4j's. A recurring point: which failures the initiating method throws and which arrive
 * through the Future or the CompletionHandler. The JDK throws argument and mode errors
 * (IllegalArgumentException, NonReadable/NonWritableChannelException, OverlappingFileLockException)
 * from the call, and delivers ClosedChannelException for a read, write or lock of a closed channel
 * through the Future or handler.
 */
@Tag("kernel")
class AsynchronousFileChannelConformanceTest {
    private static final Set<OpenOption> RW = Set.of(READ, WRITE, CREATE);

    @TempDir
    Path dir;

    private TrackedPool pool;
    private int files;
    private final List<AsynchronousFileChannel> opened = new ArrayList<>();

    private static NioTestSupport.OtherProcess holder;

    @BeforeAll
    static void startLockHolder() throws IOException {
        holder = new NioTestSupport.OtherProcess();
    }

    @AfterAll
    static void stopLockHolder() throws Exception {
        if (holder != null) {
            holder.close();
        }
    }

    @BeforeEach
    void startPool() {
        pool = new TrackedPool(3);
    }

    @AfterEach
    void stopPool() throws Exception {
        for (AsynchronousFileChannel ch : opened) {
            ch.close();
        }
        pool.close();
    }

    private Path file(byte[] content) throws IOException {
        Path p = dir.resolve("f" + files++);
        Files.write(p, content);
        return p;
    }

    private Path file(int n) throws IOException {
        return file(bytes(n, files));
    }

    private AsynchronousFileChannel open(Impl impl, Path p, OpenOption... options) throws IOException {
        AsynchronousFileChannel ch = impl.openAsync(p, Set.of(options), pool.executor);
        opened.add(ch);
        return ch;
    }

    /** Checks a handler ran once, with the attachment, on a thread of the channel's pool. */
    private void assertHandled(Recorder<?, ?> r, Object attachment) {
        assertEquals(1, r.calls.get(), "handler invoked once");
        assertSame(attachment, r.attachment);
        // AsynchronousFileChannel: "The completion handler for an I/O operation initiated on a channel is
        // guaranteed to be invoked by one of the threads in the thread pool" (where the operation completes
        // immediately and the initiator is a pool thread it may run directly, still a pool thread).
        assertTrue(pool.owns(r.thread), "handler ran on " + r.thread + ", not a thread of the given executor");
    }

    // ------------------------------------------------------------------------------------ open

    @ParameterizedTest
    @EnumSource(Impl.class)
    void openOptions(Impl impl) throws Exception {
        Path p = file(10);
        // With neither READ nor WRITE: opened for reading.
        AsynchronousFileChannel ro = impl.openAsync(p, Set.of(), pool.executor);
        assertEquals(10, ro.size());
        assertEquals(10, await(ro.read(ByteBuffer.allocate(20), 0)));
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
        ro.close();
        // AsynchronousFileChannel.open lists no APPEND (there is no position to append at); the JDK refuses
        // it as an unsupported option.
        assertThrowsExactly(UnsupportedOperationException.class, () -> impl.openAsync(p, Set.of(WRITE, APPEND), pool.executor).close());
        assertThrowsExactly(FileAlreadyExistsException.class, () -> impl.openAsync(p, Set.of(WRITE, CREATE_NEW), pool.executor).close());
        Path missing = dir.resolve("missing");
        assertThrowsExactly(NoSuchFileException.class, () -> impl.openAsync(missing, Set.of(READ), pool.executor).close());
        assertThrowsExactly(NoSuchFileException.class, () -> impl.openAsync(missing, Set.of(WRITE), pool.executor).close());
        try (AsynchronousFileChannel ch = impl.openAsync(p, Set.of(WRITE, TRUNCATE_EXISTING), pool.executor)) {
            assertEquals(0, ch.size());
        }
        Path temp = dir.resolve("temp");
        AsynchronousFileChannel ch = impl.openAsync(temp, Set.of(WRITE, CREATE_NEW, DELETE_ON_CLOSE), pool.executor);
        // As for FileChannel, the JDK on Linux unlinks a DELETE_ON_CLOSE file at once; the channel works on.
        assertFalse(Files.exists(temp));
        assertEquals(1, await(ch.write(ByteBuffer.wrap(new byte[] {1}), 0)));
        assertEquals(1, ch.size());
        ch.close();
        assertFalse(Files.exists(temp));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void nullExecutorMeansTheDefaultPool(Impl impl) throws Exception {
        // open(..., executor, ...): "executor - The thread pool or null to associate the channel with the
        // default thread pool". Which threads those are is not specified; only that it works.
        byte[] data = bytes(10, 3);
        try (AsynchronousFileChannel ch = impl.openAsync(file(data), Set.of(READ), null)) {
            Recorder<Integer, String> r = new Recorder<>();
            ch.read(ByteBuffer.allocate(10), 0, "a", r);
            assertEquals(10, r.value());
            assertEquals(1, r.calls.get());
            assertEquals(10, await(ch.read(ByteBuffer.allocate(10), 0)));
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file(data), READ)) {
            assertEquals(10, await(ch.read(ByteBuffer.allocate(10), 0)));
        }
    }

    // ------------------------------------------------------------------------------------ read and write

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void futureWriteThenRead(Impl impl, Buf buf) throws Exception {
        Path p = dir.resolve("rw");
        byte[] data = bytes(300, 4);
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE, CREATE);
        ByteBuffer src = buf.of(data);
        Future<Integer> w = ch.write(src, 0);
        assertEquals(300, await(w));
        assertTrue(w.isDone());
        assertFalse(w.isCancelled());
        assertEquals(300, src.position());
        assertEquals(300, ch.size());
        ByteBuffer dst = buf.allocate(200);
        dst.position(10);
        assertEquals(190, await(ch.read(dst, 50)));
        assertEquals(200, dst.position());
        assertArrayEquals(range(data, 50, 240), range(filled(dst), 10, 200));
        ch.close();
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void handlerWriteThenRead(Impl impl, Buf buf) throws Exception {
        byte[] data = bytes(64, 5);
        AsynchronousFileChannel ch = open(impl, dir.resolve("h"), READ, WRITE, CREATE);
        Object attachment = new Object();
        Recorder<Integer, Object> w = new Recorder<>();
        ByteBuffer src = buf.of(data);
        ch.write(src, 8, attachment, w);
        assertEquals(64, w.value());
        assertHandled(w, attachment);
        assertEquals(64, src.position());
        assertEquals(72, ch.size());
        Recorder<Integer, String> r = new Recorder<>();
        ByteBuffer dst = buf.allocate(100);
        ch.read(dst, 0, "attachment", r);
        assertEquals(72, r.value());
        assertHandled(r, "attachment");
        assertArrayEquals(concat(new byte[8], data), filled(dst));
        // A null attachment is passed as null.
        Recorder<Integer, Object> n = new Recorder<>();
        ch.read(buf.allocate(4), 0, null, n);
        assertEquals(4, n.value());
        assertHandled(n, null);
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void readsAtAndPastEndOfFile(Impl impl, Buf buf) throws Exception {
        AsynchronousFileChannel ch = open(impl, file(10), READ);
        ByteBuffer tail = buf.allocate(8);
        assertEquals(3, await(ch.read(tail, 7)));
        assertEquals(3, tail.position());
        ByteBuffer at = buf.allocate(8);
        assertEquals(-1, await(ch.read(at, 10)));
        assertEquals(0, at.position());
        assertEquals(-1, await(ch.read(buf.allocate(8), 1 << 20)));
        Recorder<Integer, Integer> r = new Recorder<>();
        ch.read(buf.allocate(8), 11, 11, r);
        assertEquals(-1, r.value());
        assertHandled(r, 11);
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void zeroBytesRemaining(Impl impl, Buf buf) throws Exception {
        AsynchronousFileChannel ch = open(impl, file(10), READ, WRITE);
        ByteBuffer full = buf.allocate(4).position(4);
        assertEquals(0, await(ch.read(full, 0)));
        // At and past end of file too: 0, not -1 (the JDK completes at once without reading).
        assertEquals(0, await(ch.read(full, 10)));
        assertEquals(0, await(ch.read(full, 100)));
        assertEquals(0, await(ch.write(full, 0)));
        assertEquals(0, await(ch.write(full, 100)));
        assertEquals(10, ch.size());
        Recorder<Integer, String> r = new Recorder<>();
        ch.read(full, 100, "z", r);
        assertEquals(0, r.value());
        assertHandled(r, "z");
        Recorder<Integer, String> w = new Recorder<>();
        ch.write(full, 100, "w", w);
        assertEquals(0, w.value());
        assertHandled(w, "w");
        assertEquals(4, full.position());
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void writePastTheEndGrowsTheFile(Impl impl, Buf buf) throws Exception {
        byte[] data = bytes(10, 1);
        Path p = file(data);
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE);
        assertEquals(2, await(ch.write(buf.of(new byte[] {5, 6}), 100)));
        assertEquals(102, ch.size());
        ByteBuffer hole = buf.allocate(90);
        assertEquals(90, await(ch.read(hole, 10)));
        assertArrayEquals(new byte[90], filled(hole), "the hole reads as zeros on Linux");
        ch.close();
        assertArrayEquals(concat(data, new byte[90], new byte[] {5, 6}), Files.readAllBytes(p));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void modeAndArgumentErrorsAreThrownByTheCall(Impl impl) throws Exception {
        AsynchronousFileChannel ro = open(impl, file(10), READ);
        AsynchronousFileChannel wo = open(impl, file(10), WRITE);
        AsynchronousFileChannel rw = open(impl, file(10), READ, WRITE);
        ByteBuffer b = ByteBuffer.allocate(4);
        Recorder<Integer, Object> h = new Recorder<>();
        assertThrowsExactly(NonReadableChannelException.class, () -> wo.read(b, 0));
        assertThrowsExactly(NonReadableChannelException.class, () -> wo.read(b, 0, null, h));
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.write(b, 0));
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.write(b, 0, null, h));
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.read(b, -1));
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.read(b, -1, null, h));
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.write(b, -1));
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.write(b, Long.MIN_VALUE, null, h));
        // A read into a read-only buffer: IllegalArgumentException from the call.
        ByteBuffer readOnly = ByteBuffer.allocate(4).asReadOnlyBuffer();
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.read(readOnly, 0));
        assertThrowsExactly(IllegalArgumentException.class, () -> rw.read(readOnly, 0, null, h));
        assertEquals(4, await(rw.write(readOnly, 0)));
        // Nulls: the buffer, and the handler of the handler forms.
        assertThrowsExactly(NullPointerException.class, () -> rw.read(null, 0));
        assertThrowsExactly(NullPointerException.class, () -> rw.write(null, 0));
        assertThrowsExactly(NullPointerException.class, () -> rw.read(b, 0, null, null));
        assertThrowsExactly(NullPointerException.class, () -> rw.write(b, 0, null, null));
        assertEquals(0, h.calls.get(), "no handler is invoked for an operation that was refused");
        assertEquals(0, b.position());
        assertTrue(ro.isOpen() && wo.isOpen() && rw.isOpen());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void notInterruptible(Impl impl) throws Exception {
        // AsynchronousFileChannel is not an InterruptibleChannel: an initiating thread's interrupt status
        // neither closes the channel nor fails the operation.
        AsynchronousFileChannel ch = open(impl, file(10), READ, WRITE);
        Thread.currentThread().interrupt();
        Future<Integer> r;
        Future<Integer> w;
        Recorder<Integer, String> h = new Recorder<>();
        long size;
        try {
            size = ch.size();
            ch.force(false);
            ch.truncate(5);
            ch.tryLock().release();
            r = ch.read(ByteBuffer.allocate(5), 0); // 5: whether or not the write below has grown the file
            w = ch.write(ByteBuffer.wrap(bytes(2, 1)), 10);
            ch.read(ByteBuffer.allocate(4), 0, "i", h);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status is left alone");
        }
        assertEquals(10, size);
        assertEquals(5, await(r));
        assertEquals(2, await(w));
        assertEquals(4, h.value());
        assertTrue(ch.isOpen());
    }

    // ------------------------------------------------------------------------------------ closed channel

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closedChannel(Impl impl) throws Exception {
        AsynchronousFileChannel ch = open(impl, file(10), READ, WRITE);
        assertTrue(ch.isOpen());
        ch.close();
        assertFalse(ch.isOpen());
        ch.close(); // idempotent
        ByteBuffer b = ByteBuffer.allocate(4);
        // Read, write and lock of a closed channel fail through the Future or the handler (the JDK does not
        // throw from the call), even with nothing remaining to transfer.
        assertSame(ClosedChannelException.class, failure(ch.read(b, 0)).getClass());
        assertSame(ClosedChannelException.class, failure(ch.write(ByteBuffer.wrap(bytes(4, 1)), 0)).getClass());
        assertSame(ClosedChannelException.class, failure(ch.read(ByteBuffer.allocate(0), 0)).getClass());
        assertSame(ClosedChannelException.class, failure(ch.lock()).getClass());
        assertSame(ClosedChannelException.class, failure(ch.lock(0, 5, true)).getClass());
        Recorder<Integer, String> r = new Recorder<>();
        ch.read(b, 0, "r", r);
        assertSame(ClosedChannelException.class, r.failure().getClass());
        assertHandled(r, "r");
        Recorder<Integer, String> w = new Recorder<>();
        ch.write(ByteBuffer.wrap(bytes(4, 1)), 0, "w", w);
        assertSame(ClosedChannelException.class, w.failure().getClass());
        assertHandled(w, "w");
        Recorder<FileLock, String> l = new Recorder<>();
        ch.lock("l", l);
        assertSame(ClosedChannelException.class, l.failure().getClass());
        assertHandled(l, "l");
        // The synchronous methods throw it...
        assertThrowsExactly(ClosedChannelException.class, ch::size);
        // ...except truncate, for which the JDK throws its subclass AsynchronousCloseException, as if the
        // channel had been closed during the call: its "closed" check fails, and the end of the operation
        // (nothing truncated, channel closed) then reports an asynchronous close instead.
        assertThrowsExactly(AsynchronousCloseException.class, () -> ch.truncate(1));
        assertThrowsExactly(ClosedChannelException.class, () -> ch.force(true));
        assertThrowsExactly(ClosedChannelException.class, () -> ch.force(false));
        assertThrowsExactly(ClosedChannelException.class, () -> ch.tryLock());
        assertThrowsExactly(ClosedChannelException.class, () -> ch.tryLock(0, 1, true));
        assertEquals(0, b.position());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closedChannelStillChecksModeAndArgumentsFirst(Impl impl) throws Exception {
        AsynchronousFileChannel ro = open(impl, file(10), READ);
        ro.close();
        // The JDK checks the arguments and the channel's mode before it looks at whether it is open.
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
        assertThrowsExactly(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1));
        assertThrowsExactly(IllegalArgumentException.class, () -> ro.truncate(-1));
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.lock());
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.tryLock());
    }

    // ------------------------------------------------------------------------------------ size, truncate, force

    @ParameterizedTest
    @EnumSource(Impl.class)
    void sizeTruncateForce(Impl impl) throws Exception {
        byte[] data = bytes(100, 2);
        Path p = file(data);
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE);
        assertEquals(100, ch.size());
        assertSame(ch, ch.truncate(40));
        assertEquals(40, ch.size());
        // Larger than the size: "the file is not modified".
        assertSame(ch, ch.truncate(1000));
        assertEquals(40, ch.size());
        assertThrowsExactly(IllegalArgumentException.class, () -> ch.truncate(-1));
        ch.force(true);
        ch.force(false);
        assertEquals(-1, await(ch.read(ByteBuffer.allocate(1), 40)));
        // The size is the file's, whoever changed it.
        Files.write(p, bytes(7, 1));
        assertEquals(7, ch.size());
        AsynchronousFileChannel ro = open(impl, file(data), READ);
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.truncate(10));
        ro.force(true); // force on a read-only channel is allowed
        assertEquals(100, ro.size());
    }

    // ------------------------------------------------------------------------------------ locks

    @ParameterizedTest
    @EnumSource(Impl.class)
    void lockWithFutureAndHandler(Impl impl) throws Exception {
        AsynchronousFileChannel ch = open(impl, file(10), READ, WRITE);
        FileLock lock = await(ch.lock());
        assertTrue(lock.isValid());
        assertFalse(lock.isShared());
        assertEquals(0, lock.position());
        assertEquals(Long.MAX_VALUE, lock.size());
        assertSame(ch, lock.acquiredBy());
        // FileLock.channel(): "the file channel, or null if the file lock was not acquired by a file
        // channel". An AsynchronousFileChannel is not a FileChannel, so null.
        assertNull(lock.channel());
        lock.release();
        assertFalse(lock.isValid());
        lock.release(); // no effect on an invalid lock

        Recorder<FileLock, String> h = new Recorder<>();
        ch.lock(2, 3, true, "att", h);
        FileLock shared = h.value();
        assertHandled(h, "att");
        assertTrue(shared.isShared());
        assertEquals(2, shared.position());
        assertEquals(3, shared.size());
        assertSame(ch, shared.acquiredBy());
        shared.close();
        assertFalse(shared.isValid());

        FileLock t = ch.tryLock(5, 5, false);
        assertNotNull(t);
        assertSame(ch, t.acquiredBy());
        t.release();
        FileLock all = ch.tryLock();
        assertNotNull(all);
        all.release();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void lockModesAndArguments(Impl impl) throws Exception {
        AsynchronousFileChannel ro = open(impl, file(10), READ);
        AsynchronousFileChannel wo = open(impl, file(10), WRITE);
        Recorder<FileLock, Object> h = new Recorder<>();
        FileLock shared = await(ro.lock(0, Long.MAX_VALUE, true));
        assertTrue(shared.isShared());
        shared.release();
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.lock());
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.lock(null, h));
        assertThrowsExactly(NonWritableChannelException.class, () -> ro.tryLock());
        assertThrowsExactly(NonReadableChannelException.class, () -> wo.lock(0, 5, true));
        assertThrowsExactly(NonReadableChannelException.class, () -> wo.lock(0, 5, true, null, h));
        assertThrowsExactly(NonReadableChannelException.class, () -> wo.tryLock(0, 5, true));
        assertThrowsExactly(IllegalArgumentException.class, () -> wo.lock(-1, 5, false));
        assertThrowsExactly(IllegalArgumentException.class, () -> wo.lock(0, -1, false, null, h));
        assertThrowsExactly(IllegalArgumentException.class, () -> wo.tryLock(Long.MAX_VALUE, 10, false));
        assertThrowsExactly(NullPointerException.class, () -> wo.lock(0, 5, false, null, null));
        assertEquals(0, h.calls.get());
        FileLock exclusive = await(wo.lock());
        assertFalse(exclusive.isShared());
        exclusive.release();
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implPairs")
    void overlappingLocksAreThrownByTheCall(Impl first, Impl second) throws Exception {
        Path p = file(100);
        AsynchronousFileChannel a = open(first, p, READ, WRITE);
        AsynchronousFileChannel b = open(second, p, READ, WRITE);
        FileLock la = await(a.lock(10, 20, false));
        Recorder<FileLock, Object> h = new Recorder<>();
        // lock(...): "OverlappingFileLockException - If a lock that overlaps the requested region is already
        // held by this Java virtual machine": thrown by the call, not through the Future. The lock table is
        // the JVM's: another channel on the file, of either implementation, and a FileChannel see it too.
        assertThrowsExactly(OverlappingFileLockException.class, () -> a.lock(0, 11, false));
        assertThrowsExactly(OverlappingFileLockException.class, () -> a.lock(29, 1, true, null, h));
        assertThrowsExactly(OverlappingFileLockException.class, () -> a.tryLock());
        assertThrowsExactly(OverlappingFileLockException.class, () -> b.lock(15, 1, true));
        assertThrowsExactly(OverlappingFileLockException.class, () -> b.tryLock(0, 100, false));
        try (FileChannel fc = second.open(p, READ, WRITE)) {
            assertThrowsExactly(OverlappingFileLockException.class, () -> fc.tryLock(20, 1, false));
            assertThrowsExactly(OverlappingFileLockException.class, () -> fc.lock());
            FileLock adjacent = fc.tryLock(30, 5, false);
            assertNotNull(adjacent);
            adjacent.release();
        }
        assertEquals(0, h.calls.get());
        FileLock lb = await(b.lock(30, 10, false));
        la.release();
        FileLock again = b.tryLock(10, 20, false);
        assertNotNull(again);
        again.release();
        lb.release();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closingTheChannelReleasesItsLocks(Impl impl) throws Exception {
        Path p = file(10);
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE);
        FileLock a = await(ch.lock(0, 5, false));
        FileLock b = ch.tryLock(5, 5, true);
        ch.close();
        assertFalse(a.isValid());
        assertFalse(b.isValid());
        assertThrowsExactly(ClosedChannelException.class, a::release);
        AsynchronousFileChannel other = open(impl, p, READ, WRITE);
        FileLock l = other.tryLock();
        assertNotNull(l);
        l.release();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void locksHeldByAnotherProgram(Impl impl) throws Exception {
        Path p = file(10);
        holder.lock(p);
        try {
            AsynchronousFileChannel ch = open(impl, p, READ, WRITE);
            assertNull(ch.tryLock());
            assertNull(ch.tryLock(0, 1, true));
            // A lock request waits (pending) while the other program holds the lock...
            Recorder<FileLock, String> h = new Recorder<>();
            ch.lock(0, 5, false, "waiting", h);
            Thread.sleep(100);
            assertEquals(0, h.calls.get(), "the lock is pending while another program holds it");
            // ...and completes once it is released.
            holder.unlock();
            FileLock l = h.value();
            assertHandled(h, "waiting");
            assertTrue(l.isValid());
            assertSame(ch, l.acquiredBy());
            l.release();

            // Closed while pending: AsynchronousCloseException through the Future and the handler
            // (AsynchronousChannel: outstanding operations "complete with the exception AsynchronousCloseException").
            holder.lock(p);
            Future<FileLock> pending = ch.lock();
            Thread.sleep(100);
            assertFalse(pending.isDone(), "the lock is pending while another program holds it");
            ch.close();
            assertSame(AsynchronousCloseException.class, failure(pending).getClass());
            // The same with a handler, on another channel of the same file.
            AsynchronousFileChannel ch2 = open(impl, p, READ, WRITE);
            Recorder<FileLock, String> h2 = new Recorder<>();
            ch2.lock(0, 1, true, "closed", h2);
            Thread.sleep(100);
            assertEquals(0, h2.calls.get());
            ch2.close();
            assertSame(AsynchronousCloseException.class, h2.failure().getClass());
            assertHandled(h2, "closed");
        } finally {
            holder.unlock();
        }
    }

    /**
     * A pending lock's Future cancelled with cancel(true) closes the channel, as the JDK's
     * (PendingFuture), so the lock is never taken once the other program lets go; with
     * cancel(false) the JDK takes it later and nobody can release it, while uring4j releases
     * it at once: the other program can lock the file again in both cases for uring4j.
     *
     * <p>Regression for: cancel(true) left the channel open and the wait going on; the lock
     * was taken later and held until the channel was closed.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void aCancelledPendingLockIsNeverLeftHeld(Impl impl) throws Exception {
        for (boolean mayInterrupt : new boolean[] {true, false}) {
            Path p = file(10);
            holder.lock(p);
            AsynchronousFileChannel ch = open(impl, p, READ, WRITE);
            Future<FileLock> pending = ch.lock();
            Thread.sleep(100);
            assertFalse(pending.isDone(), "the lock is pending while another program holds it");
            assertTrue(pending.cancel(mayInterrupt));
            assertEquals(!mayInterrupt, ch.isOpen(), "cancel(" + mayInterrupt + ") closes the channel as the JDK's");
            holder.unlock();
            Thread.sleep(200); // the waiting lock, if it still waits, is granted now
            if (impl == Impl.URING4J || mayInterrupt) {
                holder.lock(p); // waits for ever if this JVM holds the lock: the holder answers "locked" only once it has it
                holder.unlock();
            }
            if (ch.isOpen()) {
                FileLock again = impl == Impl.URING4J ? ch.tryLock() : null;
                if (again != null) {
                    again.release(); // uring4j: the late lock was released, the channel can lock again
                } else if (impl == Impl.URING4J) {
                    throw new AssertionError("the cancelled lock is still held by the channel");
                }
            }
            ch.close();
        }
    }

    // ------------------------------------------------------------------------------------ FIFO

    @ParameterizedTest
    @EnumSource(Impl.class)
    void positionalReadOfAFifoFails(Impl impl) throws Exception {
        Path fifo = dir.resolve("fifo");
        mkfifo(fifo);
        AsynchronousFileChannel ch = open(impl, fifo, READ, WRITE);
        // Every read of an AsynchronousFileChannel is positional. The JDK reads with pread(2), which a FIFO
        // refuses (ESPIPE, "Illegal seek"): the read fails through the Future with an IOException instead of
        // waiting for data. (io_uring's read ignores the offset of a stream; uring4j must still fail.)
        Throwable f = failure(ch.read(ByteBuffer.allocate(4), 0));
        assertSame(IOException.class, f.getClass(), String.valueOf(f));
        Throwable w = failure(ch.write(ByteBuffer.wrap(new byte[] {1}), 0));
        assertSame(IOException.class, w.getClass(), String.valueOf(w));
        assertTrue(ch.isOpen());
    }

    // ------------------------------------------------------------------------------------ large positions

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void positionsBeyond2To32(Impl impl, Buf buf) throws Exception {
        Path p = dir.resolve("sparse");
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE, CREATE_NEW, SPARSE);
        long[] at = {(1L << 31) - 2, (1L << 32) - 3, 5 * GIB + 3};
        for (int i = 0; i < at.length; i++) {
            assertEquals(6, await(ch.write(buf.of(bytes(6, i)), at[i])));
        }
        assertEquals(5 * GIB + 9, ch.size());
        for (int i = 0; i < at.length; i++) {
            ByteBuffer dst = buf.allocate(6);
            Recorder<Integer, Long> r = new Recorder<>();
            ch.read(dst, at[i], at[i], r);
            assertEquals(6, r.value());
            assertEquals(at[i], r.attachment);
            assertArrayEquals(bytes(6, i), filled(dst));
        }
        assertEquals(-1, await(ch.read(buf.allocate(1), 5 * GIB + 9)));
        ch.truncate((1L << 32) + 1);
        assertEquals((1L << 32) + 1, ch.size());
    }

    // ------------------------------------------------------------------------------------ many operations

    @ParameterizedTest
    @EnumSource(Impl.class)
    void manyConcurrentOperations(Impl impl) throws Exception {
        int n = 1000;
        int record = 16;
        Path p = dir.resolve("many");
        AsynchronousFileChannel ch = open(impl, p, READ, WRITE, CREATE);
        // 1000 positional writes in flight at once, in an order that is not the file's.
        List<Future<Integer>> writes = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = (k * 7919) % n;
            ByteBuffer src = (k % 2 == 0 ? Buf.HEAP : Buf.DIRECT).of(bytes(record, i));
            writes.add(ch.write(src, (long) i * record));
        }
        for (Future<Integer> w : writes) {
            assertEquals(record, await(w));
        }
        assertEquals((long) n * record, ch.size());
        // 1000 reads with handlers, from two initiating threads.
        CountDownLatch done = new CountDownLatch(n);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        Thread[] initiators = new Thread[2];
        for (int t = 0; t < initiators.length; t++) {
            int first = t;
            initiators[t] = new Thread(() -> {
                for (int i = first; i < n; i += initiators.length) {
                    ByteBuffer dst = (i % 3 == 0 ? Buf.DIRECT : Buf.HEAP_SLICE).allocate(record);
                    ch.read(dst, (long) i * record, i, new java.nio.channels.CompletionHandler<Integer, Integer>() {
                        @Override
                        public void completed(Integer result, Integer index) {
                            if (result != record || !java.util.Arrays.equals(bytes(record, index), filled(dst))) {
                                wrong.add("record " + index + ": " + result);
                            }
                            if (!pool.owns(Thread.currentThread())) {
                                wrong.add("record " + index + " handled on " + Thread.currentThread());
                            }
                            done.countDown();
                        }

                        @Override
                        public void failed(Throwable exc, Integer index) {
                            wrong.add("record " + index + ": " + exc);
                            done.countDown();
                        }
                    });
                }
            });
            initiators[t].start();
        }
        for (Thread t : initiators) {
            NioTestSupport.join(t);
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "all reads complete");
        assertEquals(List.of(), new ArrayList<>(wrong));
        ch.close();
        byte[] file = Files.readAllBytes(p);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(bytes(record, i), range(file, i * record, (i + 1) * record), "record " + i);
        }
    }
}
