package dev.uring4j.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which calls reach uring4j's channels: everything that opens a channel on a path of the
 * wrapper goes to the provider's opener, with the wrapped provider's path; the rest does not.
 */
@Tag("kernel")
class ChannelRoutingTest {
    @TempDir
    Path tmp;

    /** Records what it is asked to open, then opens it as the JDK does. */
    private static final class RecordingOpener implements ChannelOpener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile IOException failNext;
        volatile Runnable duringOpen;

        private void record(String kind, Path path, Set<? extends OpenOption> options) throws IOException {
            assertSame(FileSystems.getDefault(), path.getFileSystem(), "the opener gets the wrapped provider's path");
            calls.add(kind + " " + path.getFileName() + (options.contains(StandardOpenOption.WRITE) ? " write" : ""));
            if (duringOpen != null) {
                duringOpen.run();
            }
            IOException e = failNext;
            if (e != null) {
                failNext = null;
                throw e;
            }
        }

        @Override
        public FileChannel fileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            record("file", path, options);
            return FileChannel.open(path, options, attrs);
        }

        @Override
        public AsynchronousFileChannel asynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
            record("async", path, options);
            return AsynchronousFileChannel.open(path, options, executor, attrs);
        }
    }

    private final RecordingOpener opener = new RecordingOpener();
    private final UringFileSystemProvider provider = new UringFileSystemProvider(FileSystems.getDefault().provider(), opener);
    private final FileSystem fs = provider.getFileSystem(URI.create("file:///"));
    private Path dir;
    private Path data;

    @BeforeEach
    void files() throws IOException {
        dir = fs.getPath(tmp.toString());
        data = tmp.resolve("data");
        Files.write(data, "line one\nline two\n".getBytes(UTF_8));
    }

    interface Use {
        void run(Path dataFile) throws Exception;
    }

    private List<String> callsOf(Use use) throws Exception {
        opener.calls.clear();
        use.run(dir.resolve("data"));
        return List.copyOf(opener.calls);
    }

    @Test
    void everyChannelOpeningCallReachesTheOpener() throws Exception {
        List<String> read = List.of("file data");
        List<String> write = List.of("file data write");
        assertEquals(read, callsOf(p -> FileChannel.open(p, StandardOpenOption.READ).close()));
        assertEquals(read, callsOf(p -> Files.newByteChannel(p).close()));
        assertEquals(List.of("async data"), callsOf(p -> AsynchronousFileChannel.open(p, StandardOpenOption.READ).close()));
        assertEquals(read, callsOf(p -> Files.newInputStream(p).close()));
        assertEquals(read, callsOf(Files::readAllBytes));
        assertEquals(read, callsOf(Files::readString));
        assertEquals(read, callsOf(Files::readAllLines));
        assertEquals(read, callsOf(p -> {
            try (Stream<String> lines = Files.lines(p)) {
                assertEquals(2, lines.count());
            }
        }));
        assertEquals(read, callsOf(p -> Files.newBufferedReader(p).close()));
        assertEquals(read, callsOf(p -> Files.copy(p, new ByteArrayOutputStream())));
        assertEquals(write, callsOf(p -> Files.newOutputStream(p, StandardOpenOption.APPEND).close()));
        assertEquals(write, callsOf(p -> Files.write(p, "line one\nline two\n".getBytes(UTF_8))));
        assertEquals(write, callsOf(p -> Files.writeString(p, "line one\nline two\n")));
        assertEquals(write, callsOf(p -> Files.newBufferedWriter(p).append("line one\nline two\n").close()));
        assertEquals(write, callsOf(p -> Files.copy(new ByteArrayInputStream("line one\nline two\n".getBytes(UTF_8)), p,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING)));
        assertEquals(List.of("file t write"), callsOf(p -> Files.createTempFile(p.getParent(), "t", "")).stream()
                .map(c -> c.replaceFirst("file t[0-9]+", "file t")).toList());
        assertEquals("line one\nline two\n", Files.readString(data), "what went through the opener is on disk");
    }

    @Test
    void streamsAndChannelsWorkThroughTheWrapper() throws Exception {
        Path p = dir.resolve("data");
        try (InputStream in = Files.newInputStream(p); Reader r = Files.newBufferedReader(p)) {
            assertEquals('l', in.read());
            assertEquals('l', r.read());
        }
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.APPEND);
                Writer w = Files.newBufferedWriter(dir.resolve("other"))) {
            out.write("three\n".getBytes(UTF_8));
            w.write("other");
        }
        assertEquals("line one\nline two\nthree\n", Files.readString(data));
        assertEquals("other", Files.readString(tmp.resolve("other")));
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ)) {
            assertTrue(ch instanceof FileChannel, "newByteChannel gives a FileChannel, as the JDK's default provider");
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            assertEquals(4, ch.read(b, 5).get(10, TimeUnit.SECONDS));
            assertArrayEquals("one\n".getBytes(UTF_8), b.array());
        }
    }

    @Test
    void callsThatOpenNoChannelDoNotReachTheOpener() throws Exception {
        assertEquals(List.of(), callsOf(p -> Files.copy(p, p.resolveSibling("copy"))));
        assertEquals(List.of(), callsOf(p -> Files.move(p.resolveSibling("copy"), p.resolveSibling("moved"))));
        assertEquals(List.of(), callsOf(p -> {
            assertEquals(18, Files.size(p));
            assertTrue(Files.isRegularFile(p));
            Files.readAttributes(p, "posix:*");
            Files.delete(p.resolveSibling("moved"));
        }));
    }

    @Test
    void anOpenMadeWhileOpeningGoesToTheWrappedProvider() throws Exception {
        Path other = Files.writeString(tmp.resolve("library"), "native library bytes");
        byte[][] nested = new byte[1][];
        // As uring4j's own setup would, on its first channel: read a file through the default file system.
        opener.duringOpen = () -> {
            opener.duringOpen = null;
            try {
                nested[0] = Files.readAllBytes(dir.resolve("library"));
                Files.writeString(dir.resolve("extracted"), "copy");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(List.of("file data"), callsOf(Files::readAllBytes), "the nested opens did not re-enter the opener");
        assertArrayEquals(Files.readAllBytes(other), nested[0]);
        assertEquals("copy", Files.readString(tmp.resolve("extracted")));
        assertEquals(List.of("file data"), callsOf(Files::readAllBytes), "the next open reaches the opener again");
    }

    @Test
    void aFailedOpenLeavesTheProviderAsItWas() throws Exception {
        opener.failNext = new IOException("refused by the test");
        IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(dir.resolve("data")));
        assertEquals("refused by the test", e.getMessage());
        opener.failNext = new IOException("async refused");
        assertThrows(IOException.class, () -> AsynchronousFileChannel.open(dir.resolve("data"), StandardOpenOption.READ));
        assertEquals(List.of("file data"), callsOf(Files::readAllBytes));
        assertEquals(List.of("async data"), callsOf(p -> AsynchronousFileChannel.open(p, StandardOpenOption.READ).close()));
        assertFalse(opener.calls.isEmpty());
    }
}
