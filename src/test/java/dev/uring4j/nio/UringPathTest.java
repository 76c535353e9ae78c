package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Path and file system logic of the wrapper against the JDK's, without files. */
class UringPathTest {
    private static final FileSystem JDK = FileSystems.getDefault();
    private final UringFileSystemProvider provider = new UringFileSystemProvider();
    private final FileSystem uring = provider.getFileSystem(URI.create("file:///"));

    private static final List<String> NAMES = List.of("/", "/a/b/c", "a/b/../c", "", ".", "a//b/", "/a/./b/..", "c",
            "/a/b/c/d.txt", "b/c");

    /** Everything a path answers without I/O, on one side; paths come out through {@code show}. */
    private static List<String> describe(FileSystem fs, Function<Path, String> show) {
        List<String> out = new ArrayList<>();
        for (String name : NAMES) {
            Path p = fs.getPath(name);
            out.add(name + ": " + show.apply(p) + " abs=" + p.isAbsolute() + " count=" + p.getNameCount()
                    + " file=" + show.apply(p.getFileName()) + " parent=" + show.apply(p.getParent())
                    + " root=" + show.apply(p.getRoot()) + " normal=" + show.apply(p.normalize())
                    + " hash=" + p.hashCode() + " starts(a)=" + p.startsWith("a") + " ends(c)=" + p.endsWith("c")
                    + " resolve(x)=" + show.apply(p.resolve("x")) + " sibling(x)=" + show.apply(p.resolveSibling("x"))
                    + " absolute=" + show.apply(p.toAbsolutePath()) + " file=" + p.toFile());
            List<String> names = new ArrayList<>();
            p.forEach(n -> names.add(show.apply(n)));
            out.add("  names " + names);
            if (p.getNameCount() > 1) {
                out.add("  subpath(1,n) " + show.apply(p.subpath(1, p.getNameCount())));
            }
            for (String otherName : NAMES) {
                Path other = fs.getPath(otherName);
                String relative;
                try {
                    relative = show.apply(p.relativize(other));
                } catch (IllegalArgumentException e) {
                    relative = "IllegalArgumentException";
                }
                out.add("  vs " + otherName + ": equals=" + p.equals(other) + " cmp=" + Integer.signum(p.compareTo(other))
                        + " starts=" + p.startsWith(other) + " ends=" + p.endsWith(other)
                        + " resolve=" + show.apply(p.resolve(other)) + " relativize=" + relative);
            }
        }
        return out;
    }

    @Test
    void pathsAnswerAsTheJdksAndStayWrapped() {
        List<String> jdk = describe(JDK, String::valueOf);
        List<String> wrapped = describe(uring, p -> {
            if (p != null) {
                assertSame(provider, p.getFileSystem().provider(), "came out unwrapped: " + p);
                assertSame(uring, p.getFileSystem());
            }
            return String.valueOf(p);
        });
        assertEquals(String.join("\n", jdk), String.join("\n", wrapped));
    }

    @Test
    void equalityIsWithinTheWrappedFileSystem() {
        Path a = uring.getPath("/a/b");
        Path b = uring.getPath("/a", "b");
        Path jdk = Path.of("/a/b");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(jdk.hashCode(), a.hashCode());
        assertNotEquals(a, jdk);
        assertNotEquals(jdk, a);
        assertEquals(0, a.compareTo(b));
        assertEquals(jdk.toString(), a.toString());
        assertEquals(jdk.toUri(), a.toUri());
        assertEquals(jdk.toFile(), a.toFile());
        assertNull(uring.getPath("/").getFileName());
        Path other = new UringFileSystemProvider().getFileSystem(URI.create("file:///")).getPath("/a/b");
        assertNotEquals(a, other, "paths of another wrapper's file system are unequal, as for two JDK file systems");
    }

