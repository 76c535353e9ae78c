package dev.uring4j.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Where {@link UringFileSystemProvider} opens its channels: {@link #URING} in production; tests
 * give a recording opener to see which {@code Files} and channel calls reach it. Paths given
 * to it are the wrapped provider's own.
 */
interface ChannelOpener {
    FileChannel fileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException;

    AsynchronousFileChannel asynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            ExecutorService executor, FileAttribute<?>... attrs) throws IOException;

    /** uring4j's channels. */
    ChannelOpener URING = new ChannelOpener() {
        @Override
        public FileChannel fileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            return UringChannels.newFileChannel(path, options, attrs);
        }

        @Override
        public AsynchronousFileChannel asynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
            return UringChannels.newAsynchronousFileChannel(path, options, executor, attrs);
        }
    };
}
