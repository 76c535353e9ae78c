package dev.uring4j.nio;

/**
 * {@link ArenaChannelTest}'s cases on the packaged multi-release jar (failsafe sets
 * uring4j.test.classifierJar): there JDK 22+ loads META-INF/versions/22's BufferLifetime,
 * which a class directory never does.
 */
class ArenaChannelIT extends ArenaChannelTest {
}
