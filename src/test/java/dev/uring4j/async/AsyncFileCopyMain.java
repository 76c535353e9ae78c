package dev.uring4j.async;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Run in child JVMs: writes and reads a file through AsyncFile; prints the backend and the file's SHA-256. */
public final class AsyncFileCopyMain {
    private AsyncFileCopyMain() {}

    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[0]);
        Random random = new Random(11);
        try (AsyncFile f = AsyncFile.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < 64; i++) {
                byte[] chunk = new byte[1 + random.nextInt(30000)];
                random.nextBytes(chunk);
                f.writeFully(ByteBuffer.wrap(chunk), random.nextInt(1 << 20)).get();
            }
            f.force(true).get();
            ByteBuffer back = ByteBuffer.allocate((int) f.size());
            f.readFully(back, 0).get();
            System.out.println("backend=" + f.backend());
            System.out.println("reason=" + AsyncFile.defaultBackendReason());
            System.out.println("readback=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(back.array())));
        }
        System.out.println("file=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
    }
}
