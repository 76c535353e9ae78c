package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.awaitBlocked;
import static dev.uring4j.nio.NioTestSupport.bytes;
import static dev.uring4j.nio.NioTestSupport.join;
import static dev.uring4j.nio.NioTestSupport.mkfifo;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FileChannel is an InterruptibleChannel: a thread blocked in it is released by a close from another
 * thread (AsynchronousCloseException) or by an interrupt (ClosedByInterruptException, the channel
 * closed, the interrupt status set). Reads block on a FIFO (opened READ+WRITE, so the open itself does
 * not wait for a writer); lock() blocks while another process holds the lock. Every wait is bounded.
 */
@Tag("kernel")
class FileChannelBlockingTest {
    @TempDir
    Path dir;

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

    /** What a thread running a blocking operation observed. */
    static final class Outcome {
        final AtomicReference<Object> result = new AtomicReference<>();
        volatile boolean interruptedAfter;
    }

    interface Op {
        Object run() throws Exception;
    }

    private static Thread start(Outcome o, Op op) {
        Thread t = new Thread(() -> {
            try {
                o.result.set(op.run());
            } catch (Throwable e) {
                o.result.set(e);
            }
            o.interruptedAfter = Thread.currentThread().isInterrupted();
        }, "blocked-op");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Path fifo() throws Exception {
        Path p = dir.resolve("fifo");
        mkfifo(p);
        return p;
    }

    private static Op blockingRead(FileChannel ch, boolean scatter) {
        return scatter ? () -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(4), ByteBuffer.allocate(4)})
                : () -> ch.read(ByteBuffer.allocate(8));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void readOnAFifoWaitsForData(Impl impl) throws Exception {
        Path p = fifo();
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            Outcome o = new Outcome();
            ByteBuffer dst = ByteBuffer.allocate(8);
            Thread t = start(o, () -> ch.read(dst));
            awaitBlocked(t);
            assertTrue(t.isAlive(), "the read waits for a writer's data");
            // Another writer (not this channel: the JDK's relative read holds the position lock that a relative
            // write needs, so a channel cannot feed its own blocked read). The FIFO has a reader: no wait to open.
            try (FileChannel writer = FileChannel.open(p, WRITE)) {
                assertEquals(3, writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            }
            join(t);
            assertEquals(3, o.result.get());
            assertEquals(3, dst.position());
            // A FIFO has no position: a positional read fails (pread(2): ESPIPE), like position().
            assertEquals(IOException.class, assertThrowsIo(() -> ch.read(ByteBuffer.allocate(1), 0)).getClass());
            assertEquals(IOException.class, assertThrowsIo(ch::position).getClass());
            assertEquals(0, ch.size());
        }
    }

