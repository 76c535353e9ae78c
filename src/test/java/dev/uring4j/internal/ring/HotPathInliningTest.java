package dev.uring4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The per-operation methods of the staging path must stay small enough for HotSpot to
 * inline them into every operation (FreqInlineSize: 325 bytecodes). At 366 bytes NOP
 * batches lost 5% in the benchmark; this catches the next such growth when it is written,
 * not measured.
 */
class HotPathInliningTest {
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void theStagingPathStaysUnderTheInliningLimit() throws Exception {
        assertUnderLimit(Stager.class, "public long stageSlot\\(int, int, int, int, long, long, int, int, long\\)");
        assertUnderLimit(Stager.class, "public long stage\\(int, int, int, long, long, int, int, java.lang.Object, long, long\\)");
        assertUnderLimit(Submissions.class, "public void append\\(long, long, long, long, long, long\\)");
        assertUnderLimit(Completions.class, "private boolean deliver\\(dev.uring4j.CompletionHandler, long, int, int\\)");
    }

    private static void assertUnderLimit(Class<?> type, String signature) throws Exception {
        Optional<ToolProvider> javap = ToolProvider.findFirst("javap");
        assumeTrue(javap.isPresent(), "this JDK has no javap tool (jdk.jdeps module)");
        Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        int rc = javap.get().run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-c", "-p", "-cp",
                classes.toString(), type.getName());
        assertTrue(rc == 0, "javap failed: " + rc);
        Matcher m = Pattern.compile(signature + "[^\\n]*\\n\\s+Code:\\n((?:\\s+\\d+: [^\\n]*\\n)+)")
                .matcher(out.toString());
        assertTrue(m.find(), signature + " not found in javap output of " + type.getName());
        String[] lines = m.group(1).trim().split("\\n");
        int last = Integer.parseInt(lines[lines.length - 1].trim().split(":")[0]);
        assertTrue(last < FREQ_INLINE_SIZE, type.getSimpleName() + "." + signature + " is " + (last + 1)
                + " bytecodes; HotSpot inlines hot methods only up to " + FREQ_INLINE_SIZE
                + ": move rare-path work into a helper (see Stager.noteTables)");
        System.out.println(type.getSimpleName() + " " + signature.replace("\\", "") + ": " + (last + 1) + " bytecodes");
    }
}
