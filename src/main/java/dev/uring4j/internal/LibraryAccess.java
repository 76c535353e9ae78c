package dev.uring4j.internal;

/**
 * Hands the capabilities that can crash the JVM (the natives, raw memory access) to
 * uring4j's own classes only. On the class path every public class is reachable, so
 * {@link Native#access()} and {@link Memory#raw()} check their caller: a class of the
 * library's own packages (under whatever name shading gave them), loaded by the same
 * class loader. Library classes ask once, in a static initializer, and keep the answer.
 */
public final class LibraryAccess {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** "dev.uring4j." as compiled; the relocated prefix in a shaded copy. */
    private static final String PREFIX = libraryPrefix();

    private LibraryAccess() {}

    private static String libraryPrefix() {
        String pkg = LibraryAccess.class.getPackageName(); // <library>.internal
        int dot = pkg.lastIndexOf('.');
        return pkg.substring(0, dot + 1);
    }

    /** The class that called the method that called this one, if it belongs to the library; else throws. */
    public static void checkCaller(String what) {
        Class<?> caller = WALKER.walk(frames -> frames.skip(2).findFirst().map(StackWalker.StackFrame::getDeclaringClass)
                .orElse(null));
        if (caller == null || caller.getClassLoader() != LibraryAccess.class.getClassLoader()
                || !caller.getName().startsWith(PREFIX)) {
            throw new IllegalCallerException(what + " is internal to uring4j and not an API: it takes raw addresses and "
                    + "handles, and a wrong one crashes the JVM (called from "
                    + (caller == null ? "unknown" : caller.getName()) + "). Use dev.uring4j.Ring or dev.uring4j.async.AsyncFile");
        }
    }
}
