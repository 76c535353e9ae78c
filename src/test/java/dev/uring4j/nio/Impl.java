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
 * The two implementations every conformance case runs on: the JDK's own channels (the reference)
 * and uring4j's drop-in channels from {@link UringChannels}. A case passes only if both give the
 * same values, positions, buffer states and exception types.
 */
enum Impl {
    JDK {
        @Override
        FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            return FileChannel.open(p, options, attrs);
        }

        @Override
        AsynchronousFileChannel openAsync(Path p, Set<? extends OpenOption> options, ExecutorService executor,
                FileAttribute<?>... attrs) throws IOException {
            return AsynchronousFileChannel.open(p, options, executor, attrs);
        }
    },
    URING4J {
        @Override
        FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            return UringChannels.newFileChannel(p, options, attrs);
        }

        @Override
        AsynchronousFileChannel openAsync(Path p, Set<? extends OpenOption> options, ExecutorService executor,
                FileAttribute<?>... attrs) throws IOException {
            return UringChannels.newAsynchronousFileChannel(p, options, executor, attrs);
        }
    };

    abstract FileChannel open(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException;

    abstract AsynchronousFileChannel openAsync(Path p, Set<? extends OpenOption> options, ExecutorService executor,
            FileAttribute<?>... attrs) throws IOException;

    /** As {@link FileChannel#open(Path, OpenOption...)}: no options means READ. */
    FileChannel open(Path p, OpenOption... options) throws IOException {
        return open(p, Set.of(options));
    }

    AsynchronousFileChannel openAsync(Path p, ExecutorService executor, OpenOption... options) throws IOException {
        return openAsync(p, Set.of(options), executor);
    }
}
