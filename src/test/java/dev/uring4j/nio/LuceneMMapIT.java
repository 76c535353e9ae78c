package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport;
import dev.uring4j.nio.child.LuceneIndexMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lucene's {@code MMapDirectory} with the provider installed, on the packaged multi-release
 * jar, against the same program without the provider: the same index and hits. On JDK 21+
 * Lucene maps files with {@code FileChannel.map(MapMode, long, long, Arena)}, which uring4j's
 * channel gets from META-INF/versions/22 of the jar (before, FileChannel's default threw
 * UnsupportedOperationException); on JDK 17 it maps MappedByteBuffers. An integration test,
 * since only the jar has the versioned classes.
 */
class LuceneMMapIT {
    private static final String CLASSIFIER_JAR = System.getProperty("uring4j.test.classifierJar");
    private static final int DOCS = 2000;

    @TempDir
    Path dir;

    @Test
    void mmapDirectoryGivesTheSameIndexAndHitsWithAndWithoutTheProvider() throws Exception {
        Assumptions.assumeTrue(CLASSIFIER_JAR != null, "runs against the packaged jar, in mvn verify");
        String cp = ChildJvm.testClassPath();
        assertTrue(cp.contains(CLASSIFIER_JAR), "the packaged jar is on the class path: " + cp);
        String installed = ChildJvm.run(ChildJvm.options(true), cp, LuceneIndexMain.class,
                Files.createDirectory(dir.resolve("installed")).toString(), String.valueOf(DOCS), "mmap");
        String plain = ChildJvm.run(ChildJvm.options(false), cp, LuceneIndexMain.class,
                Files.createDirectory(dir.resolve("plain")).toString(), String.valueOf(DOCS), "mmap");
        System.out.println(installed);

        assertEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(installed, "provider"), installed);
        assertEquals("dev.uring4j.nio." + TestSupport.jarFileChannelClass(), ChildJvm.field(installed, "channel"),
                installed);
        assertEquals("MMapDirectory", ChildJvm.field(installed, "directory"), installed);
        List<String> results = ChildJvm.lines(installed, "result ");
        assertEquals(ChildJvm.lines(plain, "result "), results, "with the provider:\n" + installed + "\nwithout:\n" + plain);
        assertTrue(results.stream().anyMatch(l -> l.startsWith("result docs=" + (DOCS - 100) + " ")), installed);
        assertTrue(results.stream().anyMatch(l -> l.startsWith("result clean=true ")), installed);
        assertTrue(results.stream().noneMatch(l -> l.contains(" hits=0 hits")), "every query finds something: " + results);
    }
}
