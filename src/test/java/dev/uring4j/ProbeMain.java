package dev.uring4j;

import dev.uring4j.internal.NativeLoader;

/** Run in child JVMs: prints what availability looks like under that JVM's settings. */
public final class ProbeMain {
    private ProbeMain() {}

    public static void main(String[] args) {
        UringUnavailableException cause = Uring.unavailabilityCause();
        System.out.println("available=" + Uring.isAvailable());
        System.out.println("loadedFrom=" + NativeLoader.loadedFrom());
        if (cause != null) {
            System.out.println("reason=" + cause.reason());
            System.out.println("errno=" + cause.errno());
            System.out.println("message=" + cause.getMessage().replace('\n', '|'));
        }
        try {
            Uring.ensureAvailable();
            System.out.println("ensureAvailable=ok");
        } catch (UringUnavailableException e) {
            System.out.println("ensureAvailable=" + e.reason());
        }
    }
}
