package dev.uring4j.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same {@code Files} programs on the JDK's paths and on the wrapper's give the same
 * results, line by line ({@link Transcript}), exceptions included; every path they see is of
 * the provider they started with.
 */
@Tag("kernel")
class FilesConformanceTest {
    @TempDir
    Path tmp;

    private static void tree(Path base) throws IOException {
        Files.createDirectories(base.resolve("a/b"));
        Files.createDirectories(base.resolve("a/empty"));
        Files.writeString(base.resolve("a/b/c.txt"), "c");
        Files.writeString(base.resolve("a/d.txt"), "dd");
        Files.writeString(base.resolve("a/e.log"), "eee");
        Files.writeString(base.resolve("f.txt"), "ffff");
    }

    @Test
    void walkingAndListing() throws Exception {
        List<String> lines = Transcript.assertSameOnBoth(tmp, (base, t) -> {
            tree(base);
            try (Stream<Path> s = Files.walk(base)) {
                t.add("walk", t.sortedPaths(s.collect(Collectors.toList())));
            }
            try (Stream<Path> s = Files.walk(base, 1)) {
                t.add("walk depth 1", t.sortedPaths(s.map(base::relativize).collect(Collectors.toList())));
            }
            try (Stream<Path> s = Files.list(base.resolve("a"))) {
                t.add("list a", t.sortedPaths(s.collect(Collectors.toList())));
            }
            try (Stream<Path> s = Files.find(base, 9, (p, attrs) -> attrs.isRegularFile() && p.toString().endsWith(".txt"))) {
                t.add("find *.txt", t.sortedPaths(s.collect(Collectors.toList())));
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(base.resolve("a"), "*.txt")) {
                List<Path> found = new ArrayList<>();
                ds.forEach(found::add);
                t.add("glob a/*.txt", t.sortedPaths(found));
            }
            List<Path> filtered = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(base.resolve("a"), p -> {
                t.path(p); // the filter sees the provider's own paths
                return Files.isDirectory(p);
            })) {
                ds.forEach(filtered::add);
            }
            t.add("directories of a", t.sortedPaths(filtered));
            List<String> visits = new ArrayList<>();
            Files.walkFileTree(base, new SimpleFileVisitor<Path>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    visits.add("pre " + t.path(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    visits.add("file " + t.path(file) + " " + attrs.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    visits.add("post " + t.path(dir));
                    return FileVisitResult.CONTINUE;
                }
            });
            visits.sort(null); // directory order is the file system's
            t.add("walkFileTree", visits);
        });
        assertTrue(lines.contains("glob a/*.txt -> [<base>/a/d.txt]"), lines.toString());
        assertTrue(lines.contains("directories of a -> [<base>/a/b, <base>/a/empty]"), lines.toString());
    }

