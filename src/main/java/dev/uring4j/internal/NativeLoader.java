package dev.uring4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads liburing4j.so once: first from {@code -During4j.library.path=DIR}, then from
 * the classifier jar's {@code META-INF/native/<classifier>/} resource, extracted to a
 * private temporary file that is deleted right after loading. Every attempt and its
 * outcome is kept, so an unavailability cause explains the whole search.
 *
 * <p>A loaded library is then checked, not trusted: its ABI version, and its layout table
 * (every shared offset and size, every validator rejection code) against the constants of
 * {@link Native}. Any difference makes io_uring unavailable with
 * {@code NATIVE_LIBRARY_INCOMPATIBLE}, naming the field and both values.
 *
 * <p>A failure is a {@link Failure} (reason, message, attempts, cause), which
 * {@code dev.uring4j.Uring} turns into the API's {@code UringUnavailableException}: this
 * package imports no API type.
 */
public final class NativeLoader {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.NativeLoader");
    private static final Native NATIVE = Native.access();
    public static final String LIBRARY_FILE = "liburing4j.so";
    public static final String PROP_NO_NATIVE = "uring4j.noNative";
    public static final String PROP_LIBRARY_PATH = "uring4j.library.path";
    public static final String PROP_TMPDIR = "uring4j.tmpdir";

    /** Why loading failed; the names are those of {@code dev.uring4j.UnavailabilityReason}. */
    public enum Reason {
        DISABLED_BY_PROPERTY, UNSUPPORTED_PLATFORM, NATIVE_LIBRARY_MISSING, NATIVE_LIBRARY_INCOMPATIBLE,
        NATIVE_ACCESS_DENIED
    }

    /**
     * Why the library is not loaded.
     *
     * @param message  what is wrong and what to do about it
     * @param attempts each step tried, with its outcome, in order
     * @param cause    the underlying error, or null
     */
    public record Failure(Reason reason, String message, List<String> attempts, Throwable cause) {
        public Failure {
            attempts = List.copyOf(attempts);
        }
    }

    private static Failure failure;
    private static boolean loaded;
    private static String loadedFrom;
    private static boolean attempted;

    /** The class the natives are registered on: dev.uring4j.internal.Native, or its relocated name in a shaded jar. */
    static final String NATIVE_CLASS = Native.class.getName();
    // Joined at run time: a shading plugin rewrites string constants that name relocated classes.
    static final String DEFAULT_NATIVE_CLASS = String.join(".", "dev", "uring4j", "internal", "Native");

    private NativeLoader() {}

    /**
     * System.load under the JDK's native-access policy (JEP 472): a refusal (JDK 24+ with
     * {@code --illegal-native-access=deny}, a module without native access in a layer that
     * requires it, a security manager) becomes a failure naming the flag to add; the
     * library is not loaded and everything falls back to NIO.
     *
     * @return null once loaded, else the refusal
     * @throws LinkageError if the file cannot be loaded (left to the caller's explanation)
     */
    private static Failure loadFile(Path file, String what, List<String> attempts) {
        try {
            System.load(file.toAbsolutePath().toString());
            return null;
        } catch (IllegalCallerException | SecurityException e) {
            String fix = NativeAccess.howToEnable(NativeLoader.class.getModule());
            attempts.add(what + ": the JVM refused native access to " + NativeAccess.describe(NativeLoader.class.getModule())
                    + " (" + e.getMessage() + "): " + fix);
            return new Failure(Reason.NATIVE_ACCESS_DENIED,
                    "the JVM denies native access to uring4j (" + e.getMessage() + "): " + fix, attempts, e);
        }
    }

    /** Where a resource comes from: the jar's URL if the class loader tells it, else the resource name. */
    private static String source(String resource) {
        java.net.URL url = NativeLoader.class.getResource(resource);
        return url != null ? url.toString() : "jar:" + resource;
    }

    /** Loads the library if not done yet; returns null on success, else why not (the same object each time). */
    public static synchronized Failure load() {
        if (!attempted) {
            attempted = true;
            try {
                failure = tryLoad();
            } catch (RuntimeException | LinkageError e) {
                // Whatever the JVM throws here must not escape into class initialisation:
                // io_uring is unavailable with this cause and NIO is used.
                failure = new Failure(Reason.NATIVE_LIBRARY_MISSING,
                        "loading the uring4j native library failed unexpectedly: " + e, List.of("load: " + e), e);
            }
            loaded = failure == null;
        }
        return failure;
    }

    public static synchronized boolean isLoaded() {
        return loaded;
    }

    /** Where the library was loaded from (a file path or jar resource), or null. */
    public static synchronized String loadedFrom() {
        return loadedFrom;
    }

