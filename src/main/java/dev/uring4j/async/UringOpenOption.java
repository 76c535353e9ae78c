package dev.uring4j.async;

import java.nio.file.OpenOption;

/** Open options beyond {@link java.nio.file.StandardOpenOption}. */
public enum UringOpenOption implements OpenOption {
    /**
     * O_DIRECT: bypass the page cache. Buffers, positions and lengths must be aligned to
     * the file system's block size ({@link AsyncFile#blockSize()}); see
     * {@link AlignedBuffers#allocate(int, int)}.
     */
    DIRECT
}
