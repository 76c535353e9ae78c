package dev.uring4j.internal;

import dev.uring4j.MemlockReport;
import dev.uring4j.UnavailabilityReason;
import dev.uring4j.UringUnavailableException;
import java.util.ArrayList;
import java.util.List;

/** Turns an errno from {@code io_uring_setup} into a reason and advice a user can act on. */
public final class SetupRefusal {
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

    private static String seccompNote(HostFacts facts) {
        return facts.seccompMode > 0 ? " (this process runs under seccomp mode " + facts.seccompMode + ")" : "";
    }
}
