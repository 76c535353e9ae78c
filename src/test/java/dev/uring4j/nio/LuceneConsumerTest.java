package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.nio.child.LuceneIndexMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lucene (a test-scope dependency) builds and searches the same index with the provider
 * installed and without it: the same hits, documents and index check. Not tagged "kernel": the
 * kernel matrix and the sanitizer run have no test dependencies on their class path.
 */
class LuceneConsumerTest {
    private static final int DOCS = 3000;

    @TempDir
    Path dir;

    @Test
    void sameIndexAndHitsWithAndWithoutTheProvider() throws Exception {
        String cp = ChildJvm.testClassPath();
        String installed = ChildJvm.run(ChildJvm.options(true), cp, LuceneIndexMain.class,
                Files.createDirectory(dir.resolve("installed")).toString(), String.valueOf(DOCS));
        String plain = ChildJvm.run(ChildJvm.options(false), cp, LuceneIndexMain.class,
                Files.createDirectory(dir.resolve("plain")).toString(), String.valueOf(DOCS));
        System.out.println(installed);

        assertEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(installed, "provider"), installed);
        assertEquals("dev.uring4j.nio.UringFileChannel", ChildJvm.field(installed, "channel"), installed);
        assertNotEquals(UringFileSystemProvider.class.getName(), ChildJvm.field(plain, "provider"), plain);
        List<String> results = ChildJvm.lines(installed, "result ");
        assertEquals(ChildJvm.lines(plain, "result "), results, "with the provider:\n" + installed + "\nwithout:\n" + plain);
        // The index is what the program meant to build, so the comparison compares something.
        assertTrue(results.stream().anyMatch(l -> l.startsWith("result docs=" + (DOCS - 100) + " ")), installed);
        assertTrue(results.stream().anyMatch(l -> l.startsWith("result clean=true ")), installed);
        assertTrue(results.stream().anyMatch(l -> l.startsWith("result id:doc" + (DOCS - 1) + " hits=1 hits")), installed);
        assertTrue(results.stream().noneMatch(l -> l.contains(" hits=0 hits")), "every query finds something: " + results);
    }
}
