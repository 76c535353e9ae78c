package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.outside.LoaderMain;
import dev.uring4j.TestSupport.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader against the packaged jars, as users deploy them: native access denied or not
 * enabled (JDK 24+ rules, on Temurin 25), both jars on the module path or the class path,
 * a forced backend that cannot work.
 */
class LoaderIT {
    private static final Path CLASSIFIER_JAR = Path.of(System.getProperty("uring4j.test.classifierJar"));
    private static final Path PLAIN_JAR = Path.of(System.getProperty("uring4j.test.plainJar"));
    private static final Path JAVA25 = TestSupport.JAVA25;

    private static String testClasses() throws Exception {
        return Path.of(LoaderIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static ChildResult run(Path java, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(args);
        return TestSupport.run(cmd);
    }

    /** As class loaders spell a file: file:/a/b, not file:///a/b. */
    private static String url(Path p) throws Exception {
        return p.toUri().toURL().toString();
    }

    private static Path java17() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static void assumeJava25() {
        assumeTrue(Files.isExecutable(JAVA25), "JDK 25 (JEP 472 native-access rules) at " + JAVA25);
    }

    @Test
    void deniedNativeAccessOnTheClassPathFallsBackToNioAndNamesTheFlag() throws Exception {
        assumeJava25();
        ChildResult r = run(JAVA25, List.of("--illegal-native-access=deny",
                "-cp", CLASSIFIER_JAR + File.pathSeparator + testClasses(), LoaderMain.class.getName()));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("available=false"), r.output);
        assertTrue(r.output.contains("reason=NATIVE_ACCESS_DENIED"), r.output);
        assertTrue(r.output.contains("--enable-native-access=ALL-UNNAMED"), r.output);
        assertTrue(r.output.contains("Enable-Native-Access: ALL-UNNAMED"), r.output);
        assertTrue(r.output.contains("read=5 backend=NIO"), "the NIO fallback stays reachable: " + r.output);
        assertTrue(r.output.contains("WARNING: AsyncFile backend: NIO"), "a fixable fallback is a warning: " + r.output);
        assertFalse(r.output.contains("ExceptionInInitializerError") || r.output.contains("NoClassDefFoundError"), r.output);
    }

    @Test
    void deniedNativeAccessOnTheModulePathNamesTheModule() throws Exception {
        assumeJava25();
        ChildResult r = run(JAVA25, List.of("--illegal-native-access=deny", "-p", CLASSIFIER_JAR.toString(),
                "--add-modules", "dev.uring4j", "-cp", testClasses(), LoaderMain.class.getName()));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("reason=NATIVE_ACCESS_DENIED"), r.output);
        assertTrue(r.output.contains("--enable-native-access=dev.uring4j"), r.output);
        assertTrue(r.output.contains("read=5 backend=NIO"), r.output);
    }

    @Test
    void enabledNativeAccessLoadsWithoutTheJdksWarning() throws Exception {
        assumeJava25();
        ChildResult r = run(JAVA25, List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", CLASSIFIER_JAR + File.pathSeparator + testClasses(), LoaderMain.class.getName()));
        assertTrue(r.output.contains("available=true"), r.output);
        assertTrue(r.output.contains("read=5 backend=IOURING"), r.output);
        assertFalse(r.output.contains("restricted method"), r.output);
    }

    @Test
    void locationNamesTheClassifierJar() throws Exception {
        ChildResult r = run(java17(), List.of("-cp", CLASSIFIER_JAR + File.pathSeparator + testClasses(),
                LoaderMain.class.getName()));
        assertTrue(r.output.contains("available=true"), r.output);
        assertTrue(r.output.contains("location=jar:" + url(CLASSIFIER_JAR) + "!/META-INF/native/linux-x86_64/liburing4j.so"),
                r.output);
    }

    @Test
    void plainJarShadowingTheClassifierJarOnTheModulePathIsNamedAndTheLibraryStillLoads() throws Exception {
        ChildResult r = run(java17(), List.of("--enable-native-access=dev.uring4j",
                "-p", PLAIN_JAR + File.pathSeparator + CLASSIFIER_JAR, "--add-modules", "dev.uring4j",
                "-cp", testClasses(), LoaderMain.class.getName()));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("was resolved from " + PLAIN_JAR), r.output);
        assertTrue(r.output.contains("ignored " + CLASSIFIER_JAR), r.output);
        assertTrue(r.output.contains("WARNING"), r.output);
        assertTrue(r.output.contains("available=true"), r.output);
        assertTrue(r.output.contains("location=jar:" + url(CLASSIFIER_JAR)), r.output);
        assertTrue(r.output.contains("read=5 backend=IOURING"), r.output);
    }

    @Test
    void bothJarsOnTheClassPathAreNamed() throws Exception {
        ChildResult r = run(java17(), List.of("-cp", PLAIN_JAR + File.pathSeparator + CLASSIFIER_JAR + File.pathSeparator
                + testClasses(), LoaderMain.class.getName()));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("on the class path 2 times"), r.output);
        assertTrue(r.output.contains(url(PLAIN_JAR)) && r.output.contains(url(CLASSIFIER_JAR)),
                r.output);
    }

    @Test
    void aForcedBackendThatCannotWorkSaysNoFallbackIsUsed() throws Exception {
        ChildResult r = run(java17(), List.of("-During4j.noNative=true", "-During4j.backend=iouring",
                "-cp", CLASSIFIER_JAR + File.pathSeparator + testClasses(), LoaderMain.class.getName()));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("openFailed=-During4j.backend=iouring forces io_uring, so no NIO fallback is used"),
                r.output);
        assertFalse(r.output.contains("fallback is used;") || r.output.contains("the NIO fallback is used"), r.output);
        assertTrue(r.output.contains("WARNING: AsyncFile backend: IOURING"), r.output);
    }
}
