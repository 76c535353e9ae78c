package dev.uring4j.nio;

import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;

/**
 * Makes the FileChannel class of the running JDK. This is JDK 17's: {@link UringFileChannel}
 * itself. The JDK 22+ version (src/main/java22, META-INF/versions/22 of the multi-release
 * jar) makes {@code ArenaMappingFileChannel}, which adds {@code map(MapMode, long, long,
 * Arena)}: without it FileChannel's default throws UnsupportedOperationException, and
 * consumers such as Lucene's MMapDirectory on JDK 22+ map files that way.
 */
final class FileChannelVariant {
    private FileChannelVariant() {
    }

    static UringFileChannel create(AsyncFile file, JdkTwin twin, OpenRequest request, ChannelEngine.Positions positions) {
        return new UringFileChannel(file, twin, request, positions);
    }
}
