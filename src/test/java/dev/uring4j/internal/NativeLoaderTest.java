package dev.uring4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NativeLoaderTest {
    @Test
    void classifierFollowsOsArchAsOsMavenPluginNamesIt() {
        assertEquals("linux-x86_64", NativeLoader.classifier("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLoader.classifier("Linux", "x86_64"));
        assertEquals("linux-aarch_64", NativeLoader.classifier("Linux", "aarch64"));
        assertEquals("linux-aarch_64", NativeLoader.classifier("linux", "arm64"));
        assertNull(NativeLoader.classifier("Linux", "riscv64"));
        assertNull(NativeLoader.classifier("Linux", "ppc64le"));
        assertNull(NativeLoader.classifier("Mac OS X", "aarch64"));
        assertNull(NativeLoader.classifier("Windows 11", "amd64"));
    }

    @Test
    void muslIsRecognisedFromTheMappedLibraries() {
        assertEquals("musl", NativeLoader.runningLibc(
                "7f0000000000-7f0000001000 r-xp 00000000 08:01 123 /lib/ld-musl-x86_64.so.1\n"));
        assertEquals("musl", NativeLoader.runningLibc("... /usr/lib/libc.musl-aarch64.so.1\n"));
        assertEquals("glibc", NativeLoader.runningLibc(
                "7f0000000000-7f0000001000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libc.so.6\n"));
        assertEquals("unknown", NativeLoader.runningLibc(""));
        assertEquals("unknown", NativeLoader.runningLibc(null));
        assertEquals("glibc", NativeLoader.runningLibc(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/maps"))
                ? readSelf() : "/libc.so.6"), "this JVM runs on glibc");
    }

    private static String readSelf() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
