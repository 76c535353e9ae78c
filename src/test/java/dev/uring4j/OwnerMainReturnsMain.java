package dev.uring4j;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM: main() opens a ring and returns; a closer thread joins main and closes the ring.
 * main's Java thread has ended but its OS thread lives on in DestroyJavaVM until the JVM
 * exits (the closer is not a daemon). Argument "idle": nothing in flight; "timeout": a 300 ms
 * timeout in flight (for trying by hand: a DEFER_TASKRUN ring never posts it, so the close
 * waits for its drain timeout and leaks it).
 */
public final class OwnerMainReturnsMain {
    private OwnerMainReturnsMain() {}

    public static void main(String[] args) throws Exception {
        Ring ring = Ring.open(RingOptions.defaults());
        ring.nop().tag(1);
        ring.submitAndReap(1, 5, TimeUnit.SECONDS, (tag, res, flags) -> { });
        if (args[0].equals("timeout")) {
            ring.timeout(300, TimeUnit.MILLISECONDS).tag(7);
            ring.submit();
        }
        Thread main = Thread.currentThread();
        Thread closer = new Thread(() -> {
            try {
                main.join();
                long t0 = System.nanoTime();
                StringBuilder got = new StringBuilder();
                ring.close(Duration.ofSeconds(20), (tag, res, flags) -> got.append(tag).append('=').append(res).append(' '));
                System.out.println("closed in " + (System.nanoTime() - t0) / 1_000_000 + " ms; delivered " + got
                        + "; leaked " + Ring.leakedBuffers());
            } catch (Throwable t) {
                t.printStackTrace(System.out);
            }
        }, "closer");
        closer.start();
    }
}
