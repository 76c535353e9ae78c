package dev.uring4j.nio.child;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program that knows nothing of uring4j: prints which provider and channels it got and checks
 * that what it writes and reads through them is right (reading back with java.io, which no
 * provider touches). Exits 0 when every check passes. In its own package, outside the
 * dev.uring4j module's, so that it loads from the class path when the module is on the module
 * path. Argument: a directory to work in.
 */
public final class InstalledProviderMain {
    private static final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        show("provider", FileSystems.getDefault().provider());
        show("pathProvider", dir.getFileSystem().provider());
        show("fileToPathProvider", new File(args[0]).toPath().getFileSystem().provider());
        show("uriPathProvider", Path.of(dir.toUri()).getFileSystem().provider());
        show("firstInstalledProvider", FileSystemProvider.installedProviders().get(0));
        System.out.println("sameFileSystemByUri=" + (FileSystems.getFileSystem(URI.create("file:///")) == FileSystems.getDefault()));
        System.out.println("toFile=" + dir.resolve("x").toFile().getPath().equals(args[0] + "/x"));

        byte[] data = new byte[256 * 1024 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 131 + (i >> 9));
        }
        Path f = dir.resolve("data.bin");
        Files.write(f, data);
        check("Files.write", data, javaIo(f));
        check("Files.readAllBytes", data, Files.readAllBytes(f));
        try (InputStream in = Files.newInputStream(f)) {
            check("Files.newInputStream", data, in.readAllBytes());
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            show("fileChannel", ch);
            check("FileChannel.read", data, readAll(ch));
        }
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            show("byteChannel", ch);
            check("Files.newByteChannel", data, readAll(ch));
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, StandardOpenOption.READ)) {
            show("asyncChannel", ch);
            ByteBuffer b = ByteBuffer.allocateDirect(data.length);
            while (b.hasRemaining()) {
                int n = ch.read(b, b.position()).get(10, TimeUnit.SECONDS);
                if (n < 0) {
                    break;
                }
            }
            check("AsynchronousFileChannel.read", data, bytes(b.flip()));
        }
        Path g = dir.resolve("channel.bin");
        try (FileChannel ch = FileChannel.open(g, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int pos = 0; pos < data.length; pos += 10_000) {
                ch.write(ByteBuffer.wrap(data, pos, Math.min(10_000, data.length - pos)), pos);
            }
            ch.force(true);
        }
        check("FileChannel.write", data, javaIo(g));
        Path h = dir.resolve("async.bin");
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(h, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b, b.position()).get(10, TimeUnit.SECONDS);
            }
            ch.force(false);
        }
        check("AsynchronousFileChannel.write", data, javaIo(h));
        Files.writeString(dir.resolve("text"), "zwölf Boxkämpfer");
        check("Files.readString", "zwölf Boxkämpfer".getBytes(UTF_8), Files.readString(dir.resolve("text")).getBytes(UTF_8));

        System.out.println(failures.isEmpty() ? "io=ok" : "io=FAILED " + failures);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void show(String what, Object o) {
        System.out.println(what + "=" + o.getClass().getName());
    }

    private static byte[] javaIo(Path p) throws IOException {
        try (FileInputStream in = new FileInputStream(p.toString())) {
            return in.readAllBytes();
        }
    }

    private static byte[] readAll(SeekableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) ch.size() + 1);
        while (ch.read(b) > 0) {
            // until end of file
        }
        return bytes(b.flip());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void check(String what, byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            failures.add(what + " (" + actual.length + " bytes, expected " + expected.length + ", first difference at "
                    + Arrays.mismatch(expected, actual) + ")");
        }
    }
}
