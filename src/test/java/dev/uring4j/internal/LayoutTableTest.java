package dev.uring4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the library's layout table (NAME=VALUE lines). */
class LayoutTableTest {
    @Test
    void linesBecomeNamedValues() {
        Map<String, Long> m = NativeLoader.parseLayout("ABI_VERSION=10\nINFO_LAST_OP=20\nNEG=-1\n\n");
        assertEquals(Map.of("ABI_VERSION", 10L, "INFO_LAST_OP", 20L, "NEG", -1L), m);
    }

    @Test
    void malformedOrRepeatedLinesAreErrors() {
        assertThrows(IllegalStateException.class, () -> NativeLoader.parseLayout("ABI_VERSION\n"));
        assertThrows(IllegalStateException.class, () -> NativeLoader.parseLayout("=3\n"));
        assertThrows(IllegalStateException.class, () -> NativeLoader.parseLayout("A=x\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NativeLoader.parseLayout("A=1\nA=1\n"));
        assertTrue(e.getMessage().contains("A given twice"), e.getMessage());
    }

    @Test
    void onlyTheMirroredConstantsAreInTheJavaTable() {
        for (String name : NativeLoader.expectedLayout().keySet()) {
            assertTrue(name.startsWith("REJECTS_") || Native.LAYOUT_PREFIXES.stream().anyMatch(name::startsWith), name);
        }
    }
}
