package dev.uring4j.async;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM (JDK 22+) for {@link AsyncFileSafetyTest}: reads and writes with buffers of
 * closable, closed and automatic arenas on both backends and prints what each call did:
 * {@code case.backend.op=accepted} or the class of the exception it threw at once.
 */
public final class BufferLifetimeMain {
    private BufferLifetimeMain() {}

    interface Call {
        Object run() throws Exception;
    }

    private static String outcome(Call c) {
        try {
            Object f = c.run();
            ((java.util.concurrent.CompletableFuture<?>) f).get(10, TimeUnit.SECONDS);
            return "accepted";
        } catch (Throwable t) {
            return t.getClass().getSimpleName();
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Files.write(file, new byte[4096]);
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        Method allocate = arenaClass.getMethod("allocate", long.class);
        Method asByteBuffer = segmentClass.getMethod("asByteBuffer");
        Method close = arenaClass.getMethod("close");
        for (AsyncFile.Backend b : AsyncFile.Backend.values()) {
            try (AsyncFile f = AsyncFile.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE),
                    AsyncFileConfig.builder().backend(b).build())) {
                for (String kind : new String[] {"ofConfined", "ofShared", "ofAuto", "closed"}) {
                    Object arena = arenaClass.getMethod(kind.equals("closed") ? "ofConfined" : kind).invoke(null);
                    ByteBuffer buf = (ByteBuffer) asByteBuffer.invoke(allocate.invoke(arena, 64L));
                    if (kind.equals("closed")) {
                        close.invoke(arena);
                    }
                    System.out.println(kind + "." + b + ".read=" + outcome(() -> f.read(buf.duplicate(), 0)));
                    System.out.println(kind + "." + b + ".write=" + outcome(() -> f.write(buf.duplicate(), 0)));
                    System.out.println(kind + "." + b + ".readv=" + outcome(() -> f.read(new ByteBuffer[] {
                            ByteBuffer.allocate(8), buf.duplicate()}, 0)));
                    if (!kind.equals("closed") && !kind.equals("ofAuto")) {
                        close.invoke(arena);
                    }
                }
                System.out.println("heap." + b + ".read=" + outcome(() -> f.read(ByteBuffer.allocate(64), 0)));
            }
        }
    }
}
