package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.ChildResult;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.ring.NativeReject;
import dev.uring4j.internal.NativeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layouts shared with C are checked when the library loads: the real library's table
 * equals the Java constants, and a library reporting anything else is refused, naming the
 * field and both values.
 */
class NativeLayoutTest {
    @TempDir
    Path dir;

    @Test
    void theRealLibrarysLayoutEqualsJavas() {
        TestSupport.requireAvailable();
        Map<String, Long> lib = NativeLoader.nativeLayout();
        Map<String, Long> java = NativeLoader.expectedLayout();
        assertEquals(List.of(), NativeLoader.compareLayout(java, lib));
        assertEquals(java, lib);
        // The table holds what the task says it must, so no group is silently skipped.
        for (String name : List.of("ABI_VERSION", "INFO_RING_FD", "INFO_SIZE", "HDR_SIZE", "HDR_DETAIL", "STAT_BYTES",
                "SQE_SIZE", "CQE_SIZE", "REJECT_FILE_INDEX_KERNEL", "REJECTS_COUNT", "REJECTS_HIGHEST")) {
            assertTrue(lib.containsKey(name), name + " missing from " + lib);
        }
        assertEquals(64L, lib.get("SQE_SIZE"));
        assertEquals(16L, lib.get("CQE_SIZE"));
        assertEquals((long) Native.ABI_VERSION, lib.get("ABI_VERSION"));
    }

    @Test
    void theJavaTableHoldsEveryMirroredConstant() {
        Map<String, Long> java = NativeLoader.expectedLayout();
        assertEquals(12, java.keySet().stream().filter(n -> n.startsWith("INFO_")).count(), java.toString());
        assertEquals(7, java.keySet().stream().filter(n -> n.startsWith("HDR_")).count(), java.toString());
        assertEquals(4, java.keySet().stream().filter(n -> n.startsWith("STAT_")).count(), java.toString());
        assertEquals(13L, java.get("REJECTS_COUNT"));
        assertEquals(14L, java.get("REJECTS_HIGHEST"));
        assertEquals((long) Native.INFO_RING_FD, java.get("INFO_RING_FD"));
    }

