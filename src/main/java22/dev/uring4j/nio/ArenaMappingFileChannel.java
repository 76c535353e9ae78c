package dev.uring4j.nio;

import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * {@link UringFileChannel} with JDK 22's {@code map(MapMode, long, long, Arena)}: the mapping
 * is the JDK's own, made by the {@link JdkTwin} on the same open file, as
 * {@link #map(MapMode, long, long)} is. The checks that come before the JDK's open check come
 * first here too, in the JDK's order, so a closed channel with a bad argument answers as
 * the JDK's does.
 */
final class ArenaMappingFileChannel extends UringFileChannel {
    ArenaMappingFileChannel(AsyncFile file, JdkTwin twin, OpenRequest request, ChannelEngine.Positions positions) {
        super(file, twin, request, positions);
    }

    @Override
    public MemorySegment map(MapMode mode, long offset, long size, Arena arena) throws IOException {
        Objects.requireNonNull(mode, "Mode is null");
        Objects.requireNonNull(arena, "Arena is null");
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("Already closed"); // the JDK's session check
        }
        if (offset < 0) {
            throw new IllegalArgumentException("Requested bytes offset must be >= 0.");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Requested bytes size must be >= 0.");
        }
        return viaTwin(false, () -> twin.get().map(mode, offset, size, arena));
    }
}