    private static Throwable assertThrowsIo(Op op) {
        try {
            op.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected an IOException");
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closeReleasesABlockedRead(Impl impl) throws Exception {
        for (boolean scatter : new boolean[] {false, true}) {
            Path p = dir.resolve("fifo-close-" + scatter);
            mkfifo(p);
            FileChannel ch = impl.open(p, READ, WRITE);
            Outcome o = new Outcome();
            Thread t = start(o, blockingRead(ch, scatter));
            awaitBlocked(t);
            assertTrue(t.isAlive(), "the read blocks on an empty FIFO");
            ch.close();
            join(t);
            // AsynchronousCloseException: "received by a thread when another thread closes the channel
            // ... upon which it is blocked in an I/O operation". Exactly that class (not its subclass
            // ClosedByInterruptException, nor a plain ClosedChannelException).
            assertSame(AsynchronousCloseException.class, o.result.get().getClass(), "scatter " + scatter + ": " + o.result.get());
            assertFalse(o.interruptedAfter);
            assertFalse(ch.isOpen());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void interruptReleasesABlockedReadAndClosesTheChannel(Impl impl) throws Exception {
        for (boolean scatter : new boolean[] {false, true}) {
            Path p = dir.resolve("fifo-interrupt-" + scatter);
            mkfifo(p);
            FileChannel ch = impl.open(p, READ, WRITE);
            Outcome o = new Outcome();
            Thread t = start(o, blockingRead(ch, scatter));
            awaitBlocked(t);
            assertTrue(t.isAlive(), "the read blocks on an empty FIFO");
            t.interrupt();
            join(t);
            // InterruptibleChannel: the channel is closed, the thread receives ClosedByInterruptException
            // and its interrupt status is set.
            assertSame(ClosedByInterruptException.class, o.result.get().getClass(), "scatter " + scatter + ": " + o.result.get());
            assertTrue(o.interruptedAfter, "interrupt status set");
            assertFalse(ch.isOpen());
            ch.close();
        }
    }

    /**
     * A write to a FIFO returns once every byte is in it, as the JDK's blocking write(2)/writev(2):
     * 1 MiB (16 pipe buffers) from a heap buffer, then 2 x 512 KiB gathered from direct buffers,
     * while a reader drains the FIFO in 4 KiB steps.
     *
     * <p>Regression for: uring4j returned what one pipe buffer took (65536, then 24576), and the
     * reader got 90112 of 2097152 bytes.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void aWriteToAFifoReturnsOnceEveryByteIsWritten(Impl impl) throws Exception {
        Path p = fifo();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (FileChannel r = FileChannel.open(p, READ)) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                long total = 0;
                int sum = 0;
                for (int n; (n = r.read(b.clear())) >= 0; ) {
                    total += n;
                    for (int i = 0; i < n; i++) {
                        sum = 31 * sum + b.get(i);
                    }
                }
                got.set(total + " bytes, hash " + sum);
            } catch (Throwable t) {
                got.set(t);
            }
        }, "fifo-reader");
        reader.setDaemon(true);
        reader.start();
        byte[] one = bytes(1 << 20, 3);
        ByteBuffer[] two = {ByteBuffer.allocateDirect(1 << 19).put(bytes(1 << 19, 5)).flip(),
                ByteBuffer.allocateDirect(1 << 19).put(bytes(1 << 19, 7)).flip()};
        int expectedSum = 0;
        for (byte[] part : new byte[][] {one, bytes(1 << 19, 5), bytes(1 << 19, 7)}) {
            for (byte x : part) {
                expectedSum = 31 * expectedSum + x;
            }
        }
        try (FileChannel w = impl.open(p, WRITE)) {
            assertEquals(1 << 20, w.write(ByteBuffer.wrap(one)));
            assertEquals(1 << 20, w.write(two));
            assertFalse(two[0].hasRemaining() || two[1].hasRemaining());
        }
        reader.join(30_000);
        assertEquals((2 << 20) + " bytes, hash " + expectedSum, String.valueOf(got.get()));
    }

    /** A write waiting for room in a full FIFO is interruptible: ClosedByInterruptException, the channel closed. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void interruptReleasesAWriteWaitingForRoom(Impl impl) throws Exception {
        for (boolean gather : new boolean[] {false, true}) {
            Path p = dir.resolve("fifo-full-" + gather);
            mkfifo(p);
            try (FileChannel idleReader = impl.open(p, READ, WRITE); FileChannel ch = impl.open(p, WRITE)) {
                Outcome o = new Outcome();
                Thread t = start(o, gather ? () -> ch.write(new ByteBuffer[] {ByteBuffer.allocate(1 << 19),
                        ByteBuffer.allocate(1 << 19)}) : () -> ch.write(ByteBuffer.allocate(1 << 20)));
                awaitBlocked(t);
                assertTrue(t.isAlive(), "the write waits for room: nobody reads");
                t.interrupt();
                join(t);
                assertSame(ClosedByInterruptException.class, o.result.get().getClass(), "gather " + gather + ": " + o.result.get());
                assertTrue(o.interruptedAfter, "interrupt status set");
                assertFalse(ch.isOpen());
                assertTrue(idleReader.isOpen());
            }
        }
    }

    /** Operations started with the interrupt status set, on a regular file. */
    private static Map<String, Op> operations(FileChannel ch, FileChannel other) {
        Map<String, Op> ops = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.allocate(4);
        ops.put("read", () -> ch.read(b));
        ops.put("read(position)", () -> ch.read(b, 0));
        ops.put("read[]", () -> ch.read(new ByteBuffer[] {b}));
        ops.put("write", () -> ch.write(ByteBuffer.wrap(bytes(4, 1))));
        ops.put("write(position)", () -> ch.write(ByteBuffer.wrap(bytes(4, 1)), 0));
        ops.put("write[]", () -> ch.write(new ByteBuffer[] {ByteBuffer.wrap(bytes(4, 1))}));
        ops.put("position", () -> ch.position());
        ops.put("position(long)", () -> ch.position(1));
        ops.put("size", () -> ch.size());
        ops.put("truncate", () -> ch.truncate(2));
        ops.put("force", () -> {
            ch.force(true);
            return null;
        });
        ops.put("transferTo", () -> ch.transferTo(0, 4, other));
        ops.put("transferFrom", () -> ch.transferFrom(other, 0, 4));
        ops.put("lock", () -> ch.lock());
        ops.put("map", () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 4));
        ops.put("tryLock", () -> ch.tryLock());
        return ops;
    }

    /**
     * What the JDK does when an operation starts with the interrupt status set. InterruptibleChannel:
     * "If a thread's interrupt status is already set and it invokes a blocking I/O operation upon a
     * channel then the channel will be closed and the thread will immediately receive a
     * ClosedByInterruptException". The JDK treats every operation that may enter the kernel as
     * blocking, even size() and position(); lock() reports FileLockInterruptionException (its
     * Javadoc's exception for an interrupted wait); tryLock(), which never waits, is not interruptible.
     */
    private static Class<?> expectedWithInterruptSet(String op) {
        switch (op) {
            case "lock":
                return FileLockInterruptionException.class;
            case "tryLock":
                return null;
            default:
                return ClosedByInterruptException.class;
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void operationsStartedWithTheInterruptStatusSet(Impl impl) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String name : operations(null, null).keySet()) {
            Path p = dir.resolve("interrupted-" + name);
            Files.write(p, bytes(10, 2));
            Path q = dir.resolve("other-" + name);
            Files.write(q, bytes(10, 3));
            FileChannel ch = impl.open(p, READ, WRITE);
            FileChannel other = impl.open(q, READ, WRITE);
            Op op = operations(ch, other).get(name);
            Outcome o = new Outcome();
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    o.result.set(op.run());
                } catch (Throwable e) {
                    o.result.set(e);
                }
                o.interruptedAfter = Thread.currentThread().isInterrupted();
            });
            t.start();
            join(t);
            Class<?> expected = expectedWithInterruptSet(name);
            Object r = o.result.get();
            String got = name + ": " + (r instanceof Throwable ? r.getClass().getName() : "returned " + r) + ", open "
                    + ch.isOpen() + ", interrupted " + o.interruptedAfter;
            String want = name + ": " + (expected != null ? expected.getName() : "returned " + r) + ", open "
                    + (expected == null) + ", interrupted true";
            if (!got.equals(want)) {
                wrong.add("got " + got + "; want " + want);
            }
            if (r instanceof FileLock) {
                ((FileLock) r).release();
            }
            ch.close();
            other.close();
            // Nothing was written by an operation refused this way.
            if (expected != null) {
                assertEquals(10, Files.size(p), name);
            }
        }
        assertEquals(List.of(), wrong);
    }