    /** The os-maven-plugin classifier for this JVM, or null if we build none for it. */
    public static String classifier(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return "linux-x86_64";
            case "aarch64":
            case "arm64":
                return "linux-aarch_64";
            default:
                return null;
        }
    }

    /** "musl", "glibc" or "unknown", from the libraries mapped into this process. */
    static String runningLibc(String maps) {
        if (maps == null) {
            return "unknown";
        }
        if (maps.contains("/ld-musl-") || maps.contains("libc.musl-")) {
            return "musl";
        }
        return maps.contains("/libc.so.6") || maps.contains("/libc-2.") ? "glibc" : "unknown";
    }

    private static String readMaps() {
        try {
            return Files.readString(Paths.get("/proc/self/maps"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Failure tryLoad() {
        List<String> attempts = new ArrayList<>();
        if (Boolean.getBoolean(PROP_NO_NATIVE)) {
            attempts.add("-D" + PROP_NO_NATIVE + "=true: native loading skipped");
            return new Failure(Reason.DISABLED_BY_PROPERTY,
                    "io_uring disabled by -D" + PROP_NO_NATIVE + "=true", attempts, null);
        }
        String osName = System.getProperty("os.name", "");
        String osArch = System.getProperty("os.arch", "");
        String classifier = classifier(osName, osArch);
        if (classifier == null) {
            attempts.add("platform " + osName + "/" + osArch + ": no native library is built for it");
            return new Failure(Reason.UNSUPPORTED_PLATFORM,
                    "io_uring needs Linux on x86_64 or aarch64; this JVM runs on " + osName + "/" + osArch,
                    attempts, null);
        }
        String libc = runningLibc(readMaps());
        if (libc.equals("musl")) {
            attempts.add("this JVM runs on musl libc (Alpine): the bundled library is built for glibc");
            return new Failure(Reason.UNSUPPORTED_PLATFORM,
                    "io_uring via uring4j needs a glibc-based system; this JVM runs on musl libc (Alpine). "
                            + "Use a glibc base image (Debian, Ubuntu, UBI) or the NIO fallback", attempts, null);
        }
        Boolean access = NativeAccess.enabled(NativeLoader.class.getModule());
        if (Boolean.FALSE.equals(access)) {
            // JDK 24+ then prints its own warning (or refuses, with --illegal-native-access=deny).
            attempts.add("native access is not enabled for " + NativeAccess.describe(NativeLoader.class.getModule())
                    + " (JDK 22+ rule): the JVM warns about System.load, or refuses it");
        }
        Throwable last = null;
        String dir = System.getProperty(PROP_LIBRARY_PATH);
        if (dir != null && !dir.isEmpty()) {
            Path file = Paths.get(dir, LIBRARY_FILE);
            if (!Files.isRegularFile(file)) {
                attempts.add("-D" + PROP_LIBRARY_PATH + ": " + file + " does not exist");
            } else {
                if (!NATIVE_CLASS.equals(DEFAULT_NATIVE_CLASS)) {
                    // A relocated copy: the natives bind to the class named in the file's name.
                    try (InputStream in = Files.newInputStream(file)) {
                        return loadFromResource(in, "-D" + PROP_LIBRARY_PATH + ": " + file, file.toString(), attempts);
                    } catch (IOException e) {
                        attempts.add("-D" + PROP_LIBRARY_PATH + ": " + file + ": " + e);
                        last = e;
                    }
                } else {
                    try {
                        Failure denied = loadFile(file, "-D" + PROP_LIBRARY_PATH + ": " + file, attempts);
                        if (denied != null) {
                            return denied;
                        }
                        attempts.add("-D" + PROP_LIBRARY_PATH + ": loaded " + file);
                        return checkAbi(file.toString(), attempts);
                    } catch (LinkageError e) {
                        attempts.add("-D" + PROP_LIBRARY_PATH + ": " + file + ": " + e.getMessage());
                        last = e;
                    }
                }
            }
        } else {
            attempts.add("-D" + PROP_LIBRARY_PATH + " not set");
        }
        String resource = "/META-INF/native/" + classifier + "/" + LIBRARY_FILE;
        List<String> copies = JarCopies.classPathCopies();
        if (copies.size() > 1) {
            String what = "uring4j's classes are on the class path " + copies.size() + " times (" + String.join(", ", copies)
                    + "): the class loader takes them from the first; keep one uring4j jar (the " + classifier
                    + " classifier jar holds the classes and the native library)";
            attempts.add(what);
            LOG.log(System.Logger.Level.WARNING, what);
        }
        // From these classes' own jar: beside a shaded copy the class path's first is not ours.
        java.net.URL own = JarCopies.ownResource(resource);
        try (InputStream in = own != null ? JarCopies.open(own) : NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                Path shadowed = JarCopies.shadowedJarWith(resource);
                if (shadowed != null) {
                    return loadFromShadowedJar(shadowed, resource, attempts);
                }
                attempts.add("resource " + resource + " not on " + where() + ": add the dependency with classifier "
                        + classifier + " (dev.uring4j:uring4j:<version>:" + classifier + ")"
                        + (NativeLoader.class.getModule().isNamed() ? " on the module path instead of the plain jar" : ""));
            } else {
                return loadFromResource(in, "resource " + resource, own != null ? own.toString() : source(resource),
                        attempts);
            }
        } catch (IOException e) {
            attempts.add("resource " + resource + ": " + e);
            last = e;
        }
        return new Failure(Reason.NATIVE_LIBRARY_MISSING,
                "the uring4j native library (" + LIBRARY_FILE + " for " + classifier + ") could not be loaded",
                attempts, last);
    }

    /**
     * The module was resolved from a jar without the library (the plain jar, first on the
     * module path) while the classifier jar, which has it, was ignored by the module system:
     * load the library from that jar (the ABI and layout checks still decide) and say so.
     */
    private static Failure loadFromShadowedJar(Path jar, String resource, List<String> attempts) {
        Module m = NativeLoader.class.getModule();
        String what = "module " + m.getName() + " was resolved from " + JarCopies.ownLocation()
                + ", which has no native library, because it comes first on the module path; the module system ignored "
                + jar + " (a uring4j jar with " + resource + "): the library is loaded from that jar. Put only the "
                + "classifier jar on the module path";
        attempts.add(what);
        LOG.log(System.Logger.Level.WARNING, what);
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile());
             InputStream in = j.getInputStream(j.getEntry(resource.substring(1)))) {
            return loadFromResource(in, jar + "!" + resource, "jar:" + jar.toUri().toURL() + "!" + resource, attempts);
        } catch (IOException e) {
            attempts.add(jar + "!" + resource + ": " + e);
            return new Failure(Reason.NATIVE_LIBRARY_MISSING, "the uring4j native library could not be read from "
                    + jar, attempts, e);
        }
    }

    private static String where() {
        Module m = NativeLoader.class.getModule();
        return m.isNamed() ? "module " + m.getName() + " (" + JarCopies.ownLocation() + ")" : "the class path";
    }

    /** Copies the library to a private temporary file, loads it and deletes the file; what: the attempt's label, from: loadedFrom. */
    private static Failure loadFromResource(InputStream in, String what, String from, List<String> attempts) {
        Path dir = Paths.get(System.getProperty(PROP_TMPDIR, System.getProperty("java.io.tmpdir")));
        Path tmp = null;
        try {
            // The name carries the class the natives bind to (JNI_OnLoad reads it back:
            // native/selfname.c), so a relocated (shaded) copy registers on its own class, and
            // each copy loads a file of its own.
            tmp = Files.createTempFile(dir, "liburing4j-" + NATIVE_CLASS + "@", ".so",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Failure denied = loadFile(tmp, what, attempts);
            if (denied != null) {
                return denied;
            }
            attempts.add(what + ": extracted to " + tmp + " and loaded (file deleted)");
            return checkAbi(from, attempts);
        } catch (IOException e) {
            attempts.add(what + ": extracting to " + dir + " failed: " + e
                    + " (choose a writable directory with -D" + PROP_TMPDIR + "=DIR)");
            return new Failure(Reason.NATIVE_LIBRARY_MISSING,
                    "the uring4j native library could not be extracted", attempts, e);
        } catch (LinkageError e) {
            String hint = String.valueOf(e.getMessage()).contains("failed to map segment")
                    ? " (" + dir + " is probably mounted noexec: choose another with -D" + PROP_TMPDIR + "=DIR)"
                    : "";
            attempts.add(what + ": extracted to " + tmp + " but loading failed: " + e.getMessage() + hint);
            Reason r = String.valueOf(e.getMessage()).contains("GLIBC")
                    || String.valueOf(e.getMessage()).contains("wrong ELF class")
                    || String.valueOf(e.getMessage()).contains("cannot open shared object file")
                    ? Reason.UNSUPPORTED_PLATFORM : Reason.NATIVE_LIBRARY_MISSING;
            return new Failure(r, "the uring4j native library could not be loaded" + hint,
                    attempts, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the mapping stays valid after unlink
                }
            }
        }
    }

    private static Failure checkAbi(String from, List<String> attempts) {
        int abi;
        try {
            abi = NATIVE.abiVersion();
        } catch (LinkageError e) {
            attempts.add(from + ": does not bind " + NATIVE_CLASS + ": " + e.getMessage());
            return new Failure(Reason.NATIVE_LIBRARY_INCOMPATIBLE,
                    "the loaded native library is not a uring4j library for these classes", attempts, e);
        }
        if (abi != Native.ABI_VERSION) {
            attempts.add(from + ": native ABI " + abi + ", classes expect " + Native.ABI_VERSION);
            return new Failure(Reason.NATIVE_LIBRARY_INCOMPATIBLE,
                    "the native library is from another uring4j version (ABI " + abi + ", expected "
                            + Native.ABI_VERSION + "): use the jar and classifier jar of the same version",
                    attempts, null);
        }
        List<String> mismatches;
        try {
            mismatches = compareLayout(expectedLayout(), nativeLayout());
        } catch (LinkageError e) {
            attempts.add(from + ": has no layout table (nLayout): " + e.getMessage());
            return new Failure(Reason.NATIVE_LIBRARY_INCOMPATIBLE,
                    "the native library has no layout table: the jar's classes and " + LIBRARY_FILE
                            + " come from different builds", attempts, e);
        } catch (IllegalStateException e) {
            attempts.add(from + ": unreadable layout table: " + e.getMessage());
            return new Failure(Reason.NATIVE_LIBRARY_INCOMPATIBLE,
                    "the native library's layout table is unreadable (" + e.getMessage() + "): the jar's classes and "
                            + LIBRARY_FILE + " come from different builds", attempts, e);
        }
        if (!mismatches.isEmpty()) {
            String what = "layout mismatch: " + String.join("; ", mismatches);
            attempts.add(from + ": " + what);
            return new Failure(Reason.NATIVE_LIBRARY_INCOMPATIBLE,
                    what + ": the jar's classes and " + LIBRARY_FILE + " come from different builds", attempts, null);
        }
        loadedFrom = from;
        return null;
    }

    /**
     * The values the Java side was compiled with, by name: every layout constant of
     * {@link Native} (see {@link Native#ABI_VERSION}), then {@code REJECTS_COUNT} and
     * {@code REJECTS_HIGHEST} derived from its {@code REJECT_*} codes.
     */
    public static Map<String, Long> expectedLayout() {
        Map<String, Long> m = new LinkedHashMap<>();
        long count = 0;
        long highest = 0;
        for (Field f : Native.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || !Modifier.isFinal(mod) || f.getType() != int.class
                    || Native.LAYOUT_PREFIXES.stream().noneMatch(f.getName()::startsWith)) {
                continue;
            }
            long v;
            try {
                v = f.getInt(null);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            m.put(f.getName(), v);
            if (f.getName().startsWith("REJECT_")) {
                count++;
                highest = Math.max(highest, v);
            }
        }
        m.put("REJECTS_COUNT", count);
        m.put("REJECTS_HIGHEST", highest);
        return m;
    }

    /**
     * The loaded library's layout table, by name.
     *
     * @throws LinkageError if the library has no layout native
     * @throws IllegalStateException if the table cannot be read or parsed
     */
    public static Map<String, Long> nativeLayout() {
        int cap = 4096;
        for (int tries = 0; tries < 3; tries++) {
            ByteBuffer buf = Memory.allocate(cap);
            int n = NATIVE.layout(Memory.address(buf), cap);
            if (n < 0) {
                throw new IllegalStateException("the layout native answered " + ErrnoNames.name(-n));
            }
            if (n <= cap) {
                byte[] b = new byte[n];
                buf.get(0, b);
                return parseLayout(new String(b, StandardCharsets.US_ASCII));
            }
            cap = n;
        }
        throw new IllegalStateException("the layout table's size keeps changing");
    }

    /** Lines {@code NAME=VALUE}; anything else, or a name given twice, is an error. */
    static Map<String, Long> parseLayout(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException("malformed line '" + line + "'");
            }
            long v;
            try {
                v = Long.parseLong(line.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("malformed line '" + line + "'");
            }
            if (m.put(line.substring(0, eq), v) != null) {
                throw new IllegalStateException(line.substring(0, eq) + " given twice");
            }
        }
        return m;
    }

    /** Every difference between the two tables, one phrase each; empty if they agree. */
    public static List<String> compareLayout(Map<String, Long> java, Map<String, Long> lib) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : java.entrySet()) {
            Long c = lib.get(e.getKey());
            if (c == null) {
                out.add(e.getKey() + " is " + e.getValue() + " in Java, absent from the native library");
            } else if (!c.equals(e.getValue())) {
                out.add(e.getKey() + " is " + e.getValue() + " in Java, " + c + " in the native library");
            }
        }
        for (Map.Entry<String, Long> e : lib.entrySet()) {
            if (!java.containsKey(e.getKey())) {
                out.add(e.getKey() + " is absent from the Java classes, " + e.getValue() + " in the native library");
            }
        }
        return out;
    }
}
