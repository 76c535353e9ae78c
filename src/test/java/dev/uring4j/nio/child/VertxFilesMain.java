package dev.uring4j.nio.child;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.file.OpenOptions;
import java.io.ByteArrayOutputStream;
import java.nio.file.FileSystems;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's file system as a Vert.x server uses it: {@code readFile} (Files.readAllBytes),
 * {@code open} (an AsyncFile on AsynchronousFileChannel) to read and to write, {@code writeFile}.
 * Prints the provider and {@code result ...} lines (lengths and SHA-256 of what it read) that
 * must not depend on the provider. Arguments: the input file, a directory for the two outputs.
 */
public final class VertxFilesMain {
    private static final int CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        String input = args[0];
        String outDir = args[1];
        System.out.println("provider=" + FileSystems.getDefault().provider().getClass().getName());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        try {
            FileSystem fs = vertx.fileSystem();
            byte[] whole = await(fs.readFile(input)).getBytes();
            System.out.println("result readFile " + describe(whole));

            AsyncFile in = await(fs.open(input, new OpenOptions().setRead(true).setWrite(false).setCreate(false)));
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (long position = 0; ; ) {
                Buffer b = await(in.read(Buffer.buffer(CHUNK), 0, position, CHUNK));
                if (b.length() == 0) {
                    break;
                }
                chunks.write(b.getBytes());
                position += b.length();
            }
            await(in.close());
            System.out.println("result asyncFile read " + describe(chunks.toByteArray()));

            await(fs.writeFile(outDir + "/writeFile.bin", Buffer.buffer(whole)));
            AsyncFile out = await(fs.open(outDir + "/asyncFile.bin",
                    new OpenOptions().setRead(false).setWrite(true).setCreateNew(true)));
            for (int position = 0; position < whole.length; position += CHUNK) {
                int n = Math.min(CHUNK, whole.length - position);
                await(out.write(Buffer.buffer(java.util.Arrays.copyOfRange(whole, position, position + n)), position));
            }
            await(out.flush());
            await(out.close());
            System.out.println("result written back " + describe(await(fs.readFile(outDir + "/asyncFile.bin")).getBytes())
                    + " " + describe(await(fs.readFile(outDir + "/writeFile.bin")).getBytes()));
        } finally {
            await(vertx.close());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String describe(byte[] bytes) throws Exception {
        return bytes.length + " bytes sha256 "
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