    @Test
    void everyRejectCodeOfTheLibraryHasAMessageAndNoOtherCodeHasOne() {
        TestSupport.requireAvailable();
        Map<String, Long> lib = NativeLoader.nativeLayout();
        Set<Integer> cCodes = lib.entrySet().stream().filter(e -> e.getKey().startsWith("REJECT_"))
                .map(e -> e.getValue().intValue()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(lib.get("REJECTS_COUNT").intValue(), cCodes.size());
        assertEquals(lib.get("REJECTS_HIGHEST").intValue(), ((TreeSet<Integer>) cCodes).last());
        Set<Integer> described = new TreeSet<>();
        for (int code = -5; code <= lib.get("REJECTS_HIGHEST") + 10; code++) {
            if (NativeReject.message(code) != null) {
                described.add(code);
            }
        }
        assertEquals(cCodes, described, "codes with a message in NativeReject vs codes in the library");
        assertFalse(described.contains(0), "0 is U4J_OK, not a rejection");
        assertEquals("reason 9", NativeReject.describe(9, 0));
        assertEquals("the file descriptor is negative", NativeReject.describe(Native.REJECT_FD, 0));
    }

    @Test
    void comparingNamesEveryDifference() {
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("INFO_RING_FD", 16L);
        java.put("HDR_SIZE", 32L);
        java.put("STAT_MODE", 12L);
        Map<String, Long> lib = new LinkedHashMap<>();
        lib.put("INFO_RING_FD", 20L);
        lib.put("HDR_SIZE", 32L);
        lib.put("REJECT_NEW", 14L);
        assertEquals(List.of("INFO_RING_FD is 16 in Java, 20 in the native library",
                "STAT_MODE is 12 in Java, absent from the native library",
                "REJECT_NEW is absent from the Java classes, 14 in the native library"),
                NativeLoader.compareLayout(java, lib));
        assertEquals(List.of(), NativeLoader.compareLayout(java, new LinkedHashMap<>(java)));
    }

    /** A library whose layout table reports INFO_RING_FD at 20 is refused, naming it. */
    @Test
    void aLibraryWithAnotherLayoutIsRefusedNamingTheField() throws Exception {
        Map<String, Long> table = new LinkedHashMap<>(NativeLoader.expectedLayout());
        table.put("INFO_RING_FD", (long) Native.INFO_RING_FD + 4);
        ChildResult r = probeFake(table, true);
        assertTrue(r.output.contains("available=false"), r.output);
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_INCOMPATIBLE"), r.output);
        assertTrue(r.output.contains("layout mismatch: INFO_RING_FD is " + Native.INFO_RING_FD + " in Java, "
                + (Native.INFO_RING_FD + 4) + " in the native library: the jar's classes and liburing4j.so come from "
                + "different builds"), r.output);
        assertTrue(r.output.contains("ensureAvailable=NATIVE_LIBRARY_INCOMPATIBLE"), r.output);
    }

    /** A reject code the Java side has no message for (a newer validator) is refused too. */
    @Test
    void aLibraryWithAnUnknownRejectCodeIsRefused() throws Exception {
        Map<String, Long> table = new LinkedHashMap<>(NativeLoader.expectedLayout());
        long next = table.get("REJECTS_HIGHEST") + 1;
        table.put("REJECT_SOMETHING_NEW", next);
        table.put("REJECTS_COUNT", table.get("REJECTS_COUNT") + 1);
        table.put("REJECTS_HIGHEST", next);
        table.remove("STAT_MODE");
        ChildResult r = probeFake(table, true);
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_INCOMPATIBLE"), r.output);
        assertTrue(r.output.contains("REJECT_SOMETHING_NEW is absent from the Java classes, " + next + " in the native library"),
                r.output);
        assertTrue(r.output.contains("REJECTS_HIGHEST is " + (next - 1) + " in Java, " + next + " in the native library"),
                r.output);
        assertTrue(r.output.contains("STAT_MODE is " + Native.STAT_MODE + " in Java, absent from the native library"),
                r.output);
    }

    /** A library of the right ABI number but without the layout native (an older build) is refused. */
    @Test
    void aLibraryWithoutALayoutTableIsRefused() throws Exception {
        ChildResult r = probeFake(null, false);
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_INCOMPATIBLE"), r.output);
        assertTrue(r.output.contains("the native library has no layout table"), r.output);
    }

    /** A fake liburing4j.so: the right ABI number and, optionally, a layout native answering {@code table}. */
    private ChildResult probeFake(Map<String, Long> table, boolean withLayout) throws Exception {
        StringBuilder text = new StringBuilder();
        if (table != null) {
            table.forEach((k, v) -> text.append(k).append('=').append(v).append("\\n"));
        }
        Path src = dir.resolve("fake.c");
        Files.writeString(src, String.join("\n",
                "#include <jni.h>",
                "#include <string.h>",
                "#include <stdint.h>",
                "static const char table[] = \"" + text + "\";",
                "static jint abi(JNIEnv *e, jclass c) { return " + Native.ABI_VERSION + "; }",
                "static jint layout(JNIEnv *e, jclass c, jlong out, jint cap) {",
                "  jint n = (jint)(sizeof(table) - 1);",
                "  if (cap >= n) memcpy((void *)(uintptr_t)out, table, n);",
                "  return n; }",
                "JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *r) {",
                "  JNIEnv *env; (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8);",
                "  jclass cls = (*env)->FindClass(env, \"dev/uring4j/internal/Native\");",
                "  JNINativeMethod m[] = {{\"nAbiVersion\", \"()I\", (void *)abi}, {\"nLayout\", \"(JI)I\", (void *)layout}};",
                "  (*env)->RegisterNatives(env, cls, m, " + (withLayout ? 2 : 1) + ");",
                "  return JNI_VERSION_1_8; }", ""));
        String inc = Path.of(System.getProperty("java.home"), "include").toString();
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-I", inc, "-I", inc + "/linux", "-o",
                dir.resolve("liburing4j.so").toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), ccOut);
        return TestSupport.runJava(List.of("-During4j.library.path=" + dir), TestSupport.childClasspath(),
                ProbeMain.class.getName());
    }
}
