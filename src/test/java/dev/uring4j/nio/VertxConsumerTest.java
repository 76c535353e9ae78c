package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.uring4j.nio.child.VertxFilesMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vert.x (a test-scope dependency) reads a file with {@code readFile} and an {@code AsyncFile},
 * and writes two, with the provider installed and without it: the same bytes. Not tagged
 * "kernel": the kernel matrix and the sanitizer run have no test dependencies on their class path.
 */
class VertxConsumerTest {
    @TempDir
    Path dir;

    private String runChild(boolean installed, Path input) throws Exception {
        Path work = Files.createDirectory(dir.resolve(installed ? "installed" : "plain"));
        return ChildJvm.run(ChildJvm.options(installed, "-Dvertx.cacheDirBase=" + work.resolve("cache"),
                "-Djava.io.tmpdir=" + work, "-Dvertx.disableDnsResolver=true"), ChildJvm.testClassPath(),
                VertxFilesMain.class, input.toString(), work.toString());
    }

    @Test
    void sameBytesWithAndWithoutTheProvider() throws Exception {
        byte[] data = new byte[1024 * 1024 + 4099]; // more than one AsyncFile chunk, not a multiple of one
        new Random(7).nextBytes(data);
        Path input = Files.write(dir.resolve("input.bin"), data);
        String installed = runChild(true, input);
        String plain = runChild(false, input);
        System.out.println(installed);

        assertEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(installed, "provider"), installed);
        assertNotEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(plain, "provider"), plain);
        List<String> results = ChildJvm.lines(installed, "result ");
        assertEquals(ChildJvm.lines(plain, "result "), results, "with the provider:\n" + installed + "\nwithout:\n" + plain);
        String expected = data.length + " bytes sha256 "
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertEquals(List.of("result readFile " + expected, "result asyncFile read " + expected,
                "result written back " + expected + " " + expected), results);
        for (String run : List.of("installed", "plain")) {
            assertArrayEquals(data, Files.readAllBytes(dir.resolve(run).resolve("writeFile.bin")), run);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve(run).resolve("asyncFile.bin")), run);
        }
    }
}
