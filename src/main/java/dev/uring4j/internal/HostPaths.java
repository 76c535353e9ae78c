package dev.uring4j.internal;

import java.nio.file.Path;

/** Which paths name files of this machine: the only ones uring4j opens itself (by their string). */
public final class HostPaths {
    private HostPaths() {}

    /**
     * Whether {@code path} belongs to a provider of the {@code file} scheme (the default file
     * system, or uring4j's provider over it). A path of another provider (a zip file's entry, an
     * in-memory file system) names no host file: a zip entry "/etc/hostname" is not /etc/hostname.
     */
    public static boolean isHostFile(Path path) {
        return "file".equalsIgnoreCase(path.getFileSystem().provider().getScheme());
    }
}
