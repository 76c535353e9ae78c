package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.diag.UringSupport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random-operation generator against live rings: random sequences of prepare,
 * submit, reap, register, unregister, cancel and close with random and hostile arguments.
 * Invariants: no JVM crash; every call either is accepted (and then completes exactly
 * once, including at close) or is refused up front with a Java exception of an expected
 * kind. {@code -During4j.fuzz.steps=N -During4j.fuzz.seed=S} for longer runs.
 *
 * <p>On about half the rings the completion handler also throws, now and then, an Error
 * ({@link FuzzError}), an {@link AssertionError} or a RuntimeException ({@link FuzzException})
 * from {@code onCompletion}, in reap, submitAndReap and close alike. The contract held to: the
 * call rethrows what the handler threw (the first of them, for close); the completions not yet
 * dispatched stay for the next call; close still tears the ring down and delivers every
 * remaining completion once. The fuzzing thread also interrupts itself before waits (the wait
 * throws UringException EINTR, the interrupt status stays set) and before close, and a fifth of
 * the rings are closed with {@code Duration.ZERO}. Asserted throughout: {@code inFlight()} equals
 * the operations accepted and not yet delivered, every accepted operation completes exactly
 * once, no stray completion, no buffer leaked by a close that had time to drain.
 */
@Tag("kernel")
class RingFuzzTest {
    @TempDir
    Path dir;

    /** {@code -During4j.fuzz.throws=false}: handlers never throw (to see past a finding). */
    private static final boolean THROWS = !"false".equals(System.getProperty("uring4j.fuzz.throws"));
    /** {@code -During4j.fuzz.interrupts=false}: no self-interrupts before waits and closes. */
    private static final boolean INTERRUPTS = !"false".equals(System.getProperty("uring4j.fuzz.interrupts"));

    private long accepted;
    private long completed;
    private long refused;
    private final Set<Long> outstanding = new HashSet<>();
    private long nextTag = 1;

    /** Thrown by the handler on purpose. */
    static final class FuzzError extends Error {
        private static final long serialVersionUID = 1L;

        FuzzError(long n) {
            super("handler Error #" + n + ", thrown on purpose");
        }
    }

