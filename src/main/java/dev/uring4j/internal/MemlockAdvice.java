package dev.uring4j.internal;

/** How to raise the locked-memory limit, in every place users set it. */
public final class MemlockAdvice {
    public static final String HOW_TO_RAISE = "Raise it with: 'ulimit -l <KiB>' in the starting shell; "
            + "'<user> - memlock <KiB>' in /etc/security/limits.conf; LimitMEMLOCK=<bytes> in the systemd unit; "
            + "'docker run --ulimit memlock=<bytes>:<bytes>'; or grant CAP_IPC_LOCK";

    private MemlockAdvice() {}

    /** The soft RLIMIT_MEMLOCK from /proc/self/limits, e.g. "65536 bytes" or "unlimited". */
    public static String limitText() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? "unlimited" : f[0] + " bytes";
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