    @Test
    void pathsOfAnotherProviderAreRefusedAsTheJdkRefusesThem() throws Exception {
        Path ours = uring.getPath("/tmp/x");
        Path jdk = Path.of("/tmp/x");
        Path jrt = FileSystems.getFileSystem(URI.create("jrt:/")).getPath("/modules");
        for (Path foreign : List.of(jdk, jrt)) {
            assertThrows(ProviderMismatchException.class, () -> ours.resolve(foreign));
            assertThrows(ProviderMismatchException.class, () -> ours.relativize(foreign));
            assertFalse(ours.startsWith(foreign));
            assertFalse(ours.endsWith(foreign));
            assertFalse(ours.equals(foreign));
            assertThrows(ClassCastException.class, () -> ours.compareTo(foreign));
            assertThrows(ProviderMismatchException.class,
                    () -> provider.newFileChannel(foreign, Set.of(StandardOpenOption.READ)));
            assertThrows(ProviderMismatchException.class,
                    () -> provider.readAttributes(foreign, BasicFileAttributes.class));
            assertThrows(ProviderMismatchException.class, () -> provider.delete(foreign));
            assertThrows(ProviderMismatchException.class, () -> provider.copy(ours, foreign));
            assertThrows(ProviderMismatchException.class, () -> provider.isSameFile(foreign, ours));
            assertFalse(provider.isSameFile(ours, foreign), "a path of another provider is never the same file");
        }
        // The JDK's side, for comparison: its paths refuse ours the same way.
        assertThrows(ProviderMismatchException.class, () -> jdk.resolve(ours));
        assertFalse(jdk.startsWith(ours));
        assertThrows(NullPointerException.class, () -> ours.resolve((Path) null));
        assertThrows(NullPointerException.class, () -> provider.delete(null));
        // Path's own default, as on the JDK's paths: no parent, the other path comes back as given.
        assertSame(jdk, uring.getPath("name").resolveSibling(jdk));
        assertTrue(provider.isSameFile(ours, uring.getPath("/tmp/./x").normalize()), "equal paths need no I/O");
    }

    @Test
    void fileSystemAnswersAsTheJdks() throws Exception {
        assertEquals("file", provider.getScheme());
        assertSame(uring, provider.getFileSystem(URI.create("file:///")));
        assertSame(provider, uring.provider());
        assertEquals(JDK.getSeparator(), uring.getSeparator());
        assertEquals(JDK.supportedFileAttributeViews(), uring.supportedFileAttributeViews());
        assertTrue(uring.isOpen());
        assertFalse(uring.isReadOnly());
        assertThrows(UnsupportedOperationException.class, uring::close);
        assertThrows(UnsupportedOperationException.class, JDK::close);
        assertTrue(uring.isOpen());
        List<Path> roots = new ArrayList<>();
        uring.getRootDirectories().forEach(roots::add);
        assertEquals(List.of(uring.getPath("/")), roots);
        assertEquals(JDK.getFileStores().iterator().next().name(), uring.getFileStores().iterator().next().name());
        assertSame(JDK.getUserPrincipalLookupService().getClass(), uring.getUserPrincipalLookupService().getClass());

        Path viaUri = provider.getPath(URI.create("file:///a/b%20c"));
        assertSame(provider, viaUri.getFileSystem().provider());
        assertEquals(Path.of(URI.create("file:///a/b%20c")).toString(), viaUri.toString());
        sameFailure(() -> JDK.provider().getPath(URI.create("http://x/")), () -> provider.getPath(URI.create("http://x/")));
        sameFailure(() -> JDK.provider().getFileSystem(URI.create("file:///x")),
                () -> provider.getFileSystem(URI.create("file:///x")));
        assertThrows(FileSystemAlreadyExistsException.class, () -> provider.newFileSystem(URI.create("file:///"), Map.of()));
        sameFailure(() -> JDK.provider().newFileSystem(Path.of("/x.zip"), Map.of()),
                () -> provider.newFileSystem(uring.getPath("/x.zip"), Map.of()));
    }

    @Test
    void pathMatchersMatchWrappedPathsAsTheJdks() {
        for (String pattern : List.of("glob:*.txt", "glob:**/*.{txt,log}", "regex:.*/d\\.txt", "glob:/a/b/c")) {
            PathMatcher jdk = JDK.getPathMatcher(pattern);
            PathMatcher ours = uring.getPathMatcher(pattern);
            for (String name : NAMES) {
                assertEquals(jdk.matches(Path.of(name)), ours.matches(uring.getPath(name)), pattern + " on " + name);
                assertEquals(jdk.matches(Path.of(name)), ours.matches(Path.of(name)), "foreign paths too: " + name);
            }
        }
        sameFailure(() -> JDK.getPathMatcher("nosuch:x"), () -> uring.getPathMatcher("nosuch:x"));
        sameFailure(() -> JDK.getPathMatcher("glob"), () -> uring.getPathMatcher("glob"));
    }

    @Test
    void wrapsOnlyProvidersOfTheFileScheme() {
        var jrt = FileSystems.getFileSystem(URI.create("jrt:/")).provider();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UringFileSystemProvider(jrt));
        assertTrue(e.getMessage().contains("jrt"), e.getMessage());
        assertThrows(NullPointerException.class, () -> new UringFileSystemProvider(null));
    }

    interface Call {
        Object call() throws Exception;
    }

    private static void sameFailure(Call jdk, Call ours) {
        Exception expected = assertThrows(Exception.class, jdk::call);
        Exception actual = assertThrows(Exception.class, ours::call);
        assertEquals(expected.getClass(), actual.getClass(), actual.toString());
        assertEquals(expected.getMessage(), actual.getMessage());
    }
}
