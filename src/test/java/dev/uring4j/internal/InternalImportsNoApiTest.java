package dev.uring4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering rule: {@code dev.uring4j.internal} (not its subpackages) uses no type of
 * another uring4j package, the API ones ({@code dev.uring4j}, {@code .async}, {@code .diag},
 * ...) above all. Checked twice: in the compiled classes' constant pools (what they really
 * link against, nested classes included) and in the sources' imports and qualified names
 * (which also catch inlined constants such as {@code Errno.EINVAL}, absent from a constant
 * pool). Pure: reads files only.
 */
class InternalImportsNoApiTest {
    /** A uring4j class name in internal (slash) form, e.g. {@code dev/uring4j/async/EventLoop}. */
    private static final Pattern CLASS_REF = Pattern.compile("dev/uring4j/(?:[a-z0-9_]+/)*[A-Z][\\w$]*");
    /** A uring4j name in source (dot) form: a package, a class, or a member. */
    private static final Pattern SOURCE_REF = Pattern.compile("\\bdev\\s*\\.\\s*uring4j(?:\\s*\\.\\s*[\\w$*]+)*");

    private static boolean allowed(String slashName) {
        return slashName.startsWith("dev/uring4j/internal/");
    }

    @Test
    void compiledInternalClassesReferenceNoOtherUring4jPackage() throws Exception {
        Path dir = classesDir();
        List<String> violations = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator) {
                scanned++;
                for (String ref : referencedClassNames(Files.readAllBytes(f))) {
                    if (!allowed(ref)) {
                        violations.add(f.getFileName() + " -> " + ref.replace('/', '.'));
                    }
                }
            }
        }
        assertTrue(scanned >= 10 && Files.exists(dir.resolve("NativeLoader.class")), "scanned only " + scanned + " in " + dir);
        assertEquals(List.of(), violations, "dev.uring4j.internal must not use API (or other non-internal) types");
    }

    @Test
    void internalSourcesImportAndNameNoOtherUring4jPackage() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "src", "main", "java", "dev", "uring4j", "internal");
        List<String> violations = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
                scanned++;
                for (String ref : sourceReferences(Files.readString(f))) {
                    violations.add(f.getFileName() + ": " + ref);
                }
            }
        }
        assertTrue(scanned >= 10 && Files.exists(dir.resolve("NativeLoader.java")), "scanned only " + scanned + " in " + dir);
        assertEquals(List.of(), violations, "dev.uring4j.internal must not import or name API (or other non-internal) types");
    }

    @Test
    void theCheckersSeeWhatTheyLookFor() throws Exception {
        // The API's Uring links against the loader's result and the API exception: the pool shows both.
        Path uring = classesDir().getParent().resolve("Uring.class");
        Set<String> refs = referencedClassNames(Files.readAllBytes(uring));
        assertTrue(refs.contains("dev/uring4j/UringUnavailableException"), refs.toString());
        assertTrue(refs.contains("dev/uring4j/internal/NativeLoader$Failure"), refs.toString());
        // Imports, static imports and qualified names count; package lines, comments and strings do not.
        assertEquals(List.of("dev.uring4j.Errno", "dev.uring4j.Errno.EINVAL", "dev.uring4j.async.EventLoop"),
                sourceReferences("package dev.uring4j.internal;\nimport dev.uring4j.Errno;\n"
                        + "import static dev.uring4j.Errno.EINVAL;\nimport dev.uring4j.internal.ring.Checks;\n"
                        + "// dev.uring4j.Ring in a comment\n/* dev.uring4j.Uring */ class X {\n"
                        + "  String s = \"use dev.uring4j.Ring\"; char c = '\"';\n"
                        + "  dev.uring4j.async.EventLoop loop; }\n"));
    }

    private static Path classesDir() throws URISyntaxException {
        return Path.of(NativeLoader.class.getResource("NativeLoader.class").toURI()).getParent();
    }

    /**
     * Every class name in a class file's constant pool: CONSTANT_Class entries and the class
     * names inside descriptors and signatures. String literals are left out (a message may
     * name an API class).
     */
    static Set<String> referencedClassNames(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        Set<Integer> literals = new HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> literals.add(in.readUnsignedShort()); // String -> its Utf8
                case 7, 16, 19, 20 -> in.readUnsignedShort(); // Class, MethodType, Module, Package
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int i = 1; i < count; i++) {
            if (utf8[i] != null && !literals.contains(i)) {
                Matcher m = CLASS_REF.matcher(utf8[i]);
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** uring4j names outside {@code dev.uring4j.internal} in imports and code, comments and literals skipped. */
    static List<String> sourceReferences(String source) {
        String code = stripCommentsAndLiterals(source).replaceAll("(?m)^\\s*package\\s+[\\w.]+\\s*;", "");
        List<String> out = new ArrayList<>();
        Matcher m = SOURCE_REF.matcher(code);
        while (m.find()) {
            String name = m.group().replaceAll("\\s+", "");
            if (!(name + ".").startsWith("dev.uring4j.internal.")) {
                out.add(name);
            }
        }
        return out;
    }

    private static String stripCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
