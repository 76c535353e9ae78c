package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import java.nio.ByteBuffer;

/** Run in child JVMs: registers one buffer of {@code args[0]} bytes and prints the outcome. */
public final class RegisterBuffersMain {
    private RegisterBuffersMain() {}

    public static void main(String[] args) throws Exception {
        int bytes = Integer.parseInt(args[0]);
        int page = MemlockReport.current().pageSize();
        ByteBuffer b = ByteBuffer.allocateDirect(bytes + page).alignedSlice(page).slice(0, bytes);
        try (Ring ring = Ring.open(RingOptions.builder().entries(4).build())) {
            ring.fixedBuffers().register(b);
            System.out.println("registered " + bytes);
        } catch (UringMemlockException e) {
            System.out.println("memlock limit=" + e.limit() + " needed=" + e.needed() + " errno=" + e.errnoName());
            System.out.println("message=" + e.getMessage());
        } catch (UringUnavailableException e) {
            System.out.println("unavailable " + e.reason());
        }
    }
}
