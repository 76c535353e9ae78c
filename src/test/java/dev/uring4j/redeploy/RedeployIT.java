package dev.uring4j.redeploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redeploys as an application server does (RedeployMain, in a JVM of its own so that the
 * counts start from zero): five fresh class loaders over the packaged classifier jar leave
 * no uring4j thread, no io_uring descriptor, and every loader collectable.
 */
class RedeployIT {
    @TempDir
    Path dir;

    @Test
    void fiveRedeploysLeaveNoThreadNoRingAndNoLoader() throws Exception {
        TestSupport.requireAvailable();
        Path file = dir.resolve("data");
        Files.write(file, new byte[1 << 16]);
        Path jar = Path.of(System.getProperty("uring4j.test.classifierJar"));
        TestSupport.ChildResult r = TestSupport.runJava(List.of("-Xmx256m"), TestSupport.testClassesDir().toString(),
                RedeployMain.class.getName(), jar.toString(), TestSupport.testClassesDir().toString(), file.toString());
        assertTrue(r.output.contains("RESULT ok"), r.output);
        assertTrue(r.output.contains("deploy 4: bytes 8292"), r.output);
    }
}
