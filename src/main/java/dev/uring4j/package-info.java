/**
 * The io_uring core: {@link dev.uring4j.Ring} and what its operations take, registration
 * tables, and whether io_uring is available ({@link dev.uring4j.Uring}); the support probe,
 * memory-limit report and known issues are in {@link dev.uring4j.diag}.
 *
 * <h2>Rules a user must know</h2>
 *
 * <p><b>Threads.</b> A {@link dev.uring4j.Ring} belongs to the platform (OS) thread that
 * opened it; every other thread gets {@link java.lang.IllegalStateException}. A virtual
 * thread cannot open one ({@code SINGLE_ISSUER}, {@code DEFER_TASKRUN} and the registered
 * ring fd belong to the carrier the kernel sees, and a virtual thread changes carriers):
 * use {@link dev.uring4j.async.EventLoop} or {@link dev.uring4j.async.AsyncFile} there. A
 * ring whose owner thread has ended may be closed from any thread; of concurrent closes
 * exactly one tears it down.
 *
 * <p><b>Buffers.</b> Operations take direct buffers only. Every buffer an operation uses is
 * referenced by the ring until the operation's last completion (multishot: the one without
 * {@link Cqe#F_MORE}; zero-copy sends: the notification), so the garbage collector cannot
 * free memory the kernel may still write. Memory that something other than the garbage
 * collector can free is refused up front: a view of an {@code Arena.ofConfined()} or
 * {@code Arena.ofShared()} segment (also {@code FileChannel.map(mode, pos, len, arena)} with
 * such an arena) gives {@link java.lang.IllegalArgumentException}, one whose arena is closed
 * {@link java.lang.IllegalStateException}. Safe: {@code ByteBuffer.allocateDirect},
 * {@code FileChannel.map(mode, pos, len)}, slices and duplicates of those, and views of
 * {@code Arena.ofAuto()} or {@code Arena.global()} segments. Freeing such memory yourself
 * defeats this: after {@code Unsafe.invokeCleaner} on a buffer an operation uses, the kernel
 * writes into whatever the allocator hands that memory to next (no library can see an
 * explicit free). Caller-provided ring memory ({@link dev.uring4j.RingMemory#caller}) backs
 * one ring at a time, and no operation may read into it (refused with
 * {@link java.lang.IllegalArgumentException}: it holds the ring's queues).
 *
 * <p><b>Completions, exactly once.</b> Every prepared operation is delivered to a
 * {@link dev.uring4j.CompletionHandler} exactly once, with its result, an error, or
 * {@code -ECANCELED}: also when the native validator or the kernel refuses a batch, and at
 * close. A handler may throw anything (an {@link java.lang.Error} too): the completions not
 * yet dispatched stay for the next call, and a close still completes (rethrowing the first
 * throwable afterwards). Operations the kernel has not finished by close's deadline complete
 * with {@code -ECANCELED}, and their buffers are kept for ever
 * ({@link dev.uring4j.Ring#leakedBuffers()}) rather than freed under the kernel.
 *
 * <p><b>Waits.</b> A wait for more completions than the operations in flight can deliver
 * is refused at once ({@link java.lang.IllegalStateException}); one for more than the ring
 * holds until they are dispatched (its CQ entries) ends once it holds that many. A close's
 * drain timeout or a loop's shutdown timeout may be any {@code Duration}: past ~73 years it
 * means no deadline. An interrupt ends a wait
 * within 50 ms with a {@link dev.uring4j.UringException} of errno {@code EINTR}; the
 * interrupt status stays set and the operations go on (reap or cancel them).
 *
 * <p><b>Operations, ids and tags.</b> An operation method stages one operation and returns
 * its {@link dev.uring4j.Sqe}: SQE-wide choices ({@code link()}, {@code drain()}...) and the
 * tag are named calls on it, valid until the next operation or submit. {@code Sqe.id()} is
 * the operation's id (for {@link dev.uring4j.Ring#cancel}); the tag is yours and comes back
 * with the completion. Ids carry their ring: another ring's id, or a tag, is refused by
 * {@code cancel}. Transfers use a buffer's bytes from its position to its limit, and the
 * position advances by the bytes transferred when the completion is delivered.
 */
package dev.uring4j;
