package dev.outside;

import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.async.AsyncFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in child JVMs by LoaderIT (outside uring4j's packages, so it also runs beside the module): availability, where the library came from, and one AsyncFile read. */
public final class LoaderMain {
    private LoaderMain() {}

    public static void main(String[] args) throws Exception {
        UringUnavailableException cause = Uring.unavailabilityCause();
        System.out.println("available=" + Uring.isAvailable());
        System.out.println("location=" + Uring.nativeLibraryLocation());
        if (cause != null) {
            System.out.println("reason=" + cause.reason());
            System.out.println("message=" + cause.getMessage().replace('\n', '|'));
        }
        Path p = Files.createTempFile("loader", ".bin");
        try {
            Files.write(p, new byte[] {1, 2, 3, 4, 5});
            try (AsyncFile f = AsyncFile.open(p, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocateDirect(16);
                System.out.println("read=" + f.read(b, 0).join() + " backend=" + f.backend());
            } catch (UringUnavailableException e) {
                System.out.println("openFailed=" + e.getMessage().split("\n")[0]);
            }
        } finally {
            Files.delete(p);
        }
    }
}
