package dev.uring4j.internal;

import dev.uring4j.UnavailabilityReason;
import dev.uring4j.UringUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads liburing4j.so once: first from {@code -During4j.library.path=DIR}, then from
 * the classifier jar's {@code META-INF/native/<classifier>/} resource, extracted to a
 * private temporary file that is deleted right after loading. Every attempt and its
 * outcome is kept, so an unavailability cause explains the whole search.
 */
public final class NativeLoader {
    private static final Native NATIVE = Native.access();
    public static final String LIBRARY_FILE = "liburing4j.so";
    public static final String PROP_NO_NATIVE = "uring4j.noNative";
    public static final String PROP_LIBRARY_PATH = "uring4j.library.path";
    public static final String PROP_TMPDIR = "uring4j.tmpdir";

    private static UringUnavailableException failure;
    private static boolean loaded;
    private static String loadedFrom;
    private static boolean attempted;

    private NativeLoader() {}

    /** Loads the library if not done yet; returns null on success, else why not. */
    public static synchronized UringUnavailableException load() {
        if (!attempted) {
            attempted = true;
            failure = tryLoad();
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

    private static UringUnavailableException tryLoad() {
        List<String> attempts = new ArrayList<>();
        if (Boolean.getBoolean(PROP_NO_NATIVE)) {
            attempts.add("-D" + PROP_NO_NATIVE + "=true: native loading skipped");
            return new UringUnavailableException(UnavailabilityReason.DISABLED_BY_PROPERTY, 0,
                    "io_uring disabled by -D" + PROP_NO_NATIVE + "=true; the NIO fallback is used", attempts, null);
        }
        String osName = System.getProperty("os.name", "");
        String osArch = System.getProperty("os.arch", "");
        String classifier = classifier(osName, osArch);
        if (classifier == null) {
            attempts.add("platform " + osName + "/" + osArch + ": no native library is built for it");
            return new UringUnavailableException(UnavailabilityReason.UNSUPPORTED_PLATFORM, 0,
                    "io_uring needs Linux on x86_64 or aarch64; this JVM runs on " + osName + "/" + osArch,
                    attempts, null);
        }
        String libc = runningLibc(readMaps());
        if (libc.equals("musl")) {
            attempts.add("this JVM runs on musl libc (Alpine): the bundled library is built for glibc");
            return new UringUnavailableException(UnavailabilityReason.UNSUPPORTED_PLATFORM, 0,
                    "io_uring via uring4j needs a glibc-based system; this JVM runs on musl libc (Alpine). "
                            + "Use a glibc base image (Debian, Ubuntu, UBI) or the NIO fallback", attempts, null);
        }
        Throwable last = null;
        String dir = System.getProperty(PROP_LIBRARY_PATH);
        if (dir != null && !dir.isEmpty()) {
            Path file = Paths.get(dir, LIBRARY_FILE);
            if (!Files.isRegularFile(file)) {
                attempts.add("-D" + PROP_LIBRARY_PATH + ": " + file + " does not exist");
            } else {
                try {
                    System.load(file.toAbsolutePath().toString());
                    attempts.add("-D" + PROP_LIBRARY_PATH + ": loaded " + file);
                    return checkAbi(file.toString(), attempts);
                } catch (LinkageError e) {
                    attempts.add("-D" + PROP_LIBRARY_PATH + ": " + file + ": " + e.getMessage());
                    last = e;
                }
            }
        } else {
            attempts.add("-D" + PROP_LIBRARY_PATH + " not set");
        }
        String resource = "/META-INF/native/" + classifier + "/" + LIBRARY_FILE;
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                attempts.add("resource " + resource + " not on the class path: add the dependency with classifier "
                        + classifier + " (dev.uring4j:uring4j:<version>:" + classifier + ")");
            } else {
                return loadFromResource(in, resource, attempts);
            }
        } catch (IOException e) {
            attempts.add("resource " + resource + ": " + e);
            last = e;
        }
        return new UringUnavailableException(UnavailabilityReason.NATIVE_LIBRARY_MISSING, 0,
                "the uring4j native library (" + LIBRARY_FILE + " for " + classifier + ") could not be loaded",
                attempts, last);
    }

    private static UringUnavailableException loadFromResource(InputStream in, String resource, List<String> attempts) {
        Path dir = Paths.get(System.getProperty(PROP_TMPDIR, System.getProperty("java.io.tmpdir")));
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "liburing4j-", ".so",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            attempts.add("resource " + resource + ": extracted to " + tmp + " and loaded (file deleted)");
            return checkAbi("jar:" + resource, attempts);
        } catch (IOException e) {
            attempts.add("resource " + resource + ": extracting to " + dir + " failed: " + e
                    + " (choose a writable directory with -D" + PROP_TMPDIR + "=DIR)");
            return new UringUnavailableException(UnavailabilityReason.NATIVE_LIBRARY_MISSING, 0,
                    "the uring4j native library could not be extracted", attempts, e);
        } catch (LinkageError e) {
            String hint = String.valueOf(e.getMessage()).contains("failed to map segment")
                    ? " (" + dir + " is probably mounted noexec: choose another with -D" + PROP_TMPDIR + "=DIR)"
                    : "";
            attempts.add("resource " + resource + ": extracted to " + tmp + " but loading failed: " + e.getMessage() + hint);
            UnavailabilityReason r = String.valueOf(e.getMessage()).contains("GLIBC")
                    || String.valueOf(e.getMessage()).contains("wrong ELF class")
                    || String.valueOf(e.getMessage()).contains("cannot open shared object file")
                    ? UnavailabilityReason.UNSUPPORTED_PLATFORM : UnavailabilityReason.NATIVE_LIBRARY_MISSING;
            return new UringUnavailableException(r, 0, "the uring4j native library could not be loaded" + hint,
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

    private static UringUnavailableException checkAbi(String from, List<String> attempts) {
        int abi;
        try {
            abi = NATIVE.abiVersion();
        } catch (LinkageError e) {
            attempts.add(from + ": does not bind dev.uring4j.internal.Native: " + e.getMessage());
            return new UringUnavailableException(UnavailabilityReason.NATIVE_LIBRARY_INCOMPATIBLE, 0,
                    "the loaded native library is not a uring4j library for these classes", attempts, e);
        }
        if (abi != Native.ABI_VERSION) {
            attempts.add(from + ": native ABI " + abi + ", classes expect " + Native.ABI_VERSION);
            return new UringUnavailableException(UnavailabilityReason.NATIVE_LIBRARY_INCOMPATIBLE, 0,
                    "the native library is from another uring4j version (ABI " + abi + ", expected "
                            + Native.ABI_VERSION + "): use the jar and classifier jar of the same version",
                    attempts, null);
        }
        loadedFrom = from;
        return null;
    }
}
