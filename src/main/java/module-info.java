/**
 * uring4j: Linux io_uring for Java. The exported packages are API ({@code dev.uring4j},
 * {@code dev.uring4j.async}, {@code dev.uring4j.nio}, {@code dev.uring4j.diag}); everything in
 * {@code dev.uring4j.internal} may change in any release.
 */
module dev.uring4j {
    // sun.misc.Unsafe reads a direct buffer's address without a JNI call per operation.
    requires static jdk.unsupported;

    exports dev.uring4j;
    exports dev.uring4j.async;
    exports dev.uring4j.nio;
    exports dev.uring4j.diag;
}
