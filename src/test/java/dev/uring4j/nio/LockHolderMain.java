package dev.uring4j.nio;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child process of the lock cases: holds POSIX record locks on behalf of "another program"
 * (locks of this JVM never block each other, they throw OverlappingFileLockException). Commands
 * on stdin, one a line: {@code lock PATH} (exclusive lock of the whole file), {@code unlock};
 * each answered on stdout. Exits at end of input, which releases everything.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        FileChannel ch = null;
        FileLock lock = null;
        System.out.println("ready");
        System.out.flush();
        for (String line; (line = in.readLine()) != null;) {
            if (line.startsWith("lock ")) {
                ch = FileChannel.open(Path.of(line.substring(5)), StandardOpenOption.READ, StandardOpenOption.WRITE);
                lock = ch.lock();
                System.out.println("locked");
            } else if (line.equals("unlock")) {
                if (lock != null) {
                    lock.release();
                    ch.close();
                    lock = null;
                    ch = null;
                }
                System.out.println("unlocked");
            } else {
                System.out.println("unknown command " + line);
            }
            System.out.flush();
        }
    }
}
