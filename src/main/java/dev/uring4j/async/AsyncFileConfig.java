package dev.uring4j.async;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Per-file choices: the backend (else {@link AsyncFile#defaultBackend()}), the event
 * loops io_uring operations run on (else the {@link SharedLoops}; several loops spread
 * callers by thread), the executor of the NIO backend (else a shared bounded pool), and an
 * executor for completions (else they run on the loop or pool thread that finished the
 * operation).
 */
public final class AsyncFileConfig {
    private static final AsyncFileConfig DEFAULTS = builder().build();

    private final AsyncFile.Backend backend;
    private final List<EventLoop> loops;
    private final ExecutorService executor;
    private final Executor callbackExecutor;

    private AsyncFileConfig(Builder b) {
        this.callbackExecutor = b.callbackExecutor;
        this.backend = b.backend;
        this.loops = b.loops;
        this.executor = b.executor;
    }

    public static AsyncFileConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The backend requested, or null for the default. */
    public AsyncFile.Backend backend() {
        return backend;
    }

    /** The event loops to use, or null for the shared loop. */
    public List<EventLoop> loops() {
        return loops;
    }

    /** The NIO executor, or null for the shared pool. */
    public ExecutorService executor() {
        return executor;
    }

    /** Where futures of operations that did not complete at once are completed, or null (see the Builder). */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    public static final class Builder {
        private Executor callbackExecutor;
        private AsyncFile.Backend backend;
        private List<EventLoop> loops;
        private ExecutorService executor;

        private Builder() {}

        public Builder backend(AsyncFile.Backend backend) {
            this.backend = backend;
            return this;
        }

        /** Run io_uring operations on this loop. */
        public Builder eventLoop(EventLoop loop) {
            this.loops = List.of(Objects.requireNonNull(loop, "loop"));
            return this;
        }

        /** Spread io_uring operations over these loops, each calling thread sticking to one. */
        public Builder eventLoops(List<EventLoop> loops) {
            Objects.requireNonNull(loops, "loops");
            if (loops.isEmpty()) {
                throw new IllegalArgumentException("at least one event loop");
            }
            for (int i = 0; i < loops.size(); i++) {
                Objects.requireNonNull(loops.get(i), "loops[" + i + "] is null"); // (List.copyOf's NPE has no message)
            }
            this.loops = List.copyOf(loops);
            return this;
        }

        /**
         * Run NIO operations on this executor (the file does not shut it down). Callbacks then
         * run on its threads, and a blocking wait there for a future it has yet to run is not
         * detected (only the shared pool's threads and event-loop threads refuse such waits).
         * It must outlive the file, as the JDK's AsynchronousFileChannel asks of its executor:
         * after it is shut down new operations are refused (RejectedExecutionException), and
         * operations that {@code shutdownNow()} took out of its queue complete only when the file
         * is closed (AsynchronousCloseException). An interrupt of its threads does not close the
         * file; one that lands inside a FileChannel call closes it (FileChannel closes itself
         * then), and the file reports that: {@code isOpen()} false.
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Completes the file's futures on {@code executor}, so that the actions chained to
         * them (thenApply, whenComplete...) run there and not on the event loop (or NIO pool)
         * thread, where a slow action delays every other operation of that loop. Costs one
         * hand-off per operation. Operations that complete at once (served from the page
         * cache on the calling thread) return a future that is already done: actions chained
         * to it run on the thread that chains them, as for any completed CompletableFuture.
         * If the executor refuses a completion, it runs on the loop thread.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public AsyncFileConfig build() {
            return new AsyncFileConfig(this);
        }
    }
}
