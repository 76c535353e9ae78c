package dev.uring4j.internal.ring;

/**
 * Who holds each buffer of a provided-buffer group: the kernel, or the application. An
 * operation that receives into the group references this (not the public group object), and
 * the completion dispatch hands a buffer out when a completion of such an operation carries
 * its id, before the handler runs. Ownership changes there and at recycle only: another
 * group's completion (same ids, same count) can never make a buffer the kernel still owns
 * look returned, and recyclable twice. No public method can mark a buffer handed out.
 */
public final class BufferGroup {
    private final boolean[] withKernel;
    /** The public group object (its slab), kept reachable while an operation references this. */
    @SuppressWarnings("unused")
    private final Object owner;

    public BufferGroup(int count, Object owner) {
        this.withKernel = new boolean[count];
        this.owner = owner;
    }

    public boolean withKernel(int bid) {
        return withKernel[bid];
    }

    /** The buffer went to the kernel (registered, or recycled). */
    public void givenToKernel(int bid) {
        withKernel[bid] = true;
    }

    /** Buffer {@code bid} left the kernel with a completion of an operation of this group. */
    void handedOut(int bid) {
        if (bid >= 0 && bid < withKernel.length) {
            withKernel[bid] = false;
        }
    }
}
