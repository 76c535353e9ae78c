package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's search, its record of attempts, and the unavailability causes it reports. */
class AvailabilityTest {
    @TempDir
    Path dir;

    private static String classpath() {
        return TestSupport.childClasspath();
    }

    private static ChildResult probe(String... jvmArgs) throws Exception {
        return TestSupport.runJava(List.of(jvmArgs), classpath(), ProbeMain.class.getName());
    }

    @Test
    void availableInThisProcess() throws Exception {
        TestSupport.requireAvailable();
        assertTrue(Uring.isAvailable());
        assertNull(Uring.unavailabilityCause());
        Uring.ensureAvailable();
        assertEquals("2.9", Uring.liburingVersion().substring(0, 3), "bundled liburing " + Uring.liburingVersion());
        assertEquals(System.getProperty("os.version"), Uring.kernelRelease());
    }

    @Test
    void noNativePropertyForcesTheFallback() throws Exception {
        ChildResult r = probe("-During4j.noNative=true");
        assertTrue(r.output.contains("available=false"), r.output);
        assertTrue(r.output.contains("reason=DISABLED_BY_PROPERTY"), r.output);
        assertTrue(r.output.contains("ensureAvailable=DISABLED_BY_PROPERTY"), r.output);
        assertEquals(0, r.exitCode, r.output);
    }

    @Test
    void everyFailedAttemptIsListed() throws Exception {
        ChildResult r = probe("-During4j.library.path=" + dir.resolve("nowhere"));
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_MISSING"), r.output);
        assertTrue(r.output.contains(dir.resolve("nowhere").resolve("liburing4j.so") + " does not exist"), r.output);
        assertTrue(r.output.contains("resource /META-INF/native/linux-x86_64/liburing4j.so not on the class path"), r.output);
        assertTrue(r.output.contains("dev.uring4j:uring4j:<version>:linux-x86_64"), r.output);
    }

    @Test
    void aFileThatIsNotASharedObjectIsReportedWithTheLoadersError() throws Exception {
        Files.writeString(dir.resolve("liburing4j.so"), "not an ELF file");
        ChildResult r = probe("-During4j.library.path=" + dir);
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_MISSING"), r.output);
        assertTrue(r.output.contains("invalid ELF header") || r.output.contains("too short"), r.output);
    }

    @Test
    void aLibraryFromAnotherVersionIsRefusedByAbiCheck() throws Exception {
        Path src = dir.resolve("fake.c");
        Files.writeString(src, String.join("\n",
                "#include <jni.h>",
                "static jint abi(JNIEnv *e, jclass c) { return 999; }",
                "JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *r) {",
                "  JNIEnv *env; (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8);",
                "  jclass cls = (*env)->FindClass(env, \"dev/uring4j/internal/Native\");",
                "  JNINativeMethod m = {\"nAbiVersion\", \"()I\", (void *)abi};",
                "  (*env)->RegisterNatives(env, cls, &m, 1);",
                "  return JNI_VERSION_1_8; }", ""));
        String inc = Path.of(System.getProperty("java.home"), "include").toString();
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-I", inc, "-I", inc + "/linux", "-o",
                dir.resolve("liburing4j.so").toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), ccOut);
        ChildResult r = probe("-During4j.library.path=" + dir);
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_INCOMPATIBLE"), r.output);
        assertTrue(r.output.contains("native ABI 999"), r.output);
    }

    @Test
    void libraryPathIsUsedWhenSet() throws Exception {
        TestSupport.requireAvailable();
        ChildResult r = probe("-During4j.library.path=" + System.getProperty("uring4j.library.path"));
        assertTrue(r.output.contains("available=true"), r.output);
        assertTrue(r.output.contains("ensureAvailable=ok"), r.output);
        assertTrue(r.output.contains("loadedFrom=" + System.getProperty("uring4j.library.path")), r.output);
    }
}
