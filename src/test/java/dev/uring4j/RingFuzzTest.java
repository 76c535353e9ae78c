package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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
 */
@Tag("kernel")
class RingFuzzTest {
    @TempDir
    Path dir;

    private long accepted;
    private long completed;
    private long refused;
    private final Set<Long> outstanding = new HashSet<>();
    private long nextTag = 1;

    private final CompletionHandler handler = (tag, res, flags) -> {
        if ((flags & Linux.CQE_F_MORE) != 0) { // not the last completion (zero-copy send): more must follow
            if (!outstanding.contains(tag)) {
                fail("intermediate completion for tag " + tag + " that is not outstanding, res " + res);
            }
            return;
        }
        if (!outstanding.remove(tag)) {
            fail("completion for tag " + tag + " that is not outstanding (duplicate or unknown), res " + res);
        }
        completed++;
    };

    @FunctionalInterface
    interface Step {
        long run(long tag) throws Exception;
    }

    private void attempt(Step s) throws Exception {
        long tag = nextTag++;
        try {
            s.run(tag);
            outstanding.add(tag);
            accepted++;
        } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException | NullPointerException
                 | UringException e) {
            refused++;
        }
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
            int fd = TestSupport.openat(ring, file, Linux.O_RDWR, 0);
            int fifoFd = TestSupport.openat(ring, fifo, Linux.O_RDWR, 0);
            int life = 200 + rnd.nextInt(2000);
            for (int i = 0; i < life && step < steps; i++, step++) {
                actOnce(ring, rnd, fd, fifoFd, file);
            }
            // Close with whatever is in flight: pending FIFO reads, timeouts, staged records.
            ring.close(Duration.ofSeconds(5), handler);
            assertEquals(Set.of(), outstanding, "every accepted operation completed at close (seed " + seed + ")");
            TestSupport.closeFd(helper(), fd);
            TestSupport.closeFd(helper(), fifoFd);
        }
        helper.close();
        Sockets.close(udp);
        assertTrue(accepted > steps / 4 && refused > steps / 20, "accepted " + accepted + ", refused " + refused);
        assertEquals(accepted, completed, "accepted vs completed");
        System.out.printf("fuzz: seed %d, %d steps over %d rings: %d operations accepted and completed once, %d refused "
                + "up front, leaked buffers %d%n", seed, steps, rings, accepted, refused, Ring.leakedBuffers());
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
        int anyFlags = rnd.nextInt(6) == 0 ? rnd.nextInt(256) : rnd.nextInt(3) == 0 ? SqeFlags.IO_LINK : 0;
        int sqeFlags = drainAllowed ? anyFlags : anyFlags & ~SqeFlags.IO_DRAIN;
        int anyFd = rnd.nextInt(5) == 0 ? anyInt(rnd, 100_000) : rnd.nextBoolean() ? fd : fifoFd;
        switch (rnd.nextInt(23)) {
            case 0: case 1:
                attempt(tag -> ring.nop(sqeFlags, tag));
                break;
            case 2: case 3: {
                ByteBuffer buf = buffer(rnd);
                attempt(tag -> ring.read(anyFd == fifoFd ? fd : anyFd, buf, anyInt(rnd, 8192), anyInt(rnd, 8192),
                        rnd.nextInt(8) == 0 ? -5 : rnd.nextInt(70_000), sqeFlags, tag));
                break;
            }
            case 4: {
                ByteBuffer buf = buffer(rnd);
                attempt(tag -> ring.write(anyFd == fifoFd ? fd : anyFd, buf, anyInt(rnd, 8192), anyInt(rnd, 8192),
                        rnd.nextInt(70_000), sqeFlags, tag));
                break;
            }
            case 5: {
                int n = rnd.nextInt(6);
                ByteBuffer[] bufs = new ByteBuffer[n];
                for (int i = 0; i < n; i++) {
                    bufs[i] = buffer(rnd);
                }
                attempt(tag -> rnd.nextBoolean() ? ring.readv(anyFd, bufs, rnd.nextInt(70_000), sqeFlags, tag)
                        : ring.writev(fd, bufs, rnd.nextInt(70_000), sqeFlags, tag));
                break;
            }
            case 6:
                attempt(tag -> ring.read(fifoFd, ByteBuffer.allocateDirect(16), 0, sqeFlags, tag)); // stays pending
                break;
            case 7:
                attempt(tag -> ring.timeout(rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(5_000_000), TimeUnit.NANOSECONDS,
                        rnd.nextInt(3), sqeFlags, tag));
                break;
            case 8: {
                long target = rnd.nextBoolean() ? rnd.nextLong() : (((long) rnd.nextInt(4) << 32) | rnd.nextInt(64));
                attempt(tag -> ring.cancel(target, sqeFlags, tag));
                break;
            }
            case 9: {
                String path = rnd.nextInt(4) == 0 ? "bad\0path" : rnd.nextBoolean() ? file.toString() : "/no/such/file";
                attempt(tag -> ring.openat(rnd.nextInt(4) == 0 ? -7 : Linux.AT_FDCWD, path, Linux.O_RDONLY, 0, sqeFlags, tag));
                break;
            }
            case 10:
                attempt(tag -> ring.statx(anyFd, "", Linux.AT_EMPTY_PATH, Linux.STATX_BASIC_STATS,
                        rnd.nextInt(5) == 0 ? null : new StatxBuffer(), sqeFlags, tag));
                break;
            case 11:
                attempt(tag -> ring.fsync(anyFd, rnd.nextBoolean(), sqeFlags, tag));
                break;
            case 12:
                registerFiles(ring, rnd, fd);
                break;
            case 13:
                registerBuffers(ring, rnd);
                break;
            case 14: {
                int slot = anyInt(rnd, 8);
                attempt(tag -> rnd.nextBoolean() ? ring.read(slot, ByteBuffer.allocateDirect(64), 0, SqeFlags.FIXED_FILE, tag)
                        : ring.readFixed(rnd.nextBoolean() ? slot : fd, anyInt(rnd, 4), anyInt(rnd, 4096), anyInt(rnd, 4096),
                        rnd.nextInt(60_000), 0, tag));
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
                try {
                    ring.submitAndReap(rnd.nextInt(4), rnd.nextInt(2_000_000), TimeUnit.NANOSECONDS, handler);
                } catch (UringException | IllegalStateException e) { // a wait that could never end is refused
                    refused++;
                }
                break;
            case 18:
                ring.reap(handler);
                break;
            case 19: case 20: {
                SocketMessage msg = rnd.nextInt(4) == 0 ? sharedMessage : message(rnd);
                int target = rnd.nextInt(3) == 0 ? anyFd : udp;
                attempt(tag -> rnd.nextBoolean() ? ring.sendmsg(target, msg, Linux.MSG_DONTWAIT, sqeFlags, tag)
                        : ring.recvmsg(target, msg, rnd.nextBoolean() ? Linux.MSG_DONTWAIT : 0, sqeFlags, tag));
                break;
            }
            case 21: {
                ByteBuffer buf = buffer(rnd);
                int target = rnd.nextInt(3) == 0 ? anyFd : udp;
                attempt(tag -> rnd.nextBoolean() ? ring.sendZc(target, buf, anyInt(rnd, 8192), anyInt(rnd, 8192), 0, sqeFlags, tag)
                        : ring.sendZcFixed(target, anyInt(rnd, 4), anyInt(rnd, 4096), anyInt(rnd, 4096), 0, sqeFlags, tag));
                break;
            }
            default:
                if (rnd.nextInt(50) == 0) {
                    System.gc(); // buffers referenced only by the ring must survive this
                }
                break;
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