    /** Thrown by the handler on purpose. */
    static final class FuzzException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FuzzException(long n) {
            super("handler exception #" + n + ", thrown on purpose");
        }
    }

    /** Invariant violations seen (inside handlers they are recorded, not thrown, so as not to look like a throw on purpose). */
    private final List<String> violations = new ArrayList<>();
    /** Every throwable the handler threw on purpose, in order. */
    private final List<Throwable> thrown = new ArrayList<>();
    /** 0: the handler never throws; else it throws once in this many deliveries. */
    private int throwOneIn;
    private SplittableRandom throwRandom;
    private long handlerThrows;
    private long handlerThrowsCaughtInClose;
    private long interruptedWaits;
    private long eintrWaits;
    private long interruptedCloses;
    private long zeroCloses;
    private long leakedAtZeroClose;
    private long leakedAtDrainingClose;
    private String where = "";
    private long zeroCopyOnRing;
    private long strayCompletions;

    private void violation(String what) {
        if (violations.size() < 20) {
            violations.add(where + ": " + what);
        }
    }

    private final CompletionHandler handler = (tag, res, flags) -> {
        if ((flags & Cqe.F_MORE) != 0) { // not the last completion (zero-copy send): more must follow
            if (!outstanding.contains(tag)) {
                violation("intermediate completion for tag " + tag + " that is not outstanding, res " + res);
            }
        } else {
            if (!outstanding.remove(tag)) {
                violation("completion for tag " + tag + " that is not outstanding (duplicate or unknown), res " + res);
            }
            completed++;
        }
        if (throwOneIn > 0 && throwRandom.nextInt(throwOneIn) == 0) {
            long n = ++handlerThrows;
            switch (throwRandom.nextInt(3)) {
                case 0: {
                    FuzzError e = new FuzzError(n);
                    thrown.add(e);
                    throw e;
                }
                case 1: {
                    AssertionError e = new AssertionError("handler AssertionError #" + n + ", thrown on purpose");
                    thrown.add(e);
                    throw e;
                }
                default: {
                    FuzzException e = new FuzzException(n);
                    thrown.add(e);
                    throw e;
                }
            }
        }
    };

    /** Whether {@code t} is one the handler threw on purpose since {@code from}. */
    private boolean thrownSince(int from, Throwable t) {
        for (int i = from; i < thrown.size(); i++) {
            if (thrown.get(i) == t) {
                return true;
            }
        }
        return false;
    }

    /**
     * A reap or submitAndReap: if the handler threw, the call must have rethrown exactly that
     * throwable (dispatch stops at the first throw); anything else propagates.
     */
    private void dispatching(String what, DispatchCall call) throws Exception {
        int before = thrown.size();
        try {
            call.run();
            if (thrown.size() != before) {
                violation(what + " returned normally although the handler threw " + thrown.get(before));
            }
        } catch (Throwable t) {
            if (thrown.size() == before) {
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw (Exception) t;
            }
            if (thrown.size() != before + 1 || thrown.get(before) != t) {
                violation(what + " threw " + t + " after the handler threw " + thrown.subList(before, thrown.size())
                        + ": expected exactly the handler's one throwable (dispatch stops at it)");
            }
        }
    }

    @FunctionalInterface
    interface DispatchCall {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface Step {
        Sqe run() throws Exception;
    }

    /**
     * Prepares one operation; if it was staged, it is outstanding (it completes once) whatever
     * the SQE-wide choices applied after it do: a refused drain() leaves the operation staged.
     */
    private void attempt(Step s, int sqeFlags) throws Exception {
        long tag = nextTag++;
        Sqe sqe;
        try {
            sqe = s.run();
        } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException | NullPointerException
                 | UringException e) {
            refused++;
            return;
        }
        sqe.tag(tag);
        outstanding.add(tag);
        accepted++;
        try {
            if ((sqeFlags & (1 << 2)) != 0) {
                sqe.link();
            }
            if ((sqeFlags & (1 << 3)) != 0) {
                sqe.hardLink();
            }
            if ((sqeFlags & (1 << 4)) != 0) {
                sqe.async();
            }
            if ((sqeFlags & (1 << 1)) != 0) {
                sqe.drain();
            }
        } catch (IllegalArgumentException e) {
            // IO_DRAIN on a ring that used zero-copy sends (or on one itself): the operation is withdrawn.
            outstanding.remove(tag);
            accepted--;
            refused++;
        }
    }

    /** A buffer's range picked at random: [index, index + length) when that lies in it, else the buffer as is. */
    private static ByteBuffer range(ByteBuffer b, int index, int length) {
        if (b == null || index < 0 || length < 0 || index > b.capacity() - length) {
            return b;
        }
        return b.duplicate().limit(index + length).position(index);
    }

    @Test
    void randomHostileSequencesNeverCrashAndCompleteEverythingOnce() throws Exception {
        TestSupport.requireAvailable();
        // Without IORING_REGISTER_SYNC_CANCEL (before 6.0) close cancels through the SQ, and an
        // IO_DRAIN record waiting on a pending FIFO read holds those cancels back: close then
        // waits out its deadline (waitsAndCloseKeepTheirDeadlinesBehindAnIoDrainRecord proves it
        // keeps it). Fuzzing IO_DRAIN there would cost that deadline on most rings.
        drainAllowed = UringSupport.get().isSyncCancelSupported();
        udp = Sockets.open(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_UDP);
        Sockets.bind(udp, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        udpAddress = Sockets.localAddress(udp);
        sharedMessage.buffers(ByteBuffer.allocateDirect(32)).destination(udpAddress);
        long seed = Long.getLong("uring4j.fuzz.seed", 20261122L);
        int steps = Integer.getInteger("uring4j.fuzz.steps", 30_000);
        SplittableRandom rnd = new SplittableRandom(seed);
        throwRandom = new SplittableRandom(seed ^ 0x7e57L);
        Path file = dir.resolve("fuzz");
        Files.write(file, new byte[64 * 1024]);
        Path fifo = dir.resolve("fifo");
        TestSupport.mkfifo(fifo);
        int rings = 0;
        int step = 0;
        while (step < steps) {
            int entries = 1 + rnd.nextInt(64);
            RingOptions.Builder b = RingOptions.builder().entries(entries);
            if (rnd.nextInt(4) == 0 && UringSupport.get().isSqe128Supported() && UringSupport.get().isCqe32Supported()) {
                b.flag(SetupFlag.SQE128, true).flag(SetupFlag.CQE32, true);
            }
            Ring ring = Ring.open(b.build());
            rings++;
            throwOneIn = 0; // the helper opens below use their own handler
            int fd = TestSupport.openat(ring, file, Linux.O_RDWR, 0);
            int fifoFd = TestSupport.openat(ring, fifo, Linux.O_RDWR, 0);
            throwOneIn = rnd.nextBoolean() ? 0 : 2 + rnd.nextInt(12);
            if (!THROWS) {
                throwOneIn = 0;
            }
            int life = 200 + rnd.nextInt(2000);
            for (int i = 0; i < life && step < steps; i++, step++) {
                where = "seed " + seed + ", ring " + rings + ", step " + step;
                actOnce(ring, rnd, fd, fifoFd, file);
                if (ring.inFlight() != outstanding.size()) {
                    violation("inFlight() " + ring.inFlight() + " but " + outstanding.size()
                            + " accepted operations are not yet delivered");
                }
                assertEquals(List.of(), violations, "invariant violations");
            }
            where = "seed " + seed + ", ring " + rings + ", close";
            // The one documented source of stray completions: the notification of a zero-copy send
            // that the kernel posts after its final completion (a send cancelled in a link chain).
            long stray = ring.strayCompletions();
            strayCompletions += stray;
            if (stray > zeroCopyOnRing) {
                violation(stray + " completions named no operation of the ring, with " + zeroCopyOnRing
                        + " zero-copy sends accepted on it");
            }
            zeroCopyOnRing = 0;
            // Close with whatever is in flight: pending FIFO reads, timeouts, staged records.
            closeRing(ring, rnd);
            assertEquals(Set.of(), outstanding, "every accepted operation completed at close (seed " + seed + ")");
            assertEquals(List.of(), violations, "invariant violations");
            throwOneIn = 0;
            TestSupport.closeFd(helper(), fd);
            TestSupport.closeFd(helper(), fifoFd);
        }
        helper.close();
        Sockets.close(udp);
        assertTrue(accepted > steps / 4 && refused > steps / 20, "accepted " + accepted + ", refused " + refused);
        assertEquals(accepted, completed, "accepted vs completed");
        assertEquals(0, leakedAtDrainingClose, "buffers leaked by closes that had 5 s to drain");
        assertTrue(steps < 5_000 || (handlerThrows > 0 || !THROWS) && (eintrWaits > 0 || !INTERRUPTS) && zeroCloses > 0,
                "the fuzz exercised throwing handlers (" + handlerThrows + "), interrupted waits (" + eintrWaits
                        + ") and close(Duration.ZERO) (" + zeroCloses + ")");
        System.out.printf("fuzz: seed %d, %d steps over %d rings: %d operations accepted and completed once, %d refused "
                + "up front, leaked buffers %d%n", seed, steps, rings, accepted, refused, Ring.leakedBuffers());
        System.out.printf("fuzz: handler throws %d (%d of them inside close), interrupted waits %d (%d threw EINTR), "
                + "interrupted closes %d, close(Duration.ZERO) %d (buffers leaked by them %d, by 5 s closes %d), stray "
                + "zero-copy notifications %d%n", handlerThrows, handlerThrowsCaughtInClose, interruptedWaits, eintrWaits,
                interruptedCloses, zeroCloses, leakedAtZeroClose, leakedAtDrainingClose, strayCompletions);
    }

    /**
     * Closes with a 5 s deadline or Duration.ZERO, maybe with the interrupt status set; the
     * handler may throw during close: close must still tear the ring down, deliver every
     * remaining completion once, and rethrow the first throwable.
     */
    private void closeRing(Ring ring, SplittableRandom rnd) throws Exception {
        boolean zero = rnd.nextInt(5) == 0;
        boolean interrupt = rnd.nextInt(6) == 0 && INTERRUPTS;
        int leakedBefore = Ring.leakedBuffers();
        int before = thrown.size();
        Throwable got = null;
        if (interrupt) {
            interruptedCloses++;
            Thread.currentThread().interrupt();
        }
        try {
            ring.close(zero ? Duration.ZERO : Duration.ofSeconds(5), handler);
        } catch (Throwable t) {
            got = t;
        } finally {
            boolean stillInterrupted = Thread.interrupted();
            if (interrupt && !stillInterrupted) {
                violation("close cleared the caller's interrupt status");
            }
        }
        int leaked = Ring.leakedBuffers() - leakedBefore;
        if (zero) {
            zeroCloses++;
            leakedAtZeroClose += leaked;
        } else {
            leakedAtDrainingClose += leaked;
        }
        handlerThrowsCaughtInClose += thrown.size() - before;
        if (thrown.size() == before) {
            if (got != null) {
                throw new AssertionError("close threw although the handler did not (" + where + ")", got);
            }
        } else if (got != thrown.get(before)) {
            violation("the handler threw " + (thrown.size() - before) + " time(s) during close, first "
                    + thrown.get(before) + ", but close threw " + got);
        }
        if (!ring.isClosed()) {
            violation("ring not closed after close threw " + got);
        }
        try {
            ring.nop().tag(-1);
            violation("a closed ring accepted a nop");
        } catch (IllegalStateException expected) {
            // closed
        }
    }

    private Ring helper;
    private int udp;
    private java.net.InetSocketAddress udpAddress;
    private final SocketMessage sharedMessage = new SocketMessage(2, 16);
    private boolean drainAllowed;

    private Ring helper() throws UringException {
        if (helper == null || helper.isClosed()) {
            helper = Ring.open(RingOptions.builder().entries(4).build());
        }
        return helper;
    }

    private static ByteBuffer buffer(SplittableRandom rnd) {
        switch (rnd.nextInt(10)) {
            case 0: return ByteBuffer.allocate(1 + rnd.nextInt(4096));               // heap: refused
            case 1: return ByteBuffer.allocateDirect(1 + rnd.nextInt(64)).asReadOnlyBuffer();
            case 2: return null;
            default: return ByteBuffer.allocateDirect(1 + rnd.nextInt(8192));
        }
    }

    private static int anyInt(SplittableRandom rnd, int sane) {
        switch (rnd.nextInt(8)) {
            case 0: return -1 - rnd.nextInt(1000);
            case 1: return Integer.MAX_VALUE - rnd.nextInt(10);
            case 2: return Integer.MIN_VALUE;
            default: return rnd.nextInt(Math.max(1, sane));
        }
    }

    private void actOnce(Ring ring, SplittableRandom rnd, int fd, int fifoFd, Path file) throws Exception {
        int anyFlags = rnd.nextInt(6) == 0 ? rnd.nextInt(256) : rnd.nextInt(3) == 0 ? 1 << 2 /* link */ : 0;
        int sqeFlags = drainAllowed ? anyFlags : anyFlags & ~(1 << 1) /* no drain */;
        int anyFd = rnd.nextInt(5) == 0 ? anyInt(rnd, 100_000) : rnd.nextBoolean() ? fd : fifoFd;
        switch (rnd.nextInt(24)) {
            case 0: case 1:
                attempt(() -> ring.nop(), sqeFlags);
                break;
            case 2: case 3: {
                ByteBuffer buf = buffer(rnd);
                attempt(() -> ring.read(anyFd == fifoFd ? fd : anyFd, range(buf, anyInt(rnd, 8192), anyInt(rnd, 8192)),
                        rnd.nextInt(8) == 0 ? -5 : rnd.nextInt(70_000)), sqeFlags);
                break;
            }
            case 4: {
                ByteBuffer buf = buffer(rnd);
                attempt(() -> ring.write(anyFd == fifoFd ? fd : anyFd, range(buf, anyInt(rnd, 8192), anyInt(rnd, 8192)),
                        rnd.nextInt(70_000)), sqeFlags);
                break;
            }
            case 5: {
                int n = rnd.nextInt(6);
                ByteBuffer[] bufs = new ByteBuffer[n];
                for (int i = 0; i < n; i++) {
                    bufs[i] = buffer(rnd);
                }
                attempt(() -> rnd.nextBoolean() ? ring.readv(anyFd, bufs, rnd.nextInt(70_000))
                        : ring.writev(fd, bufs, rnd.nextInt(70_000)), sqeFlags);
                break;
            }
            case 6:
                attempt(() -> ring.read(fifoFd, ByteBuffer.allocateDirect(16), 0), sqeFlags); // stays pending
                break;
            case 7:
                attempt(() -> ring.timeout(rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(5_000_000), TimeUnit.NANOSECONDS,
                        rnd.nextInt(3)), sqeFlags);
                break;
            case 8: {
                long target = rnd.nextBoolean() ? rnd.nextLong() : (((long) rnd.nextInt(4) << 32) | rnd.nextInt(64));
                attempt(() -> ring.cancel(target), sqeFlags);
                break;
            }
            case 9: {
                String path = rnd.nextInt(4) == 0 ? "bad\0path" : rnd.nextBoolean() ? file.toString() : "/no/such/file";
                attempt(() -> ring.openat(rnd.nextInt(4) == 0 ? -7 : Linux.AT_FDCWD, path, Linux.O_RDONLY, 0), sqeFlags);
                break;
            }
            case 10:
                attempt(() -> ring.statx(anyFd, "", Linux.AT_EMPTY_PATH, Linux.STATX_BASIC_STATS,
                        rnd.nextInt(5) == 0 ? null : new StatxBuffer()), sqeFlags);
                break;
            case 11:
                attempt(() -> rnd.nextBoolean() ? ring.fdatasync(anyFd) : ring.fsync(anyFd), sqeFlags);
                break;
            case 12:
                registerFiles(ring, rnd, fd);
                break;
            case 13:
                registerBuffers(ring, rnd);
                break;
            case 14: {
                int slot = anyInt(rnd, 8);
                attempt(() -> rnd.nextBoolean() ? ring.read(ring.fixedFiles().slot(slot), ByteBuffer.allocateDirect(64), 0)
                        : ring.readFixed(rnd.nextBoolean() ? slot : fd, rnd.nextBoolean() ? ByteBuffer.allocateDirect(64)
                        : range(ring.fixedBuffers().buffer(anyInt(rnd, 4)), anyInt(rnd, 4096), anyInt(rnd, 4096)),
                        rnd.nextInt(60_000)), 0);
                break;
            }
            case 15: case 16:
                try {
                    ring.submit();
                } catch (UringException e) {
                    refused++;
                }
                break;
            case 17:
                dispatching("submitAndReap", () -> {
                    try {
                        ring.submitAndReap(rnd.nextInt(4), rnd.nextInt(2_000_000), TimeUnit.NANOSECONDS, handler);
                    } catch (UringException | IllegalStateException e) { // a wait that could never end is refused
                        refused++;
                    }
                });
                break;
            case 18:
                dispatching("reap", () -> ring.reap(handler));
                break;
            case 19: case 20: {
                SocketMessage msg = rnd.nextInt(4) == 0 ? sharedMessage : message(rnd);
                int target = rnd.nextInt(3) == 0 ? anyFd : udp;
                attempt(() -> rnd.nextBoolean() ? ring.sendmsg(target, msg, Linux.MSG_DONTWAIT)
                        : ring.recvmsg(target, msg, rnd.nextBoolean() ? Linux.MSG_DONTWAIT : 0), sqeFlags);
                break;
            }
            case 21: {
                ByteBuffer buf = buffer(rnd);
                int target = rnd.nextInt(3) == 0 ? anyFd : udp;
                long before = accepted;
                attempt(() -> rnd.nextBoolean() ? ring.sendZc(target, range(buf, anyInt(rnd, 8192), anyInt(rnd, 8192)), 0)
                        : ring.sendZcFixed(target, range(ring.fixedBuffers().buffer(anyInt(rnd, 4)), anyInt(rnd, 4096),
                        anyInt(rnd, 4096)), 0), sqeFlags);
                zeroCopyOnRing += accepted - before;
                break;
            }
            case 22:
                if (INTERRUPTS) {
                    interruptedWait(ring, rnd);
                }
                break;
            default:
                if (rnd.nextInt(40) == 0) {
                    // SQE flag bytes the typed API cannot express reach only the native validator.
                    int flagByte = rnd.nextInt(256);
                    long tag = nextTag++;
                    try {
                        UncheckedRecords.stage(ring, Opcode.Code.NOP, drainAllowed ? flagByte : flagByte & ~(1 << 1), -1, 0, 0, 0,
                                0, tag);
                        outstanding.add(tag);
                        accepted++;
                    } catch (UringException | IllegalStateException e) {
                        refused++;
                    }
                }
                if (rnd.nextInt(50) == 0) {
                    System.gc(); // buffers referenced only by the ring must survive this
                }
                break;
        }
    }

    /**
     * A wait with the interrupt status set: it may be refused (the wait could never end),
     * return at once (enough completions were ready), or throw UringException EINTR without
     * submitting; in every case the interrupt status stays set. It is then cleared.
     */
    private void interruptedWait(Ring ring, SplittableRandom rnd) throws Exception {
        interruptedWaits++;
        int min = 1 + rnd.nextInt(3);
        long timeout = rnd.nextBoolean() ? -1 : 1 + rnd.nextInt(500_000_000);
        int stagedBefore = ring.staged();
        Thread.currentThread().interrupt();
        try {
            dispatching("submitAndReap with the interrupt status set", () -> {
                try {
                    if (rnd.nextBoolean()) {
                        ring.submitAndReap(min, timeout, TimeUnit.NANOSECONDS, handler);
                    } else {
                        ring.submitAndWait(min, timeout, TimeUnit.NANOSECONDS);
                    }
                } catch (UringException e) {
                    if (e.errno() == Errno.EINVAL && e.getMessage().contains("native validator")) {
                        refused++; // a record staged unchecked made the batch's submission fail: no wait happened
                    } else if (e.errno() != Errno.EINTR) {
                        violation("an interrupted wait threw " + e + " (errno " + e.errno() + "), not EINTR");
                    } else if (ring.staged() != stagedBefore) {
                        violation("an interrupted wait threw EINTR but submitted: staged " + stagedBefore + " -> "
                                + ring.staged());
                    }
                    eintrWaits++;
                } catch (IllegalStateException e) { // a wait that could never end is refused
                    refused++;
                }
            });
        } finally {
            if (!Thread.interrupted()) {
                violation("a wait cleared the caller's interrupt status");
            }
        }
    }

    /** A message with random buffers (heap, read-only, null or direct), destination and control length. */
    private SocketMessage message(SplittableRandom rnd) {
        SocketMessage m = new SocketMessage(1 + rnd.nextInt(4), rnd.nextInt(3) == 0 ? 64 : 0);
        try {
            ByteBuffer[] bufs = new ByteBuffer[rnd.nextInt(5)];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = buffer(rnd);
            }
            m.buffers(bufs).destination(rnd.nextBoolean() ? udpAddress : null).controlLength(anyInt(rnd, 65));
        } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            refused++; // a message the API refuses to set up; it is still used as it stands
        }
        return m;
    }

    private void registerFiles(Ring ring, SplittableRandom rnd, int fd) {
        try {
            switch (rnd.nextInt(4)) {
                case 0: ring.fixedFiles().register(fd, -1, fd, anyInt(rnd, 100)); break;
                case 1: ring.fixedFiles().registerSparse(anyInt(rnd, 16)); break;
                case 2: ring.fixedFiles().update(anyInt(rnd, 8), fd); break;
                default: ring.fixedFiles().unregister(); break;
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException | NullPointerException
                 | UringException e) {
            refused++;
        }
    }

    private void registerBuffers(Ring ring, SplittableRandom rnd) {
        try {
            if (rnd.nextBoolean()) {
                ring.fixedBuffers().register(buffer(rnd), ByteBuffer.allocateDirect(4096));
            } else {
                ring.fixedBuffers().unregister();
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException | NullPointerException
                 | UringException e) {
            refused++;
        }
    }
}
