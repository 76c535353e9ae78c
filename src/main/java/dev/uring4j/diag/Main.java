package dev.uring4j.diag;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.Uring;
import dev.uring4j.UringException;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.internal.NativeLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar uring4j-<v>-linux-x86_64.jar}: what this host supports, then a short
 * random-read comparison of a Ring and FileChannel on a temporary file.
 */
public final class Main {
    private static final int BLOCK = 4096;
    private static final long FILE_SIZE = 64L << 20;
    private static final int DEPTH = 32;

    private Main() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length > 0 && args[0].equals("doctor")) {
            System.exit(Doctor.run(List.of(args).subList(1, args.length), out));
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println("usage: java -jar uring4j-<version>-linux-x86_64.jar [--seconds=N]   host summary and a read comparison");
            out.println("       java -jar uring4j-<version>-linux-x86_64.jar doctor [--json] full diagnosis; exit 1 if unavailable");
            return;
        }
        double seconds = args.length > 0 && args[0].startsWith("--seconds=")
                ? Double.parseDouble(args[0].substring("--seconds=".length())) : 1.0;
        out.println("uring4j " + version());
        out.println("kernel:    " + Uring.kernelRelease() + " (" + System.getProperty("os.arch") + ")");
        out.println("java:      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        UringUnavailableException cause = Uring.unavailabilityCause();
        if (cause == null) {
            out.println("io_uring:  available (native library from " + NativeLoader.loadedFrom() + ", liburing "
                    + Uring.liburingVersion() + ")");
            try (Ring ring = Ring.open(RingOptions.defaults())) {
                out.println("default ring: sq " + ring.sqEntries() + ", cq " + ring.cqEntries() + ", features 0x"
                        + Integer.toHexString(ring.features()));
                out.println("  " + ring.setupReport().toString().replace("\n", "\n  "));
            }
        } else {
            out.println("io_uring:  UNAVAILABLE (" + cause.reason() + ")");
            out.println("  " + cause.getMessage().replace("\n", "\n  "));
        }
        Path file = Files.createTempFile("uring4j-cli-", ".dat");
        try {
            fill(file);
            out.printf("%nrandom %d KiB reads from a %d MiB file (page cache), %.1f s each:%n", BLOCK / 1024,
                    FILE_SIZE >> 20, seconds);
            if (cause == null) {
                double rate = ringReads(file, seconds);
                out.printf("  Ring, depth %d:          %,12.0f reads/s  %,8.1f MiB/s%n", DEPTH, rate, rate * BLOCK / (1 << 20));
            }
            double rate = channelReads(file, seconds);
            out.printf("  FileChannel, 1 thread:  %,12.0f reads/s  %,8.1f MiB/s%n", rate, rate * BLOCK / (1 << 20));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String version() {
        String v = Main.class.getPackage() != null ? Main.class.getPackage().getImplementationVersion() : null;
        return v != null ? v : "(development build)";
    }

    private static void fill(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom random = new SplittableRandom(1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < FILE_SIZE; pos += chunk.capacity()) {
                chunk.clear();
                while (chunk.remaining() >= 8) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    ch.write(chunk, pos + chunk.position());
                }
            }
        }
    }

    /** Keeps DEPTH reads in flight for {@code seconds}; returns completed reads per second. */
    static double ringReads(Path file, double seconds) throws IOException {
        try (Ring ring = Ring.open(RingOptions.builder().entries(DEPTH * 2).build())) {
            int fd = openThroughRing(ring, file);
            ByteBuffer[] buffers = new ByteBuffer[DEPTH];
            for (int i = 0; i < DEPTH; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BLOCK);
            }
            SplittableRandom random = new SplittableRandom(2);
            long blocks = FILE_SIZE / BLOCK;
            long[] done = {0};
            boolean[] running = {true};
            IOException[] failure = {null};
            CompletionHandler handler = (tag, res, flags) -> {
                if (res != BLOCK) {
                    failure[0] = res < 0 ? UringException.ofResult("read", res) : new IOException("short read " + res);
                    return;
                }
                done[0]++;
                if (running[0]) {
                    try {
                        ring.read(fd, buffers[(int) tag].clear(), random.nextLong(blocks) * BLOCK).tag(tag);
                    } catch (UringException e) {
                        failure[0] = e;
                    }
                }
            };
            for (int i = 0; i < DEPTH; i++) {
                ring.read(fd, buffers[i].clear(), random.nextLong(blocks) * BLOCK).tag(i);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end && failure[0] == null) {
                ring.submitAndReap(1, 1, TimeUnit.SECONDS, handler);
            }
            long elapsed = System.nanoTime() - start;
            long counted = done[0];
            running[0] = false;
            while (ring.inFlight() > 0 && failure[0] == null) {
                ring.submitAndReap(1, 1, TimeUnit.SECONDS, handler);
            }
            closeThroughRing(ring, fd);
            if (failure[0] != null) {
                throw failure[0];
            }
            return counted / (elapsed / 1e9);
        }
    }

    private static int openThroughRing(Ring ring, Path file) throws UringException {
        int[] result = {0};
        ring.openat(Linux.AT_FDCWD, file.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        ring.submitAndReap(1, 5, TimeUnit.SECONDS, (tag, res, flags) -> result[0] = res);
        return UringException.check("openat " + file, result[0]);
    }

    private static void closeThroughRing(Ring ring, int fd) throws UringException {
        int[] result = {0};
        ring.closeFd(fd);
        ring.submitAndReap(1, 5, TimeUnit.SECONDS, (tag, res, flags) -> result[0] = res);
        UringException.check("close", result[0]);
    }

    static double channelReads(Path file, double seconds) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
            SplittableRandom random = new SplittableRandom(2);
            long blocks = FILE_SIZE / BLOCK;
            long done = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    buffer.clear();
                    ch.read(buffer, random.nextLong(blocks) * BLOCK);
                }
                done += 256;
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }
}
