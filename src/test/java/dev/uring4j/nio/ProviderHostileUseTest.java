package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adversarial probes of the provider's wrappers (paths, watch keys, directory streams), JDK vs wrapper. */
@Tag("kernel")
class ProviderHostileUseTest {
    @TempDir
    Path tmp;

    /**
     * A key that was signalled, then cancelled before it was taken: the JDK's take/poll gives back the very
     * key register gave (a map from keys to directories, the usual watch loop, finds it).
     */
    @Test
    void cancelledSignalledKeyIsStillTheRegisteredKey() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path dir = Files.createDirectory(base.resolve("watched"));
            try (WatchService watcher = base.getFileSystem().newWatchService()) {
                WatchKey registered = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
                Files.createFile(dir.resolve("new"));
                // wait until the key is signalled (queued), without taking it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                WatchKey key = null;
                // poll takes it off the queue; to leave it queued, sleep until the event has surely arrived
                Thread.sleep(1500);
                registered.cancel();
                t.add("valid after cancel", registered.isValid());
                key = watcher.poll(3, TimeUnit.SECONDS);
                t.add("a key came", key != null);
                t.add("same key as register gave", key == registered);
                if (key != null) {
                    for (WatchEvent<?> e : key.pollEvents()) {
                        t.add("event", e.kind().name() + " " + t.path((Path) e.context()));
                    }
                    t.add("watchable", t.path((Path) key.watchable()));
                }
            }
        }));
    }

    /** A directory deleted under its key: the key comes back invalid, and is the registered key. */
    @Test
    void keyOfADeletedDirectoryIsTheRegisteredKey() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path dir = Files.createDirectory(base.resolve("watched"));
            try (WatchService watcher = base.getFileSystem().newWatchService()) {
                WatchKey registered = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE);
                Files.delete(dir);
                WatchKey key = watcher.poll(10, TimeUnit.SECONDS);
                t.add("a key came", key != null);
                t.add("same key as register gave", key == registered);
                if (key != null) {
                    key.pollEvents();
                    t.add("valid", key.isValid());
                    t.add("reset", key.reset());
                }
                // register again a new directory of the same name: a new key, and its events
                Files.createDirectory(dir);
                WatchKey again = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
                t.add("new key differs", again != registered);
                Files.createFile(dir.resolve("x"));
                WatchKey k2 = watcher.poll(10, TimeUnit.SECONDS);
                t.add("second key came", k2 == again);
            }
        }));
    }

    /** SecureDirectoryStream.newByteChannel through the wrapper: a working channel, same outcomes. */
    @Test
    void secureStreamByteChannels() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path d = Files.createDirectory(base.resolve("d"));
            Files.write(d.resolve("f"), new byte[] {1, 2, 3, 4});
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                SecureDirectoryStream<Path> sds = (SecureDirectoryStream<Path>) ds;
                Path rel = base.getFileSystem().getPath("f");
                try (SeekableByteChannel ch = sds.newByteChannel(rel, Set.of(StandardOpenOption.READ,
                        StandardOpenOption.WRITE))) {
                    t.add("is a FileChannel", ch instanceof FileChannel);
                    ByteBuffer b = ByteBuffer.allocate(10);
                    t.add("read", ch.read(b));
                    t.add("position", ch.position());
                    t.add("write", ch.write(ByteBuffer.wrap(new byte[] {9})));
                    t.add("size", ch.size());
                }
                t.attempt("absolute path", () -> sds.newByteChannel(d.resolve("f"), Set.of()).size());
                t.attempt("attribute view", () -> sds.getFileAttributeView(rel,
                        java.nio.file.attribute.BasicFileAttributeView.class).readAttributes().size());
            }
        });
    }

    /** Paths: resolve/relativize/iterator/URI round trips with the JDK's values. */
    @Test
    void pathOperations() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path a = base.resolve("a/b/../c");
            t.add("normalize", t.path(a.normalize()));
            t.add("names", a.getNameCount());
            StringBuilder sb = new StringBuilder();
            for (Path p : base.relativize(a)) {
                sb.append(t.path(p)).append(',');
            }
            t.add("iterator", sb);
            t.add("relativize", t.path(base.relativize(a)));
            t.add("uri", t.scrub(a.toUri()));
            t.add("root", t.path(a.getRoot()));
            t.add("empty parent", String.valueOf(base.getFileSystem().getPath("").getParent()));
            t.add("empty filename", t.path(base.getFileSystem().getPath("").getFileName()));
            t.add("starts", a.startsWith(base) + " " + a.startsWith(base.toString()));
            t.add("ends", a.endsWith("c") + " " + a.endsWith(base.getFileSystem().getPath("c")));
            t.add("compare", Integer.signum(a.compareTo(base)));
            t.add("equals self", a.equals(base.resolve("a/b/../c")));
            t.add("file", t.scrub(a.toFile()));
            t.attempt("real path of missing", () -> t.path(a.toRealPath()));
            t.attempt("matcher", () -> base.getFileSystem().getPathMatcher("glob:**/c").matches(a));
            t.attempt("exists", () -> Files.exists(base) + " " + Files.notExists(a));
            t.attempt("isSameFile", () -> Files.isSameFile(base, base.resolve(".")));
        });
    }

    /** A file written and read back through Files with the wrapper's channels. */
    @Test
    void filesRoundTrip() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path f = base.resolve("x");
            byte[] big = NioTestSupport.bytes(3 * 1024 * 1024 + 7, 3);
            Files.write(f, big);
            t.add("size", Files.size(f));
            t.add("equal", java.util.Arrays.equals(big, Files.readAllBytes(f)));
            Files.writeString(f, "hello\nworld\n", StandardOpenOption.APPEND);
            t.add("lines", Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1).size());
            try (java.io.InputStream in = Files.newInputStream(f)) {
                t.add("skip", in.skip(big.length));
                t.add("rest", new String(in.readAllBytes()));
                t.add("eof", in.read());
            }
            t.attempt("newInputStream dir", () -> {
                try (java.io.InputStream in = Files.newInputStream(base)) {
                    return in.read();
                }
            });
            t.attempt("readAllBytes dir", () -> Files.readAllBytes(base).length);
            t.attempt("newOutputStream dir", () -> {
                Files.newOutputStream(base).close();
                return "opened";
            });
            assertNotNull(f);
        });
    }

    /**
     * The JDK provider's checking order where a call has two bad arguments (PublicApiDifferentialSweepTest;
     * regression: uring4j checked the path first in readAttributes(Path, Class), readAttributes(Path, String)
     * and setAttribute, and the filter first in newDirectoryStream).
     */
    @Test
    void checkingOrderOfTwoBadArguments() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            java.nio.file.spi.FileSystemProvider p = base.getFileSystem().provider();
            Path zip = base.resolve("z.zip");
            try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
                Path foreign = fs.getPath("/x");
                t.attempt("readAttributes(null, unknown type)", () -> type(() -> p.readAttributes(null, unknownType())));
                t.attempt("readAttributes(foreign, null type)", () -> type(() -> p.readAttributes(foreign,
                        (Class<java.nio.file.attribute.BasicFileAttributes>) null)));
                t.attempt("readAttributes(foreign, unknown type)", () -> type(() -> p.readAttributes(foreign, unknownType())));
                t.attempt("newDirectoryStream(foreign, null filter)", () -> type(() -> p.newDirectoryStream(foreign, null)));
                t.attempt("newDirectoryStream(null, null filter)", () -> type(() -> p.newDirectoryStream(null, null)));
                t.attempt("readAttributes(foreign, null string)", () -> type(() -> p.readAttributes(foreign, (String) null)));
                t.attempt("readAttributes(foreign, \"bogus:x\")", () -> type(() -> p.readAttributes(foreign, "bogus:x")));
                t.attempt("readAttributes(null, \"\")", () -> type(() -> p.readAttributes(null, "")));
                t.attempt("setAttribute(foreign, \"\", 1)", () -> type(() -> {
                    p.setAttribute(foreign, "", 1);
                    return null;
                }));
                t.attempt("setAttribute(foreign, \"bogus:x\", 1)", () -> type(() -> {
                    p.setAttribute(foreign, "bogus:x", 1);
                    return null;
                }));
                // the same file through the other provider (uring4j's path to the JDK's, the JDK's to uring4j's)
                Files.write(base.resolve("f"), new byte[3]);
                Path other = base instanceof UringPath ? ((UringPath) base).wrapped().resolve("f")
                        : new UringFileSystemProvider().getPath(base.resolve("f").toUri());
                t.attempt("readAttributes(other's, basic)", () -> type(() -> p.readAttributes(other,
                        java.nio.file.attribute.BasicFileAttributes.class)));
                t.attempt("readAttributes(other's, \"size\")", () -> type(() -> p.readAttributes(other, "size")));
                t.attempt("setAttribute(other's, \"lastModifiedTime\", epoch)", () -> type(() -> {
                    p.setAttribute(other, "lastModifiedTime", java.nio.file.attribute.FileTime.fromMillis(0));
                    return null;
                }));
                t.attempt("f's time untouched", () -> Files.getLastModifiedTime(base.resolve("f")).toMillis() > 0);
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<java.nio.file.attribute.BasicFileAttributes> unknownType() {
        return (Class) java.nio.file.attribute.AclFileAttributeView.class;
    }

    /** The class of what {@code a} throws (messages differ: the JDK's have none, uring4j's name the provider). */
    private static Object type(Transcript.Action a) {
        try {
            return a.run();
        } catch (Exception e) {
            return "threw " + e.getClass().getName();
        }
    }
}