    // ------------------------------------------------------------------------------------ lock held by another process

    @ParameterizedTest
    @EnumSource(Impl.class)
    void tryLockReturnsNullWhileAnotherProgramHoldsTheLock(Impl impl) throws Exception {
        Path p = dir.resolve("locked");
        Files.write(p, bytes(10, 1));
        holder.lock(p);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            // tryLock: "null if the lock could not be acquired because another program holds an overlapping lock".
            assertNull(ch.tryLock());
            assertNull(ch.tryLock(0, 1, true));
            assertTrue(ch.isOpen());
            // The refused attempts left nothing in this JVM's lock table: once free, the region can be locked.
            holder.unlock();
            FileLock l = ch.tryLock();
            assertNotNull(l);
            l.release();
        } finally {
            holder.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void lockWaitsForAnotherProgram(Impl impl) throws Exception {
        Path p = dir.resolve("wait");
        Files.write(p, bytes(10, 1));
        holder.lock(p);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            Outcome o = new Outcome();
            Thread t = start(o, () -> ch.lock(0, 5, false));
            awaitBlocked(t);
            assertTrue(t.isAlive(), "lock() waits while another process holds the region");
            holder.unlock();
            join(t);
            FileLock l = (FileLock) o.result.get();
            assertTrue(l.isValid());
            assertSame(ch, l.channel());
            assertEquals(5, l.size());
            l.release();
        } finally {
            holder.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closeReleasesAWaitingLock(Impl impl) throws Exception {
        Path p = dir.resolve("close-lock");
        Files.write(p, bytes(10, 1));
        holder.lock(p);
        try {
            FileChannel ch = impl.open(p, READ, WRITE);
            Outcome o = new Outcome();
            Thread t = start(o, () -> ch.lock());
            awaitBlocked(t);
            assertTrue(t.isAlive());
            ch.close();
            join(t);
            // lock(): "AsynchronousCloseException - If another thread closes this channel while the invoking
            // thread is blocked in this method".
            assertSame(AsynchronousCloseException.class, o.result.get().getClass(), String.valueOf(o.result.get()));
            assertFalse(o.interruptedAfter);
        } finally {
            holder.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void interruptReleasesAWaitingLock(Impl impl) throws Exception {
        Path p = dir.resolve("interrupt-lock");
        Files.write(p, bytes(10, 1));
        holder.lock(p);
        try {
            FileChannel ch = impl.open(p, READ, WRITE);
            Outcome o = new Outcome();
            Thread t = start(o, () -> ch.lock());
            awaitBlocked(t);
            assertTrue(t.isAlive());
            t.interrupt();
            join(t);
            // lock(): "FileLockInterruptionException - If the invoking thread is interrupted while blocked in
            // this method" (an IOException, not a ClosedChannelException); as for any interrupted blocking
            // operation of an InterruptibleChannel, the channel is closed and the interrupt status set.
            assertSame(FileLockInterruptionException.class, o.result.get().getClass(), String.valueOf(o.result.get()));
            assertTrue(o.interruptedAfter);
            assertFalse(ch.isOpen());
        } finally {
            holder.unlock();
        }
    }
}
