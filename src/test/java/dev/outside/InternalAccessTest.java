package dev.outside;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import org.junit.jupiter.api.Test;

/**
 * Code that is not uring4j's, on the class path where dev.uring4j.internal is reachable:
 * it cannot get the natives or raw memory access (Native.ringDestroy(0x1000) crashed the
 * JVM when the natives were public static methods).
 */
class InternalAccessTest {
    @Test
    void nativesAreNotHandedToOtherCode() {
        IllegalCallerException e = assertThrows(IllegalCallerException.class, () -> Native.access());
        assertTrue(e.getMessage().contains("dev.outside.InternalAccessTest"), e.getMessage());
        assertTrue(e.getMessage().contains("not an API"), e.getMessage());
    }

    @Test
    void rawMemoryAccessIsNotHandedToOtherCode() {
        assertThrows(IllegalCallerException.class, () -> Memory.raw());
    }

    @Test
    void theNativesThemselvesAreNotPublic() {
        for (java.lang.reflect.Method m : Native.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isNative(m.getModifiers())) {
                assertTrue(java.lang.reflect.Modifier.isPrivate(m.getModifiers()), m + " is native and not private");
            }
        }
        for (java.lang.reflect.Method m : Native.class.getMethods()) {
            if (m.getDeclaringClass() == Native.class && java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                assertTrue(m.getName().equals("access"), "public static " + m + " is callable without access()");
            }
        }
    }
}
