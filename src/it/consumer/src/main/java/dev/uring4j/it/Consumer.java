package dev.uring4j.it;

import dev.uring4j.Uring;
import dev.uring4j.async.AsyncFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes and reads a file through AsyncFile; exits non-zero unless it ran on io_uring and read the bytes back. */
public final class Consumer {
    private Consumer() {}

    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[0]);
        byte[] text = "read through uring4j by a consumer project\n".getBytes(StandardCharsets.UTF_8);
        try (AsyncFile f = AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            f.writeFully(ByteBuffer.wrap(text), 0).join();
            ByteBuffer back = ByteBuffer.allocateDirect(text.length);
            f.readFully(back, 0).join();
            byte[] got = new byte[text.length];
            back.flip().get(got);
            System.out.println("consumer: backend=" + f.backend() + " (" + AsyncFile.defaultBackendReason() + ")");
            if (!java.util.Arrays.equals(text, got) || !java.util.Arrays.equals(text, Files.readAllBytes(p))) {
                System.err.println("consumer: bytes differ");
                System.exit(1);
            }
            if (f.backend() != AsyncFile.Backend.IOURING) {
                System.err.println("consumer: io_uring not used: " + Uring.unavailabilityCause());
                System.exit(2);
            }
        }
        System.out.println("consumer: OK");
    }
}
