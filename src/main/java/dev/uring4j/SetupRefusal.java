package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.RingLayout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Turns an errno from {@code io_uring_setup} into a reason and advice a user can act on. */
final class SetupRefusal {
    private SetupRefusal() {}

    public static UringUnavailableException classify(int errno, HostFacts facts, List<String> attempts) {
        return classify(errno, facts, MemlockReport.current(), attempts);
    }

    /** With the locked-memory figures injected (tests). */
    public static UringUnavailableException classify(int errno, HostFacts facts, MemlockReport memlock,
                                                     List<String> attempts) {
        List<String> a = new ArrayList<>(attempts);
        a.add("io_uring_setup(2 entries): " + Errno.name(errno) + " (" + Errno.description(errno) + ")");
        switch (errno) {
            case Errno.ENOSYS:
                return new UringUnavailableException(UnavailabilityReason.KERNEL_LACKS_IO_URING, errno,
                        "io_uring_setup returned ENOSYS: this kernel was built without io_uring (CONFIG_IO_URING, "
                                + "Linux >= 5.1), or an emulator such as qemu-user does not implement it, or a "
                                + "seccomp filter answers ENOSYS" + seccompNote(facts), a, null);
            case Errno.EPERM:
                return eperm(facts, a);
            case Errno.ENOMEM:
                return new UringUnavailableException(UnavailabilityReason.NOT_ENOUGH_LOCKED_MEMORY, errno,
                        "io_uring_setup returned ENOMEM: " + memlock.explain(
                                RingLayout.of(2, 0, RingLayout.SETUP_NO_SQARRAY, memlock.pageSize()).pinnedBytes(),
                                "even a 2-entry ring"), a, null);
            default:
                return new UringUnavailableException(UnavailabilityReason.SETUP_REFUSED, errno,
                        "io_uring_setup failed with " + Errno.name(errno) + " (" + Errno.description(errno) + ")",
                        a, null);
        }
    }

    private static UringUnavailableException eperm(HostFacts facts, List<String> a) {
        if (facts.ioUringDisabled == 2) {
            return new UringUnavailableException(UnavailabilityReason.DISABLED_BY_SYSCTL, Errno.EPERM,
                    "io_uring is disabled for every process by kernel.io_uring_disabled=2; "
                            + "an administrator can allow it with 'sysctl kernel.io_uring_disabled=0'", a, null);
        }
        if (facts.ioUringDisabled == 1 && facts.euid != 0) {
            String group = facts.ioUringGroup >= 0 ? "gid " + facts.ioUringGroup : "the group in kernel.io_uring_group";
            return new UringUnavailableException(UnavailabilityReason.DISABLED_BY_SYSCTL, Errno.EPERM,
                    "io_uring is limited by kernel.io_uring_disabled=1 to root and members of io_uring_group ("
                            + group + "); this process (uid " + facts.euid + ") is neither: add the user to that "
                            + "group or set 'sysctl kernel.io_uring_disabled=0'", a, null);
        }
        if (facts.seccompMode > 0) {
            return new UringUnavailableException(UnavailabilityReason.BLOCKED_BY_SECCOMP, Errno.EPERM,
                    "io_uring_setup returned EPERM under a seccomp filter (Seccomp: " + facts.seccompMode
                            + " in /proc/self/status): the container or sandbox profile blocks io_uring. Allow "
                            + "io_uring_setup, io_uring_enter and io_uring_register in the profile (Docker: "
                            + "--security-opt seccomp=<profile with them>)", a, null);
        }
        return new UringUnavailableException(UnavailabilityReason.SETUP_REFUSED, Errno.EPERM,
                "io_uring_setup returned EPERM without a seccomp filter or io_uring_disabled sysctl: a Linux "
                        + "security module (SELinux, AppArmor) or a sandbox refuses it", a, null);
    }

    // ---------------------------------------------------------------- SQPOLL thread CPU

