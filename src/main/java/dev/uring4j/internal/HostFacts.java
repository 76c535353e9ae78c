package dev.uring4j.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What /proc says about this process and host, read without native code, so it can
 * explain refusals even when the library is missing. Values are injectable for tests.
 */
public final class HostFacts {
    /** {@code kernel.io_uring_disabled}, or -1 when the sysctl does not exist (kernel &lt; 6.6). */
    public final int ioUringDisabled;
    /** {@code kernel.io_uring_group}, or -1 when absent. */
    public final long ioUringGroup;
    /** Seccomp mode from /proc/self/status: 0 none, 1 strict, 2 filter, -1 unknown. */
    public final int seccompMode;
    /** Effective uid, -1 if unknown. */
    public final long euid;

    public HostFacts(int ioUringDisabled, long ioUringGroup, int seccompMode, long euid) {
        this.ioUringDisabled = ioUringDisabled;
        this.ioUringGroup = ioUringGroup;
        this.seccompMode = seccompMode;
        this.euid = euid;
    }

    public static HostFacts read() {
        return new HostFacts(
                (int) readLong(Paths.get("/proc/sys/kernel/io_uring_disabled")),
                readLong(Paths.get("/proc/sys/kernel/io_uring_group")),
                (int) statusField("Seccomp:", 1),
                statusField("Uid:", 2));
    }

    /** RLIMIT_MEMLOCK {soft, hard} in bytes from /proc/self/limits; -1 for unlimited, -2 if unreadable. */
    public static long[] memlockLimits() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max locked memory")) {
                    String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                    return new long[] {limit(f[0]), limit(f[1])};
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {-2, -2};
        }
        return new long[] {-2, -2};
    }

    private static long limit(String s) {
        return s.equals("unlimited") ? -1 : Long.parseLong(s);
    }

    /** A "kB" field of /proc/self/status (VmLck, VmPin) in bytes, or -1. */
    public static long statusBytes(String name) {
        long kb = statusField(name + ":", 1);
        return kb < 0 ? -1 : kb * 1024;
    }

    /** Whether the effective capability set holds CAP_IPC_LOCK (bit 14). */
    public static boolean hasCapIpcLock() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 14)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * The file mapped shared at {@code address} in this process (its path from /proc/self/maps,
     * or "inode N"): null for anonymous or private memory, an address outside every mapping, or
     * when /proc cannot be read.
     */
    public static String sharedFileMappingAt(long address) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+", 6);
                int dash = f[0].indexOf('-');
                if (f.length < 5 || dash < 0) {
                    continue;
                }
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                    boolean sharedFile = f[1].length() == 4 && f[1].charAt(3) == 's' && !"0".equals(f[4]);
                    return !sharedFile ? null : f.length > 5 ? f[5] : "inode " + f[4];
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** A small text file (e.g. /proc/version), or null if it cannot be read. */
    public static String readText(String path) {
        try {
            return Files.readString(Paths.get(path), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long readLong(Path p) {
        try {
            return Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
    }

    /** Field {@code index} (1-based, after the name) of a /proc/self/status line. */
    static long statusField(String name, int index) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.trim().split("\\s+");
                    return parts.length > index ? Long.parseLong(parts[index]) : -1;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
