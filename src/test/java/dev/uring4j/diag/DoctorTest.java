package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DoctorTest {
    private static String run(List<String> args, int expectedExit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Doctor.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, out);
        return out;
    }

    @Test
    @Tag("kernel")
    void textReportOnThisHost() {
        String out = run(List.of(), 0);
        for (String line : new String[] {"kernel       " + System.getProperty("os.version"), "io_uring     AVAILABLE",
                "liburing 2.9", "opcodes ", "setup flags", "memlock      RLIMIT_MEMLOCK soft",
                "iowq-max-workers-sqpoll-deadlock", "liburing-sqpoll-sqe128-exit-leak", "verdict      io_uring is usable"}) {
            assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
        }
    }

    @Test
    @Tag("kernel")
    void jsonReportIsWellFormedEnoughForMachines() {
        String out = run(List.of("--json"), 0);
        assertTrue(out.startsWith("{") && out.trim().endsWith("}"), out);
        assertTrue(out.contains("\"available\": true"), out);
        assertTrue(out.contains("\"setupFlags\": {"), out);
        UringSupport.FlagSupport noMmap = UringSupport.get().flagSupport().get("NO_MMAP");
        // As the probe found it on this kernel (6.5+ supports it; older ones answer with an errno).
        String expected = noMmap.supported() ? "supported" : noMmap.errno();
        assertTrue(out.contains("\"NO_MMAP\": \"" + expected + "\""), out);
        assertTrue(out.contains("\"knownIssues\": [{"), out);
        assertEquals(out.chars().filter(c -> c == '{').count(), out.chars().filter(c -> c == '}').count());
    }

    @Test
    void jsonEscapesControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"\n", Json.write("a\"b\\c\n\u0001"));
        assertEquals("{\n  \"k\": [1, true, null]\n}\n", Json.write(java.util.Map.of("k", java.util.Arrays.asList(1, true, null))));
    }
}
