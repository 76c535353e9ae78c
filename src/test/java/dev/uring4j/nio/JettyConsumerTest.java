package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.uring4j.nio.child.JettyServeMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jetty 12 (a test-scope dependency) serves static files with the provider installed and
 * without it: the same statuses, bytes and ranges, and with it the files open as uring4j's
 * channels. Not tagged "kernel": the kernel matrix and the sanitizer run have no test
 * dependencies on their class path.
 */
class JettyConsumerTest {
    @TempDir
    Path dir;

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void sameResponsesWithAndWithoutTheProvider() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        byte[] big = new byte[3 * 1024 * 1024 + 123]; // several of Jetty's output buffers, not a multiple
        new Random(11).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        Files.writeString(www.resolve("small.txt"), "hello, jetty\n");
        byte[] odd = new byte[65_537];
        new Random(12).nextBytes(odd);
        Files.write(www.resolve("odd.bin"), odd);

        String installed = ChildJvm.run(ChildJvm.options(true), ChildJvm.testClassPath(), JettyServeMain.class,
                www.toString());
        String plain = ChildJvm.run(ChildJvm.options(false), ChildJvm.testClassPath(), JettyServeMain.class,
                www.toString());
        System.out.println(installed);

        assertEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(installed, "provider"), installed);
        assertEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(installed, "resourceProvider"), installed);
        assertEquals("dev.uring4j.nio.UringFileChannel", ChildJvm.field(installed, "channel"), installed);
        assertNotEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(plain, "provider"), plain);
        List<String> results = ChildJvm.lines(installed, "result ");
        assertEquals(ChildJvm.lines(plain, "result "), results, "with the provider:\n" + installed + "\nwithout:\n" + plain);
        // What the responses must be, so the comparison compares something.
        assertEquals(List.of(
                "result small.txt status=200 length=13 sha256=" + sha("hello, jetty\n".getBytes()),
                "result big.bin status=200 length=" + big.length + " sha256=" + sha(big),
                "result big.bin bytes=1000-200999 status=206 length=200000 sha256="
                        + sha(Arrays.copyOfRange(big, 1000, 201_000)) + " range=bytes 1000-200999/" + big.length,
                "result big.bin bytes=-4097 status=206 length=4097 sha256="
                        + sha(Arrays.copyOfRange(big, big.length - 4097, big.length)) + " range=bytes "
                        + (big.length - 4097) + "-" + (big.length - 1) + "/" + big.length,
                "result big.bin status=200 length=" + big.length + " sha256=" + sha(big),
                "result odd.bin status=200 length=" + odd.length + " sha256=" + sha(odd),
                "result missing.bin status=404"), results);
    }
}
