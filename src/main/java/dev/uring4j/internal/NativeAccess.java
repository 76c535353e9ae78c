package dev.uring4j.internal;

import java.lang.reflect.Method;

/**
 * The JDK's native-access rules (JEP 472, JDK 22+): whether this module may call
 * System.load without a warning, and the exact flag or manifest line that allows it.
 * Compiled for 17, so the JDK 22+ method is looked up, never linked.
 */
public final class NativeAccess {
    private static final Method IS_NATIVE_ACCESS_ENABLED = lookup();

    private NativeAccess() {}

    private static Method lookup() {
        try {
            return Module.class.getMethod("isNativeAccessEnabled");
        } catch (NoSuchMethodException | RuntimeException e) {
            return null; // JDK 17-21: System.load is not a restricted method
        }
    }

    /** True, false, or null where the JDK has no such rule (before 22). */
    public static Boolean enabled(Module m) {
        if (IS_NATIVE_ACCESS_ENABLED == null) {
            return null;
        }
        try {
            return (Boolean) IS_NATIVE_ACCESS_ENABLED.invoke(m);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** "module dev.uring4j" or "the class path (unnamed module)". */
    public static String describe(Module m) {
        return m.isNamed() ? "module " + m.getName() : "the class path (unnamed module)";
    }

    /** The flag (or manifest line) that grants native access to the module holding uring4j. */
    public static String howToEnable(Module m) {
        if (m.isNamed()) {
            return "add --enable-native-access=" + m.getName() + " to the java command line";
        }
        return "add --enable-native-access=ALL-UNNAMED to the java command line (for an application started with "
                + "java -jar: the line 'Enable-Native-Access: ALL-UNNAMED' in that jar's manifest)";
    }
}
