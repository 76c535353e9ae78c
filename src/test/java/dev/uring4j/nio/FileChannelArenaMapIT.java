package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.bytes;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK 22's {@code FileChannel.map(MapMode, long, long, Arena)} (Lucene's MMapDirectory maps
 * files this way on JDK 22+), uring4j's channel against the JDK's: the same bytes, the same
 * writes reaching the file, the same exceptions in the same order. FileChannel's default
 * throws UnsupportedOperationException, which uring4j's channel gave before it overrode it.
 * Called by reflection, since the tests compile for Java 17; skipped on JDK 17-21. An
 * integration test: it runs on the packaged multi-release jar, where JDK 22+ takes the
 * override from META-INF/versions/22 (a class directory has no versions).
 */
class FileChannelArenaMapIT {
    @TempDir
    Path dir;

    private Class<?> arenaClass;
    private Class<?> segmentClass;
    private Method map;

    @BeforeEach
    void needsJdk22() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 22,
                "JDK 22+ API: FileChannel.map(MapMode, long, long, Arena)");
        arenaClass = Class.forName("java.lang.foreign.Arena");
        segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        map = FileChannel.class.getMethod("map", MapMode.class, long.class, long.class, arenaClass);
    }

    private AutoCloseable arena(String kind) throws Exception {
        return (AutoCloseable) arenaClass.getMethod(kind).invoke(null);
    }

    private Object map(FileChannel ch, MapMode mode, long offset, long size, Object arena) throws Throwable {
        try {
            return map.invoke(ch, mode, offset, size, arena);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private ByteBuffer asBuffer(Object segment) throws Exception {
        return (ByteBuffer) segmentClass.getMethod("asByteBuffer").invoke(segment);
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    interface Op {
        Object run() throws Throwable;
    }

    private static String outcome(Op op) {
        try {
            return "returned " + op.run();
        } catch (Throwable t) {
            return t.getClass().getName() + ": " + t.getMessage();
        }
    }

    @Test
    void readOnlyMappingsHoldTheFilesBytes() throws Exception {
        Path p = dir.resolve("ro");
        byte[] content = bytes(1 << 16, 7);
        Files.write(p, content);
        for (Impl impl : Impl.values()) {
            try (FileChannel ch = impl.open(p, java.util.Set.of(READ)); AutoCloseable arena = arena("ofConfined")) {
                Object seg = map(ch, MapMode.READ_ONLY, 4096, 8192, arena);
                assertEquals(8192L, segmentClass.getMethod("byteSize").invoke(seg), impl.name());
                byte[] want = java.util.Arrays.copyOfRange(content, 4096, 4096 + 8192);
                assertArrayEquals(want, remaining(asBuffer(seg)), impl.name());
            } catch (Throwable t) {
                throw new AssertionError(impl + ": " + t, t);
            }
        }
    }

    @Test
    void readWriteMappingsWriteTheFileAndGrowIt() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("rw-" + impl);
            Files.write(p, bytes(4096, 3));
            try (FileChannel ch = impl.open(p, java.util.Set.of(READ, WRITE))) {
                try (AutoCloseable arena = arena("ofShared")) {
                    ByteBuffer b = asBuffer(map(ch, MapMode.READ_WRITE, 2048, 8192, arena));
                    for (int i = 0; i < b.capacity(); i++) {
                        b.put(i, (byte) (i * 31));
                    }
                }
                ByteBuffer back = ByteBuffer.allocate(8192);
                ch.read(back, 2048);
                back.flip();
                byte[] want = new byte[8192];
                for (int i = 0; i < want.length; i++) {
                    want[i] = (byte) (i * 31);
                }
                assertArrayEquals(want, remaining(back), impl.name());
                seen.add("size " + ch.size() + ", file " + Files.size(p));
            } catch (Throwable t) {
                throw new AssertionError(impl + ": " + t, t);
            }
        }
        assertEquals("size 10240, file 10240", seen.get(0), "the JDK");
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    @Test
    void refusalsMatchTheJdk() throws Exception {
        Path p = dir.resolve("refusals");
        Files.write(p, bytes(4096, 5));
        List<List<String>> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            List<String> out = new ArrayList<>();
            AutoCloseable closedArena = arena("ofConfined");
            closedArena.close();
            try (FileChannel ro = impl.open(p, java.util.Set.of(READ));
                 FileChannel wo = impl.open(p, java.util.Set.of(WRITE));
                 AutoCloseable arena = arena("ofConfined")) {
                out.add(outcome(() -> map(ro, null, 0, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, 10, null)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, 10, closedArena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, -1, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, -1, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_WRITE, 0, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.PRIVATE, 0, 10, arena)));
                out.add(outcome(() -> map(wo, MapMode.READ_ONLY, 0, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, 0, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, Long.MAX_VALUE, 10, arena)));
                ro.close();
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, -1, 10, arena)));
                out.add(outcome(() -> map(ro, MapMode.READ_ONLY, 0, 10, closedArena)));
            }
            seen.add(out);
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }
}
