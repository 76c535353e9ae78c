package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a scenario saw, line by line, with its base directory written {@code <base>}: the same
 * scenario on the JDK's paths and on the wrapper's must give the same lines. Every path that the
 * scenario reports must belong to the base's provider (the wrapper gives out only its own paths).
 */
final class Transcript {
    /** A scenario run once on each side. */
    interface Scenario {
        void run(Path base, Transcript t) throws Exception;
    }

    interface Action {
        Object run() throws Exception;
    }

    final List<String> lines = new ArrayList<>();
    private final Path base;
    private final List<String> baseStrings = new ArrayList<>();

    Transcript(Path base) throws IOException {
        this.base = base;
        // The longer form first: the real path contains the base's string when /tmp is a link.
        baseStrings.add(base.toRealPath().toString());
        baseStrings.add(base.toString());
    }

    /** Runs {@code scenario} in {@code tmp}/jdk with the JDK's paths and in {@code tmp}/uring with the wrapper's; returns the lines. */
    static List<String> assertSameOnBoth(Path tmp, Scenario scenario) throws Exception {
        Path jdkBase = Files.createDirectory(tmp.resolve("jdk"));
        Path uringDir = Files.createDirectory(tmp.resolve("uring"));
        UringFileSystemProvider provider = new UringFileSystemProvider();
        Path uringBase = provider.getFileSystem(java.net.URI.create("file:///")).getPath(uringDir.toString());
        Transcript jdk = new Transcript(jdkBase);
        scenario.run(jdkBase, jdk);
        Transcript uring = new Transcript(uringBase);
        scenario.run(uringBase, uring);
        assertEquals(String.join("\n", jdk.lines), String.join("\n", uring.lines),
                "the wrapper must do what the JDK's provider does");
        return jdk.lines;
    }

    String scrub(Object value) {
        String s = String.valueOf(value);
        for (String b : baseStrings) {
            s = s.replace(b, "<base>");
        }
        return s;
    }

    /** {@code p} as the scenario reports it; fails if it is not a path of the base's provider. */
    String path(Path p) {
        if (p == null) {
            return "null";
        }
        FileSystemProvider expected = base.getFileSystem().provider();
        assertSame(expected, p.getFileSystem().provider(), "a path of another provider came out: " + p);
        return scrub(p);
    }

    String sortedPaths(Collection<Path> paths) {
        return paths.stream().map(this::path).sorted().collect(Collectors.toList()).toString();
    }

    void add(String op, Object result) {
        lines.add(op + " -> " + scrub(result));
    }

    /** Records the result of {@code action}, or the exception it threw: its class, message and file fields. */
    void attempt(String op, Action action) {
        try {
            add(op, action.run());
        } catch (Exception e) {
            lines.add(op + " -> threw " + describe(e));
        }
    }

    String describe(Exception e) {
        StringBuilder s = new StringBuilder(e.getClass().getName()).append(": ").append(scrub(e.getMessage()));
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            s.append(" [file ").append(scrub(f.getFile())).append(", other ").append(scrub(f.getOtherFile()))
                    .append(", reason ").append(f.getReason()).append(']');
        }
        return s.toString();
    }
}
