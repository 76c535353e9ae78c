package dev.outside;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.Uring;
import dev.uring4j.UringException;
import dev.uring4j.async.AsyncFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Run in child JVMs by MultiReleaseIT against the packaged jars: which Memory and
 * BufferLifetime classes the JVM picked from the multi-release jar, whether raw access is on,
 * one Ring read, one AsyncFile read, and the bytes allocated per operation of a steady-state
 * loop of Ring reads and NOPs (as RingAllocationTest measures it).
 *
 * <pre>MultiReleaseMain DIR ROUNDS</pre>
 */
public final class MultiReleaseMain {
    private MultiReleaseMain() {}

    private static long completed;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Class<?> memory = Class.forName("dev.uring4j.internal.Memory");
        Class<?> lifetime = Class.forName("dev.uring4j.internal.BufferLifetime");
        System.out.println("memoryClass=" + memory.getResource("Memory.class"));
        System.out.println("bufferLifetimeClass=" + lifetime.getResource("BufferLifetime.class"));
        System.out.println("api=" + api(memory) + " " + api(lifetime));
        System.out.println("available=" + Uring.isAvailable());
        Path file = dir.resolve("data");
        Files.write(file, new byte[1 << 16]);
        Files.write(file, new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.WRITE);
        if (Uring.isAvailable()) {
            ringReads(file, rounds);
        }
        // Asked after a ring existed, as the library's classes ask it.
        System.out.println("rawAccess=" + memory.getMethod("hasRawAccess").invoke(null));
        try (AsyncFile f = AsyncFile.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(5);
            System.out.println("asyncRead=" + f.read(b, 0).join() + " backend=" + f.backend() + " byte4=" + b.get(4));
        }
    }

    /** The public members of a class, sorted: the versions of a multi-release class must agree. */
    private static String api(Class<?> c) {
        java.util.List<String> members = new java.util.ArrayList<>();
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                members.add(m.toGenericString());
            }
        }
        for (java.lang.reflect.Field f : c.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isPublic(f.getModifiers())) {
                members.add(f.toGenericString());
            }
        }
        for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
            if (java.lang.reflect.Modifier.isPublic(k.getModifiers())) {
                members.add(k.toGenericString());
            }
        }
        java.util.Collections.sort(members);
        return java.lang.reflect.Modifier.toString(c.getModifiers()) + " " + c.getName() + members;
    }

    private static void ringReads(Path file, int rounds) throws Exception {
        try (Ring ring = Ring.open(RingOptions.builder().entries(64).build())) {
            int[] res = {0};
            CompletionHandler one = (tag, r, flags) -> res[0] = r;
            ring.openat(Linux.AT_FDCWD, file.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0).tag(1);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, one);
            int fd = UringException.check("openat", res[0]);
            ByteBuffer first = ByteBuffer.allocateDirect(5);
            ring.read(fd, first, 0).tag(2);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, one);
            System.out.println("ringRead=" + res[0] + " byte4=" + first.get(4));
            ByteBuffer[] buffers = new ByteBuffer[32];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect(512);
            }
            CompletionHandler count = (tag, r, flags) -> completed++;
            loop(ring, fd, buffers, count, rounds); // warm-up: JIT, tables and buffers at full size
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            long opsBefore = completed;
            loop(ring, fd, buffers, count, rounds);
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            long ops = completed - opsBefore;
            System.out.println(String.format(Locale.ROOT, "bytesPerOp=%.4f (%d bytes, %d operations)",
                    (double) bytes / ops, bytes, ops));
            ring.closeFd(fd).tag(3);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, one);
        }
    }

    private static void loop(Ring ring, int fd, ByteBuffer[] buffers, CompletionHandler handler, int rounds)
            throws UringException {
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < buffers.length; i++) {
                if ((i & 1) == 0) {
                    ring.read(fd, buffers[i].clear(), (i * 512L) & 0xffff).tag(i);
                } else {
                    ring.nop().tag(i);
                }
            }
            int done = 0;
            while (done < buffers.length) {
                done += ring.submitAndReap(buffers.length - done, 1, TimeUnit.SECONDS, handler);
            }
        }
    }
}
