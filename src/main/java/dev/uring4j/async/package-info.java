/**
 * io_uring from any thread: {@link dev.uring4j.async.EventLoop} (a ring driven by its own
 * thread) and {@link dev.uring4j.async.AsyncFile} (asynchronous file I/O on io_uring, or on
 * NIO with the same behaviour).
 *
 * <h2>Rules a user must know</h2>
 *
 * <p><b>Who does the work.</b> A read or write of a direct buffer that the page cache can
 * serve is done by the calling thread (RWF_NOWAIT) and returns a completed future; what
 * would block goes to an event loop's ring (a file's own loops, or the
 * {@link dev.uring4j.async.SharedLoops}: one per processor, started when needed, ended when
 * idle or by {@link dev.uring4j.async.SharedLoops#shutdown}).
 *
 * <p><b>Where callbacks run.</b> Actions chained to a completed future run on the thread that
 * chains them; other futures complete, and their actions run, on the event loop's thread
 * (io_uring) or a thread of the NIO pool, or on the file's callback executor
 * ({@link dev.uring4j.async.AsyncFileConfig.Builder#callbackExecutor}). New operations
 * avoid a shared loop that is busy in a slow callback. The watchdog reports a loop stuck in
 * the kernel or in a callback ({@link dev.uring4j.async.EventLoop#stuckReports()}).
 *
 * <p><b>Deadlines.</b> {@code orTimeout}, {@code completeOnTimeout} or {@code cancel} on a
 * returned future cancel the operation in the kernel; {@code get(timeout)} and interrupts
 * end only the wait, as for {@link java.nio.channels.AsynchronousFileChannel}.
 *
 * <p><b>No blocking waits where they would wait on themselves.</b> {@code join()} and
 * {@code get()} of a uring4j future that is not done throw {@link java.lang.IllegalStateException}
 * at once on an event-loop thread or an NIO pool thread. {@code AsyncFile.open},
 * {@code size()}, {@code blockSize()}, {@code truncate()} and {@code close()} run on the
 * calling thread and may be used from callbacks.
 *
 * <p><b>Close.</b> One winner per close; no operation uses a descriptor once close may have
 * released it (each operation holds a use of it until its final completion). Pending
 * operations complete with {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p><b>Buffers.</b> The rules of {@link dev.uring4j} apply to both backends: buffers that an
 * Arena can free are refused up front; heap buffers go through a direct bounce buffer.
 *
 * <p><b>RingOps.</b> A {@link dev.uring4j.async.EventLoop.RingOp} prepares exactly one
 * operation and returns its {@link dev.uring4j.Sqe}; the loop attaches its task to that
 * operation in the ring's in-flight table. One that prepares none or several fails its
 * future at once and completes nobody else's; a tag it sets is harmless.
 */
package dev.uring4j.async;
