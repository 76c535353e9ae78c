package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.TestSupport;
import dev.uring4j.TestSupport.ChildResult;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Child JVMs of the provider's tests: small heaps, the native library of this build, the flag when asked. */
final class ChildJvm {
    private ChildJvm() {}

    static final String PROVIDER_FLAG = "-Djava.nio.file.spi.DefaultFileSystemProvider="
            + UringFileSystemProvider.class.getName();

    /** This build's test classes and main classes (what the kernel-tagged tests may use anywhere). */
    static String ownClassPath() {
        return TestSupport.testClassesDir() + File.pathSeparator + TestSupport.classesDir();
    }

    /**
     * The test class path with the test-scope dependencies (Lucene, Vert.x): what Surefire gives
     * this JVM. Only Maven's test run has them, so the tests using it are not tagged "kernel".
     */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        if (cp == null || !cp.contains(TestSupport.testClassesDir().toString())) {
            fail("the test class path is not known in this JVM (surefire.test.class.path, java.class.path): " + cp);
        }
        return cp;
    }

    /** JVM options: -Xmx256m, the native library path of this build, and the provider flag if {@code installed}. */
    static List<String> options(boolean installed, String... more) {
        List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String library = System.getProperty("uring4j.library.path");
        if (library != null) {
            options.add("-During4j.library.path=" + library);
        }
        if (installed) {
            options.add(PROVIDER_FLAG);
        }
        options.addAll(List.of(more));
        return options;
    }

    /** Runs {@code main} and returns its output; fails unless it exits 0. */
    static String run(List<String> options, String classPath, Class<?> main, String... args) throws Exception {
        ChildResult r = TestSupport.runJava(options, classPath, main.getName(), args);
        assertEquals(0, r.exitCode, () -> main.getSimpleName() + " " + options + " failed:\n" + r.output);
        return r.output;
    }

    /** The value of the output line {@code name=value}; fails if there is none. */
    static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(.*)$").matcher(output);
        if (!m.find()) {
            fail("no " + name + "= line in:\n" + output);
        }
        return m.group(1).strip();
    }

    /** The output lines that start with {@code prefix}. */
    static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }
}
