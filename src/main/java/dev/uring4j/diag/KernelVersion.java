package dev.uring4j.diag;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream kernel version a release corresponds to. Distributions name kernels
 * after their ABI, not the upstream point release (Debian's {@code 6.1.0-27-amd64} is
 * upstream 6.1.115), so the upstream version is read from {@code /proc/version}
 * ("Debian 6.1.115-1") or Ubuntu's {@code /proc/version_signature} when present.
 * Used only to match known-bug ranges: features are always probed, never inferred.
 *
 * @param source where the numbers came from, e.g. {@code "uname -r"} or {@code "Debian package version"}
 */
public record KernelVersion(int major, int minor, int patch, String source) implements Comparable<KernelVersion> {
    private static final Pattern DEBIAN = Pattern.compile("\\bDebian (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern UBUNTU_SIGNATURE = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\s*$");
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public KernelVersion {
        Objects.requireNonNull(source, "source");
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version component: " + major + "." + minor + "." + patch);
        }
    }

    public static KernelVersion of(int major, int minor, int patch) {
        return new KernelVersion(major, minor, patch, "given");
    }

    /**
     * @param release          {@code uname -r}
     * @param procVersion      contents of /proc/version, or null
     * @param versionSignature contents of /proc/version_signature (Ubuntu), or null
     * @throws IllegalArgumentException if no version can be read from any of them
     */
    public static KernelVersion parse(String release, String procVersion, String versionSignature) {
        if (procVersion != null) {
            // The last match: the compiler's version ("gcc-12 (Debian 12.2.0-14)") comes first.
            Matcher m = DEBIAN.matcher(procVersion);
            KernelVersion found = null;
            while (m.find()) {
                found = of(m, "Debian package version in /proc/version");
            }
            if (found != null) {
                return found;
            }
        }
        if (versionSignature != null) {
            Matcher m = UBUNTU_SIGNATURE.matcher(versionSignature.trim());
            if (m.find()) {
                return of(m, "upstream version in /proc/version_signature");
            }
        }
        Matcher m = RELEASE.matcher(release == null ? "" : release.trim());
        if (!m.find()) {
            throw new IllegalArgumentException("cannot read a kernel version from release '" + release + "'");
        }
        return of(m, "kernel release (uname -r)");
    }

    private static KernelVersion of(Matcher m, String source) {
        String patch = m.group(3);
        return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                patch == null ? 0 : Integer.parseInt(patch), source);
    }

    public boolean isAtLeast(int major, int minor, int patch) {
        return compareTo(of(major, minor, patch)) >= 0;
    }

    public boolean isBefore(int major, int minor, int patch) {
        return !isAtLeast(major, minor, patch);
    }

    /** Same major.minor series (e.g. 6.1.x). */
    public boolean inSeries(int major, int minor) {
        return this.major == major && this.minor == minor;
    }

    @Override
    public int compareTo(KernelVersion o) {
        Objects.requireNonNull(o, "other");
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
