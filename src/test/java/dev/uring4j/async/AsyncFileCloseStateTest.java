package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** AsyncFile's close transition and use count, on a backend that only counts what it is asked to do. */
class AsyncFileCloseStateTest {
    /** Counts descriptor closes and pending sweeps; operations are never called. */
    static final class Counting extends AsyncFile {
        final AtomicInteger descriptorCloses = new AtomicInteger();
        final AtomicInteger sweeps = new AtomicInteger();
        volatile boolean usedAfterClose;
        volatile boolean descriptorGone;

        Counting() {
            super(Path.of("counting"), Set.of(StandardOpenOption.READ));
        }

        /** What an operation does: a use around touching the descriptor. */
        boolean operate() {
            if (!acquireUse()) {
                return false;
            }
            try {
                if (descriptorGone) {
                    usedAfterClose = true;
                }
                Thread.onSpinWait();
                return true;
            } finally {
                releaseUse();
            }
        }

        @Override
        public Backend backend() {
            return Backend.NIO;
        }

        @Override
        CompletableFuture<Integer> doRead(ByteBuffer dst, long position) {
            throw new AssertionError();
        }

        @Override
        CompletableFuture<Integer> doWrite(ByteBuffer src, long position) {
            throw new AssertionError();
        }

        @Override
        CompletableFuture<Long> doRead(ByteBuffer[] dsts, long position) {
            throw new AssertionError();
        }

        @Override
        CompletableFuture<Long> doWrite(ByteBuffer[] srcs, long position) {
            throw new AssertionError();
        }

        @Override
        CompletableFuture<Void> doForce(boolean metaData) {
            throw new AssertionError();
        }

        @Override
        CompletableFuture<Void> doAllocate(long position, long length) {
            throw new AssertionError();
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public int blockSize() {
            return 512;
        }

        @Override
        void doTruncate(long size) {
        }

        @Override
        void failPending() {
            sweeps.incrementAndGet();
        }

        @Override
        void closeDescriptor() {
            descriptorGone = true;
            descriptorCloses.incrementAndGet();
        }

        @Override
        int pendingCount() {
            return 0;
        }
    }

    @Test
    void concurrentClosesAndUsersCloseTheDescriptorExactlyOnceAndNeverUseItAfterwards() throws Exception {
        for (int round = 0; round < 500; round++) {
            Counting f = new Counting();
            int closers = 3;
            int users = 3;
            CyclicBarrier go = new CyclicBarrier(closers + users);
            List<Thread> ts = new ArrayList<>();
            AtomicBoolean failed = new AtomicBoolean();
            for (int i = 0; i < closers + users; i++) {
                boolean closer = i < closers;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        if (closer) {
                            f.close();
                            if (!f.descriptorClosed()) {
                                failed.set(true); // close returned on an ordinary thread before the descriptor closed
                            }
                        } else {
                            for (int k = 0; k < 200 && f.operate(); k++) {
                                Thread.yield();
                            }
                        }
                    } catch (Exception e) {
                        failed.set(true);
                    }
                });
                t.start();
                ts.add(t);
            }
            for (Thread t : ts) {
                t.join();
            }
            assertFalse(failed.get(), "round " + round);
            assertEquals(1, f.descriptorCloses.get(), "round " + round + ": one close of the descriptor");
            assertEquals(1, f.sweeps.get(), "round " + round + ": one winner sweeps");
            assertFalse(f.usedAfterClose, "round " + round + ": a use after the descriptor was closed");
            assertFalse(f.operate(), "no use once closed");
            assertEquals(0, f.usesHeld());
        }
    }

    @Test
    void aUseTheKernelNeverReleasesLeaksTheDescriptorInsteadOfClosingItUnderTheKernel() throws Exception {
        long saved = AsyncFile.closeWaitMillis;
        AsyncFile.closeWaitMillis = 300;
        try {
            Counting f = new Counting();
            assertTrue(f.acquireUse()); // an operation the kernel holds
            long start = System.nanoTime();
            f.close();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 250 && ms < 5_000, "close waited for the deadline: " + ms + " ms");
            assertFalse(f.isOpen());
            assertEquals(0, f.descriptorCloses.get(), "not closed while a use is held");
            assertFalse(f.descriptorClosed());
            f.close(); // a second close neither closes nor sweeps again
            assertEquals(1, f.sweeps.get());
            f.releaseUse(); // the kernel completes at last
            assertEquals(1, f.descriptorCloses.get());
            assertTrue(f.descriptorClosed());
        } finally {
            AsyncFile.closeWaitMillis = saved;
        }
    }

    @Test
    void closeOnACompletionThreadDoesNotWait() throws Exception {
        Counting f = new Counting();
        assertTrue(f.acquireUse());
        CompletableFuture<Long> took = new CompletableFuture<>();
        Thread t = new UringThread(() -> {
            long start = System.nanoTime();
            try {
                f.close();
                took.complete(System.nanoTime() - start);
            } catch (IOException e) {
                took.completeExceptionally(e);
            }
        }, "fake-loop", "event-loop");
        t.start();
        assertTrue(took.get(5, TimeUnit.SECONDS) < TimeUnit.MILLISECONDS.toNanos(200), "no wait on a loop thread");
        assertFalse(f.descriptorClosed());
        f.releaseUse(); // the last completion closes it
        assertEquals(1, f.descriptorCloses.get());
    }
}
