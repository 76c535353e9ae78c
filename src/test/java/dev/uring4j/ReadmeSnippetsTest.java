package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md compiles against the main classes and runs.
 *
 * <p>A block is a statement list with its imports at the top: the imports stay at file
 * level, the statements become the body of {@code main} (so a block may {@code return}),
 * line for line, so a compiler error names the README line. It compiles against the main
 * classes (the API) and the classes of {@code examples/} (EchoServer), compiled here from source. Each block runs in a child JVM
 * (as the tests run: the built native library, native access enabled) in an empty working
 * directory of its own, and must exit with 0; the child first checks that io_uring is
 * available to it, so that no block passes by taking its "unavailable" branch. A block
 * that cannot run (it would need a service, a device, a long time) carries a
 * {@code // compile-only} comment line and is only compiled.
 */
@Tag("kernel")
class ReadmeSnippetsTest {
    private static final String COMPILE_ONLY = "// compile-only";

    @TempDir
    Path dir;

    /** The examples' classes, compiled once for all blocks. */
    @TempDir
    static Path shared;
    private static String examplesClasspath;

    /** One ```java block: where it starts and its lines. */
    static final class Snippet {
        final int fenceLine; // 1-based README line of the opening fence
        final List<String> lines;

        Snippet(int fenceLine, List<String> lines) {
            this.fenceLine = fenceLine;
            this.lines = lines;
        }

        boolean compileOnly() {
            return lines.stream().anyMatch(l -> l.trim().equals(COMPILE_ONLY));
        }

        String className() {
            return "ReadmeSnippetAtLine" + fenceLine;
        }

        /**
         * The block as a class: imports kept, the class header prefixed to the first line after
         * them and the closing braces appended to the last, so line n of the source is line n
         * of the block (README line fenceLine + n).
         */
        String source() {
            int lastImport = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("import ")) {
                    lastImport = i;
                }
            }
            List<String> out = new ArrayList<>(lines);
            String header = "public class " + className()
                    + " { public static void main(String[] args) throws Exception { ";
            if (lastImport + 1 < out.size()) {
                out.set(lastImport + 1, header + out.get(lastImport + 1));
            } else {
                out.add(header);
            }
            int last = out.size() - 1;
            out.set(last, out.get(last) + "\n}}");
            return String.join("\n", out) + "\n";
        }
    }

    /** The checkout: target/test-classes -> the project directory, else the working directory. */
    private static Path projectDir() {
        Path fromClasses = TestSupport.testClassesDir().getParent().getParent();
        Path fromUserDir = Path.of(System.getProperty("user.dir"));
        for (Path p : List.of(fromClasses, fromUserDir)) {
            if (Files.isRegularFile(p.resolve("README.md"))) {
                return p;
            }
        }
        throw new IllegalStateException("README.md not found in " + fromClasses + " or " + fromUserDir);
    }

    /**
     * The examples' classes (EchoServer...), which README blocks may use, compiled from
     * examples/src/main/java against the main classes (they use the public API only).
     */
    private static synchronized String examplesClasspath() throws IOException {
        // The test-kernels guests have examples/ built (target/examples/target/classes, on
        // their class path) and name it: compiling it again there took ~40 s of emulated CPU.
        String built = System.getProperty("uring4j.test.examplesClassesDir");
        if (examplesClasspath == null && built != null && Files.isDirectory(Path.of(built))) {
            examplesClasspath = built;
        }
        if (examplesClasspath == null) {
            Path src = projectDir().resolve(Path.of("examples", "src", "main", "java"));
            List<String[]> sources = new ArrayList<>();
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".java") && !name.equals("module-info.java") && !name.equals("package-info.java")) {
                        String rel = src.relativize(f).toString();
                        sources.add(new String[] {rel.substring(0, rel.length() - 5), Files.readString(f)});
                    }
                }
            }
            assertFalse(sources.isEmpty(), "no example sources in " + src);
            Path out = shared.resolve("examples-classes");
            List<String> errors = compile(out, sources, TestSupport.classesDir());
            assertEquals(List.of(), errors, "examples/ does not compile against the main classes");
            examplesClasspath = out.toString();
        }
        return examplesClasspath;
    }

    static List<Snippet> snippets(List<String> readme) {
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).trim().equals("```java")) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < readme.size() && !readme.get(i).trim().equals("```"); i++) {
                body.add(readme.get(i));
            }
            if (i == readme.size()) {
                throw new AssertionError("README line " + (start + 1) + ": ```java block is never closed");
            }
            out.add(new Snippet(start + 1, body));
        }
        return out;
    }

    /** Compiles {@code sources} (class name, text) into {@code out}; returns the errors, empty if it compiled. */
    static List<String> compile(Path out, List<String[]> sources) throws IOException {
        return compile(out, sources, examplesClasspath() + File.pathSeparator + TestSupport.classesDir());
    }

    static List<String> compile(Path out, List<String[]> sources, String classpath) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler (a JRE without jdk.compiler?)");
        Files.createDirectories(out);
        List<JavaFileObject> units = new ArrayList<>();
        for (String[] s : sources) {
            units.add(new SimpleJavaFileObject(URI.create("string:///" + s[0] + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return s[1];
                }
            });
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        List<String> options = List.of("--release", "17", "-proc:none", "-encoding", "UTF-8",
                "-cp", classpath, "-d", out.toString());
        boolean ok = javac.getTask(log, null, diagnostics, options, null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add((d.getSource() == null ? "" : d.getSource().getName()) + ":" + d.getLineNumber() + ": "
                        + d.getMessage(Locale.ROOT));
            }
        }
        if (!ok && errors.isEmpty()) {
            errors.add("javac failed: " + log);
        }
        return errors;
    }

    /** The launcher: the child must have io_uring, or a block could pass through its fallback branch. */
    private static String launcher(String snippetClass) {
        return "public class RunSnippet { public static void main(String[] args) throws Exception {\n"
                + "  if (!dev.uring4j.Uring.isAvailable()) {\n"
                + "    System.out.println(\"RUN-SNIPPET: io_uring unavailable in the child: \""
                + " + dev.uring4j.Uring.unavailabilityCause().getMessage());\n"
                + "    System.exit(3);\n"
                + "  }\n"
                + "  " + snippetClass + ".main(args);\n"
                + "}}\n";
    }

    private static String numbered(Snippet s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.lines.size(); i++) {
            b.append(String.format("%4d | %s%n", s.fenceLine + 1 + i, s.lines.get(i)));
        }
        return b.toString();
    }

    /** Compiler errors with README line numbers. */
    private static String readmeErrors(Snippet s, List<String> errors) {
        return errors.stream().map(e -> {
            String prefix = "/" + s.className() + ".java:";
            int at = e.indexOf(prefix);
            if (at < 0) {
                return e;
            }
            String rest = e.substring(at + prefix.length());
            int colon = rest.indexOf(':');
            long line = Long.parseLong(rest.substring(0, colon));
            return "README.md:" + (s.fenceLine + line) + ":" + rest.substring(colon + 1);
        }).collect(Collectors.joining("\n"));
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheReadmeCompilesAndRuns() throws IOException {
        List<Snippet> all = snippets(Files.readAllLines(projectDir().resolve("README.md"), StandardCharsets.UTF_8));
        assertTrue(all.size() >= 3, "expected the README's java blocks (quick start, ring, network), found "
                + all.size());
        return all.stream().map(s -> DynamicTest.dynamicTest(
                "README line " + s.fenceLine + (s.compileOnly() ? " (compile only)" : ""), () -> check(s)));
    }

    private void check(Snippet s) throws Exception {
        Path classes = dir.resolve(s.className()).resolve("classes");
        List<String[]> sources = new ArrayList<>();
        sources.add(new String[] {s.className(), s.source()});
        if (!s.compileOnly()) {
            sources.add(new String[] {"RunSnippet", launcher(s.className())});
        }
        List<String> errors = compile(classes, sources);
        if (!errors.isEmpty()) {
            fail("the README's java block at line " + s.fenceLine + " does not compile against the current API:\n"
                    + readmeErrors(s, errors) + "\n" + numbered(s));
        }
        if (s.compileOnly()) {
            return;
        }
        TestSupport.requireAvailable();
        Path work = Files.createDirectories(dir.resolve(s.className()).resolve("work"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", classes + File.pathSeparator + examplesClasspath() + File.pathSeparator + TestSupport.classesDir(),
                "RunSnippet"));
        TestSupport.ChildResult r = TestSupport.run(cmd, work);
        assertEquals(0, r.exitCode, "the README's java block at line " + s.fenceLine + " failed (exit " + r.exitCode
                + ") in " + work + ":\n" + r.output + "\n" + numbered(s));
    }

    // ---------------------------------------------------------------- the harness can fail

    @Test
    void aBlockWrittenAgainstTheOldApiFailsToCompileNamingItsReadmeLine() throws IOException {
        List<String> readme = List.of(
                "# t",
                "```java",
                "import dev.uring4j.*;",
                "import java.nio.ByteBuffer;",
                "",
                "try (Ring ring = Ring.open(RingOptions.defaults())) {",
                "    ring.read(0, ByteBuffer.allocateDirect(8), 0, SqeFlags.IO_HARDLINK, 2);",
                "}",
                "```");
        List<Snippet> found = snippets(readme);
        assertEquals(1, found.size());
        Snippet s = found.get(0);
        assertEquals(2, s.fenceLine);
        assertFalse(s.compileOnly());
        List<String> errors = compile(dir.resolve("old"), List.<String[]>of(new String[] {s.className(), s.source()}));
        assertFalse(errors.isEmpty(), "the old positional API compiled");
        String mapped = readmeErrors(s, errors);
        assertTrue(mapped.contains("README.md:7:"), "errors not mapped to the README line of the call:\n" + mapped);
    }

    @Test
    void aBlockMayReturnAndKeepsItsLines() throws IOException {
        List<Snippet> found = snippets(List.of("```java", "import java.util.List;", "",
                "if (List.of().isEmpty()) {", "    return;", "}", "System.exit(1);", "```",
                "```java", "// compile-only", "int x = 1;", "```"));
        assertEquals(2, found.size());
        Snippet first = found.get(0);
        assertEquals(first.lines.size() + 1, first.source().split("\n", -1).length - 1,
                "one extra line only (the closing braces)");
        assertTrue(compile(dir.resolve("ret"), List.<String[]>of(new String[] {first.className(), first.source()}))
                .isEmpty());
        assertTrue(found.get(1).compileOnly());
        assertEquals(List.of(), compile(dir.resolve("co"),
                List.<String[]>of(new String[] {found.get(1).className(), found.get(1).source()})));
    }
}
