/**
 * uring4j: Linux io_uring for Java. The exported packages are API ({@code dev.uring4j},
 * {@code dev.uring4j.async}, {@code dev.uring4j.nio}, {@code dev.uring4j.diag}); everything in
 * {@code dev.uring4j.internal} may change in any release.
 */
module dev.uring4j {
    // On JDK 17-21 sun.misc.Unsafe reads a direct buffer's address without a JNI call per operation
    // (internal.Memory, internal.BufferLifetime); the jar's JDK 22+ versions of those classes
    // (META-INF/versions/22, from src/main/java22) use java.lang.foreign instead.
    requires static jdk.unsupported;

    exports dev.uring4j;
    exports dev.uring4j.async;
    exports dev.uring4j.nio;
    exports dev.uring4j.diag;
}
