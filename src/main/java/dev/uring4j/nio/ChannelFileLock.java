package dev.uring4j.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A lock taken through the JDK twin, presented as a lock of the uring4j channel it was
 * asked of ({@link FileLock#acquiredBy()} is that channel, as the JDK's contract says); the
 * JDK's lock underneath keeps the JVM-wide lock table and the kernel's record lock.
 */
final class ChannelFileLock extends FileLock {
    private final FileLock jdk;

    ChannelFileLock(FileChannel channel, FileLock jdk) {
        super(channel, jdk.position(), jdk.size(), jdk.isShared());
        this.jdk = jdk;
    }

    ChannelFileLock(AsynchronousFileChannel channel, FileLock jdk) {
        super(channel, jdk.position(), jdk.size(), jdk.isShared());
        this.jdk = jdk;
    }

    @Override
    public boolean isValid() {
        return jdk.isValid() && acquiredBy().isOpen();
    }

    @Override
    public void release() throws IOException {
        Channel ch = acquiredBy();
        if (!ch.isOpen()) {
            throw new ClosedChannelException();
        }
        jdk.release();
    }
}