    @Test
    void attributes() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path f = Files.writeString(base.resolve("f"), "12345");
            Path hidden = Files.createFile(base.resolve(".hidden"));
            t.add("size", Files.size(f));
            t.add("kinds", Files.isRegularFile(f) + " " + Files.isDirectory(f) + " " + Files.isSymbolicLink(f) + " "
                    + Files.isDirectory(base) + " " + Files.isHidden(hidden) + " " + Files.isHidden(f));
            t.add("exists", Files.exists(f) + " " + Files.notExists(base.resolve("missing")) + " "
                    + Files.exists(base.resolve("missing")));
            t.add("access", Files.isReadable(f) + " " + Files.isWritable(f) + " " + Files.isExecutable(f));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
            t.add("permissions", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            Files.setLastModifiedTime(f, FileTime.from(1_700_000_000L, TimeUnit.SECONDS));
            t.add("modified", Files.getLastModifiedTime(f));
            t.add("posix attrs", new TreeMap<>(Files.readAttributes(f, "posix:permissions,size,lastModifiedTime")));
            t.add("nlink", Files.getAttribute(f, "unix:nlink"));
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
            t.add("basic", attrs.size() + " " + attrs.isOther() + " " + attrs.lastModifiedTime());
            PosixFileAttributeView view = Files.getFileAttributeView(f, PosixFileAttributeView.class);
            t.add("view", view.name() + " " + PosixFilePermissions.toString(view.readAttributes().permissions()));
            t.add("owner", Files.getOwner(f).getName());
            t.add("store", Files.getFileStore(f).type() + " " + Files.getFileStore(f).name());
            t.add("same file", Files.isSameFile(f, base.resolve("./f")) + " " + Files.isSameFile(f, hidden));
            t.add("real path", t.path(base.resolve("./f").toRealPath()));
            Path fromUri = base.getFileSystem().provider().getPath(f.toUri());
            t.add("uri", t.path(fromUri) + " " + fromUri.equals(f) + " " + f.toUri().toString().endsWith("/f"));
            t.add("file", f.toFile().length() + " " + f.toFile().toPath().equals(Path.of(f.toString())));
        });
    }

    @Test
    void copyMoveDelete() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path f = Files.writeString(base.resolve("f"), "payload");
            t.add("copy", t.path(Files.copy(f, base.resolve("g"))));
            t.attempt("copy again", () -> Files.copy(f, base.resolve("g")));
            Files.writeString(f, "payload 2");
            t.add("copy replacing", t.path(Files.copy(f, base.resolve("g"), StandardCopyOption.REPLACE_EXISTING)));
            t.add("copied", Files.readString(base.resolve("g")));
            t.add("move", t.path(Files.move(base.resolve("g"), base.resolve("h"), StandardCopyOption.ATOMIC_MOVE)));
            t.add("after move", Files.exists(base.resolve("g")) + " " + Files.readString(base.resolve("h")));
            Files.delete(base.resolve("h"));
            t.add("delete if exists", Files.deleteIfExists(base.resolve("h")) + " " + Files.deleteIfExists(f));
            t.add("directories", t.path(Files.createDirectories(base.resolve("x/y/z"))));
            t.attempt("delete non-empty", () -> {
                Files.delete(base.resolve("x"));
                return "deleted";
            });
            Path temp = Files.createTempFile(base.resolve("x"), "pre", ".suf");
            t.add("temp file", temp.getFileName().toString().matches("pre[0-9]+\\.suf") + " " + t.path(temp.getParent())
                    + " " + Files.size(temp));
            Path tempDir = Files.createTempDirectory(base, "d");
            t.add("temp dir", Files.isDirectory(tempDir) + " " + t.path(tempDir.getParent()));
            try (Stream<Path> s = Files.walk(base.resolve("x"))) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
            t.add("deleted tree", Files.exists(base.resolve("x")));
        });
    }

    @Test
    void links() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path target = Files.writeString(base.resolve("target.txt"), "through the link");
            Path relative = base.getFileSystem().getPath("target.txt");
            Path link = Files.createSymbolicLink(base.resolve("link"), relative);
            t.add("link", t.path(link) + " " + Files.isSymbolicLink(link) + " " + Files.isRegularFile(link) + " "
                    + Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS));
            Path read = Files.readSymbolicLink(link);
            t.add("read link", t.path(read) + " absolute=" + read.isAbsolute());
            t.add("through", Files.readString(link));
            t.add("real", t.path(link.toRealPath()) + " " + t.path(link.toRealPath(LinkOption.NOFOLLOW_LINKS)));
            t.add("nofollow", Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isSymbolicLink());
            Path hard = Files.createLink(base.resolve("hard"), target);
            t.add("hard", Files.isSameFile(hard, target) + " " + Files.getAttribute(target, "unix:nlink"));
            Files.delete(target);
            t.add("dangling", Files.exists(link) + " " + Files.exists(link, LinkOption.NOFOLLOW_LINKS));
            t.attempt("read dangling", () -> Files.readString(link));
            t.attempt("link again", () -> Files.createSymbolicLink(link, relative));
            t.attempt("not a link", () -> Files.readSymbolicLink(hard));
        });
    }

    @Test
    void contents() throws Exception {
        Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path f = base.resolve("text");
            Files.write(f, List.of("one", "two", "three"));
            t.add("all lines", Files.readAllLines(f));
            Files.writeString(f, "four\n", StandardOpenOption.APPEND);
            t.add("string", Files.readString(f).replace("\n", "|"));
            try (Stream<String> lines = Files.lines(f)) {
                t.add("lines", lines.collect(Collectors.toList()));
            }
            try (BufferedWriter w = Files.newBufferedWriter(base.resolve("w"), UTF_8)) {
                w.write("ünïcödé\nsecond");
            }
            try (BufferedReader r = Files.newBufferedReader(base.resolve("w"))) {
                t.add("buffered", r.readLine() + "|" + r.readLine() + "|" + r.readLine());
            }
            byte[] data = new byte[100_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + 7);
            }
            Path bin = base.resolve("bin");
            t.add("copy from stream", Files.copy(new ByteArrayInputStream(data), bin));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.add("copy to stream", Files.copy(bin, out) + " " + java.util.Arrays.equals(data, out.toByteArray()));
            try (InputStream in = Files.newInputStream(bin)) {
                t.add("input stream", in.skip(99_990) + " " + in.read() + " " + in.readAllBytes().length);
            }
            try (OutputStream o = Files.newOutputStream(bin, StandardOpenOption.APPEND)) {
                o.write(new byte[] {1, 2, 3});
            }
            t.add("appended", Files.size(bin) + " " + Files.mismatch(bin, base.resolve("text")));
            try (SeekableByteChannel ch = Files.newByteChannel(bin)) {
                ByteBuffer b = ByteBuffer.allocate(8);
                ch.position(99_998);
                t.add("byte channel", ch.read(b) + " " + ch.position() + " " + ch.size() + " " + b.get(0) + " " + b.get(4));
            }
            try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.truncate(50_000);
                ByteBuffer b = ByteBuffer.allocateDirect(10);
                ch.read(b, 1000);
                t.add("file channel", ch.size() + " " + b.get(3) + " " + ch.write(ByteBuffer.wrap(new byte[] {9}), 49_999));
            }
            try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(base.resolve("async"),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                int written = ch.write(ByteBuffer.wrap("asynchronous".getBytes(UTF_8)), 3).get(10, TimeUnit.SECONDS);
                ByteBuffer b = ByteBuffer.allocate(20);
                int read = ch.read(b, 0).get(10, TimeUnit.SECONDS);
                t.add("async", written + " " + read + " " + ch.size() + " " + b.get(0) + " " + (char) b.get(3));
            }
            t.add("all bytes", Files.readAllBytes(bin).length + " " + Files.readAllBytes(bin)[49_999]);
        });
    }

    @Test
    void zipFileSystemInAFileOfTheProvider() throws Exception {
        List<String> lines = Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path zip = base.resolve("a.zip");
            try (FileSystem z = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
                Files.createDirectories(z.getPath("/dir"));
                Files.writeString(z.getPath("/dir/entry.txt"), "zipped");
                Files.write(z.getPath("/big"), new byte[70_000]);
            }
            t.add("zip written", Files.size(zip) > 0);
            try (FileSystem z = FileSystems.newFileSystem(zip)) {
                t.add("entry", Files.readString(z.getPath("/dir/entry.txt")) + " " + Files.size(z.getPath("/big")));
                try (Stream<Path> s = Files.walk(z.getPath("/"))) {
                    t.add("entries", s.map(Path::toString).sorted().collect(Collectors.toList()));
                }
            }
        });
        assertTrue(lines.contains("entry -> zipped 70000"), lines.toString());
    }

    @Test
    void failuresAreTheJdks() throws Exception {
        List<String> lines = Transcript.assertSameOnBoth(tmp, (base, t) -> {
            Path missing = base.resolve("missing");
            Path file = Files.writeString(base.resolve("file"), "x");
            Path dir = Files.createDirectory(base.resolve("dir"));
            Files.createFile(dir.resolve("child"));
            t.attempt("read missing", () -> Files.readAllBytes(missing));
            t.attempt("channel on missing", () -> FileChannel.open(missing, StandardOpenOption.READ));
            t.attempt("async on missing", () -> AsynchronousFileChannel.open(missing, StandardOpenOption.READ));
            t.attempt("reader on missing", () -> Files.newBufferedReader(missing));
            t.attempt("delete missing", () -> {
                Files.delete(missing);
                return "deleted";
            });
            t.attempt("list missing", () -> Files.newDirectoryStream(missing));
            t.attempt("attributes of missing", () -> Files.readAttributes(missing, BasicFileAttributes.class));
            t.attempt("size of missing", () -> Files.size(missing));
            t.attempt("move missing", () -> Files.move(missing, base.resolve("elsewhere")));
            t.attempt("create existing directory", () -> Files.createDirectory(dir));
            t.attempt("create existing file", () -> Files.createFile(file));
            t.attempt("create new existing", () -> Files.newByteChannel(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
            t.attempt("copy onto existing", () -> Files.copy(file, dir));
            t.attempt("delete non-empty", () -> {
                Files.delete(dir);
                return "deleted";
            });
            t.attempt("list a file", () -> Files.newDirectoryStream(file));
            t.attempt("file in a file", () -> Files.createFile(file.resolve("x")));
            t.attempt("output stream READ", () -> Files.newOutputStream(file, StandardOpenOption.READ));
            t.attempt("input stream WRITE", () -> Files.newInputStream(file, StandardOpenOption.WRITE));
            t.attempt("read a directory", () -> {
                try (SeekableByteChannel ch = Files.newByteChannel(dir)) {
                    return ch.read(ByteBuffer.allocate(1));
                }
            });
            t.attempt("APPEND with READ", () -> Files.newByteChannel(file, StandardOpenOption.APPEND,
                    StandardOpenOption.READ));
        });
        String all = String.join("\n", lines);
        for (String expected : List.of("read missing -> threw java.nio.file.NoSuchFileException: <base>/missing",
                "delete non-empty -> threw java.nio.file.DirectoryNotEmptyException: <base>/dir",
                "create existing directory -> threw java.nio.file.FileAlreadyExistsException: <base>/dir",
                "list a file -> threw java.nio.file.NotDirectoryException: <base>/file")) {
            assertTrue(all.contains(expected), "expected «" + expected + "» in\n" + all);
        }
        assertEquals(20, lines.size());
    }
}
