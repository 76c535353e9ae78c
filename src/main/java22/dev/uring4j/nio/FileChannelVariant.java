package dev.uring4j.nio;

import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;

/**
 * Makes the FileChannel class of the running JDK: the JDK 22+ version (META-INF/versions/22
 * of the multi-release jar), {@link ArenaMappingFileChannel}, which adds
 * {@code map(MapMode, long, long, Arena)}. The JDK 17 version is in src/main/java.
 */
final class FileChannelVariant {
    private FileChannelVariant() {
    }

    static UringFileChannel create(AsyncFile file, JdkTwin twin, OpenRequest request, ChannelEngine.Positions positions) {
        return new ArenaMappingFileChannel(file, twin, request, positions);
    }
}
