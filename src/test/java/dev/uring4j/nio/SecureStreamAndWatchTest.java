package dev.uring4j.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secure directory streams and watch services through the wrapper: the JDK's behaviour, the wrapper's paths. */
@Tag("kernel")
class SecureStreamAndWatchTest {
    @TempDir
    Path tmp;

    @Test
    void secureDirectoryStreamsStaySecure() throws Exception {
        List<String> lines = Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path dir = Files.createDirectories(base.resolve("d/sub"));
            Files.writeString(base.resolve("d/sub/inner"), "inner");
            Files.writeString(base.resolve("d/file"), "contents");
            Files.writeString(base.resolve("d/gone"), "");
            Files.createDirectory(base.resolve("d/emptydir"));
            Path d = dir.getParent();
            Path sub = base.getFileSystem().getPath("sub");
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                t.add("secure", ds instanceof SecureDirectoryStream);
                SecureDirectoryStream<Path> sds = (SecureDirectoryStream<Path>) ds;
                try (SecureDirectoryStream<Path> inner = sds.newDirectoryStream(sub)) {
                    List<Path> names = new ArrayList<>();
                    inner.forEach(names::add);
                    t.add("inner entries", t.sortedPaths(names));
                    inner.move(base.getFileSystem().getPath("inner"), sds, base.getFileSystem().getPath("moved"));
                }
                sds.deleteFile(base.getFileSystem().getPath("gone"));
                sds.deleteDirectory(base.getFileSystem().getPath("emptydir"));
                t.add("after", Files.exists(d.resolve("gone")) + " " + Files.exists(d.resolve("emptydir")) + " "
                        + Files.readString(d.resolve("moved")));
                t.add("own view", sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().isDirectory());
                PosixFileAttributeView fileView = sds.getFileAttributeView(base.getFileSystem().getPath("file"),
                        PosixFileAttributeView.class);
                t.add("file view", PosixFilePermissions.toString(fileView.readAttributes().permissions()));
                try (SeekableByteChannel ch = sds.newByteChannel(base.getFileSystem().getPath("file"),
                        Set.of(StandardOpenOption.READ))) {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    ch.read(b);
                    t.add("relative channel", new String(b.array(), 0, b.position(), UTF_8));
                }
                List<Path> entries = new ArrayList<>();
                sds.forEach(entries::add);
                t.add("entries", t.sortedPaths(entries));
                t.attempt("delete missing", () -> {
                    sds.deleteFile(base.getFileSystem().getPath("nothing"));
                    return "deleted";
                });
            }
        });
        assertEquals("secure -> true", lines.get(0), "the JDK's directory streams are secure on Linux");
    }

    @Test
    void secureStreamsRefuseForeignPathsAndStreams() throws Exception {
        Path ours = new UringFileSystemProvider().getFileSystem(URI.create("file:///")).getPath(tmp.toString());
        Files.createFile(ours.resolve("f"));
        try (SecureDirectoryStream<Path> wrapped = (SecureDirectoryStream<Path>) Files.newDirectoryStream(ours);
                SecureDirectoryStream<Path> jdk = (SecureDirectoryStream<Path>) Files.newDirectoryStream(tmp)) {
            assertThrows(ProviderMismatchException.class, () -> wrapped.deleteFile(Path.of("f")));
            assertThrows(ProviderMismatchException.class,
                    () -> wrapped.move(ours.getFileSystem().getPath("f"), jdk, ours.getFileSystem().getPath("g")));
        }
        assertTrue(Files.exists(ours.resolve("f")));
    }

    @Test
    void watchKeysAndEventsCarryTheWrappersPaths() throws Exception {
        List<String> lines = Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path dir = Files.createDirectory(base.resolve("watched"));
            try (WatchService watcher = base.getFileSystem().newWatchService()) {
                WatchKey registered = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE);
                assertSame(registered, dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE), "registering again gives the same key");
                t.add("watchable", t.path((Path) registered.watchable()));
                Files.createFile(dir.resolve("new"));
                WatchKey key = watcher.poll(10, TimeUnit.SECONDS);
                assertNotNull(key, "no event within 10 s");
                assertSame(registered, key, "take/poll give back the key register gave");
                for (WatchEvent<?> event : key.pollEvents()) {
                    Path name = (Path) event.context();
                    t.add("event", event.kind().name() + " " + t.path(name) + " " + event.count() + " "
                            + Files.exists(((Path) key.watchable()).resolve(name)));
                }
                t.add("reset", key.reset());
                key.cancel();
                t.add("cancelled", key.isValid() + " " + key.reset());
            }
            t.attempt("register on closed", () -> {
                WatchService closed = base.getFileSystem().newWatchService();
                closed.close();
                return dir.register(closed, StandardWatchEventKinds.ENTRY_CREATE);
            });
        });
        assertTrue(lines.contains("event -> ENTRY_CREATE new 1 true"), lines.toString());
    }

    /**
     * A program that registers and cancels keys for its whole life (a hot-reload watcher)
     * keeps no table entry per cancelled key: before, each cancel left one in the service.
     */
    @Test
    void cancelledKeysLeaveNoTableEntryBehind() throws Exception {
        Path watched = Files.createDirectory(tmp.resolve("cancelled"));
        Path ours = new UringFileSystemProvider().getFileSystem(URI.create("file:///")).getPath(watched.toString());
        try (WatchService watcher = ours.getFileSystem().newWatchService()) {
            UringWatchService service = (UringWatchService) watcher;
            for (int i = 0; i < 2000; i++) {
                ours.register(watcher, StandardWatchEventKinds.ENTRY_CREATE).cancel();
            }
            WatchKey kept = ours.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (service.trackedKeys() > 1 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(1, service.trackedKeys(), "entries left after 2000 register/cancel pairs");
            Files.createFile(watched.resolve("after"));
            assertSame(kept, watcher.poll(10, TimeUnit.SECONDS), "the live key is still the one register gave");
        }
    }

    @Test
    void foreignWatchServicesAreRefused() throws Exception {
        Path ours = new UringFileSystemProvider().getFileSystem(URI.create("file:///")).getPath(tmp.toString());
        try (WatchService jdk = FileSystems.getDefault().newWatchService()) {
            assertThrows(ProviderMismatchException.class, () -> ours.register(jdk, StandardWatchEventKinds.ENTRY_CREATE));
        }
        try (WatchService wrapped = ours.getFileSystem().newWatchService()) {
            assertThrows(ProviderMismatchException.class, () -> tmp.register(wrapped, StandardWatchEventKinds.ENTRY_CREATE));
        }
    }
}
