package com.acme.consumer;

import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.Uring;
import dev.uring4j.UringException;
import dev.uring4j.async.AsyncFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Reads a file through a Ring (openat, read, close: all io_uring operations) and through
 * AsyncFile, and reports which uring4j it used. In a shaded jar every dev.uring4j name here is
 * relocated; the report shows the relocated names.
 */
public final class UringRead {
    private UringRead() {}

    /**
     * One line: {@code ring=<Ring's class> available=<bool> location=<native library> ring-read=<OK|...>
     * asyncfile=<backend> <OK|...>}. With {@code together}, waits for the other parties once its ring is
     * open and again before closing it, so that every party's ring is open at the same time.
     */
    public static String read(Path file, CyclicBarrier together) throws Exception {
        byte[] expected = Files.readAllBytes(file);
        StringBuilder out = new StringBuilder("ring=" + Ring.class.getName() + " available=" + Uring.isAvailable());
        if (!Uring.isAvailable()) {
            return out.append(" cause=").append(Uring.unavailabilityCause().getMessage().replace('\n', '|')).toString();
        }
        out.append(" location=").append(Uring.nativeLibraryLocation());
        try (Ring ring = Ring.open(RingOptions.defaults())) {
            if (together != null) {
                together.await(30, TimeUnit.SECONDS);
            }
            int[] fd = {-1};
            ring.openat(Linux.AT_FDCWD, file.toString(), Linux.O_RDONLY, 0).tag(1);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, (tag, res, flags) -> fd[0] = res);
            UringException.check("openat", fd[0]);
            ByteBuffer buf = ByteBuffer.allocateDirect(expected.length + 1);
            int[] res = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.read(fd[0], buf, 0).hardLink().tag(2);
            ring.closeFd(fd[0]).tag(3);
            ring.submitAndReap(2, 5, TimeUnit.SECONDS, (tag, r, flags) -> res[(int) tag - 2] = r);
            UringException.check("read", res[0]);
            UringException.check("close", res[1]);
            byte[] got = new byte[res[0]];
            buf.get(0, got);
            out.append(" ring-read=").append(Arrays.equals(expected, got) ? "OK" : "WRONG(" + res[0] + " bytes)");

            try (AsyncFile f = AsyncFile.open(file, StandardOpenOption.READ)) {
                ByteBuffer dst = ByteBuffer.allocateDirect(expected.length);
                f.readFully(dst, 0).join();
                byte[] back = new byte[expected.length];
                dst.flip().get(back);
                out.append(" asyncfile=").append(f.backend()).append(Arrays.equals(expected, back) ? " OK" : " WRONG");
            }
            if (together != null) {
                together.await(30, TimeUnit.SECONDS);
            }
        }
        return out.toString();
    }
}