    /** Where the kernel lists the online CPUs. */
    public static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");

    /**
     * The CPUs of a kernel CPU list such as {@code 0-3,8,10-11} (the format of
     * /sys/devices/system/cpu/online and cpuset files); null if it is not one.
     */
    public static BitSet cpuList(String list) {
        if (list == null) {
            return null;
        }
        BitSet cpus = new BitSet();
        String t = list.trim();
        if (t.isEmpty()) {
            return cpus;
        }
        try {
            for (String part : t.split(",")) {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
                if (from < 0 || to < from || to > 1 << 20) {
                    return null;
                }
                cpus.set(from, to + 1);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return cpus;
    }

    /**
     * Why the SQPOLL thread cannot be pinned to {@code cpu}, or null if {@code cpu} is among
     * the {@code online} CPUs (the text of /sys/devices/system/cpu/online) or they are unknown.
     * The kernel refuses such a CPU with EINVAL, which looks like a refusal of SQPOLL itself.
     */
    public static String sqThreadCpuOffline(int cpu, String online) {
        BitSet cpus = cpuList(online);
        if (cpu < 0 || cpus == null || cpus.isEmpty() || cpus.get(cpu)) {
            return null;
        }
        return "SQPOLL thread CPU " + cpu + " does not exist or is offline (online CPUs: " + online.trim()
                + ", from " + ONLINE_CPUS + "); SQPOLL itself was not the problem. Pin the SQPOLL thread to an "
                + "online CPU, or pass -1 to RingOptions.Builder.sqPoll to leave it unpinned";
    }

    /**
     * The explanation when the kernel refuses SQPOLL pinned to an online {@code cpu} but
     * accepts SQPOLL unpinned: since Linux 6.7 the CPU must also be one this process's
     * cpuset allows. {@code online} and {@code cpuset} are CPU lists, or null if unknown.
     */
    public static String sqThreadCpuRefused(int cpu, String online, String cpuset) {
        return "SQPOLL thread CPU " + cpu + " was refused (EINVAL) although SQPOLL without a pinned CPU is "
                + "accepted: the CPU is not one this process may use (since Linux 6.7 it must be in the process's "
                + "cpuset" + (cpuset != null ? ", which allows CPUs " + cpuset.trim() : "") + "; online CPUs: "
                + (online != null ? online.trim() : "unknown") + "). Pin the SQPOLL thread to an allowed CPU, or pass "
                + "-1 to RingOptions.Builder.sqPoll to leave it unpinned";
    }

    /** The text of /sys/devices/system/cpu/online, or null if it cannot be read. */
    public static String readOnlineCpus() {
        return readTrimmed(ONLINE_CPUS);
    }

    /**
     * The CPUs this process's cpuset allows (cgroup v2 cpuset.cpus.effective, else v1
     * cpuset.effective_cpus), or null if neither can be read.
     */
    public static String readCpusetCpus() {
        String cgroups = readTrimmed(Path.of("/proc/self/cgroup"));
        if (cgroups == null) {
            return null;
        }
        for (String line : cgroups.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length != 3 || !f[2].startsWith("/")) {
                continue;
            }
            String rel = f[2].substring(1);
            String found = null;
            if (f[0].equals("0") && f[1].isEmpty()) {
                found = readTrimmed(Path.of("/sys/fs/cgroup").resolve(rel).resolve("cpuset.cpus.effective"));
            } else if (List.of(f[1].split(",")).contains("cpuset")) {
                found = readTrimmed(Path.of("/sys/fs/cgroup/cpuset").resolve(rel).resolve("cpuset.effective_cpus"));
            }
            if (found != null && !found.isEmpty()) {
                return found;
            }
        }
        return null;
    }

    private static String readTrimmed(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String seccompNote(HostFacts facts) {
        return facts.seccompMode > 0 ? " (this process runs under seccomp mode " + facts.seccompMode + ")" : "";
    }
}
