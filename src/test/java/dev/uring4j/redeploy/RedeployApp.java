package dev.uring4j.redeploy;

import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.EventLoop;
import dev.uring4j.async.SharedLoops;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One "web application" of {@link RedeployMain}: loaded with the uring4j jar in a class
 * loader of its own, it uses the library the ways an application would (shared-loop
 * AsyncFile reads that the caller serves and reads that need a loop, an EventLoop of its
 * own, a Ring), then undeploys: closes what it opened and ends the shared loops.
 */
public final class RedeployApp {
    private RedeployApp() {}

    public static String run(Path file) throws Exception {
        if (!dev.uring4j.Uring.isAvailable()) {
            throw new IllegalStateException("io_uring unavailable: " + dev.uring4j.Uring.unavailabilityCause().getMessage());
        }
        long total = 0;
        try (AsyncFile f = AsyncFile.open(file, StandardOpenOption.READ)) {
            if (f.backend() != AsyncFile.Backend.IOURING) {
                throw new IllegalStateException("backend " + f.backend());
            }
            total += f.read(ByteBuffer.allocateDirect(4096), 0).join();
            total += f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4096)}, 4096).join(); // needs a loop
            total += f.read(ByteBuffer.allocate(100), 0).join(); // heap buffer: a loop too
        }
        try (EventLoop own = EventLoop.open()) {
            total += own.submit(ring -> ring.nop()).join();
        }
        try (Ring ring = Ring.open(RingOptions.defaults())) {
            ring.nop().tag(1);
            ring.submitAndWait(1, 5, java.util.concurrent.TimeUnit.SECONDS);
        }
        SharedLoops.shutdown(Duration.ofSeconds(5)); // the application's undeploy hook
        return "bytes " + total + " from " + Files.size(file) + "-byte file";
    }
}
