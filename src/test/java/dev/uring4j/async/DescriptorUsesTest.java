package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The striped use count: one close action, only after the last use, whatever the interleaving. */
class DescriptorUsesTest {
    @Test
    void closeRunsOnceTheLastUseEnds() {
        AtomicInteger closes = new AtomicInteger();
        DescriptorUses u = new DescriptorUses(closes::incrementAndGet);
        assertTrue(u.acquire());
        assertTrue(u.acquire());
        assertTrue(u.close());
        assertFalse(u.close(), "one winner");
        assertFalse(u.acquire(), "no use after close");
        u.release();
        assertEquals(0, closes.get());
        u.release();
        assertEquals(1, closes.get());
        assertEquals(0, u.held());
    }

    @RepeatedTest(20)
    void racingUsesClosesAndCrossThreadReleasesCloseExactlyOnceAndNeverUnderAUse() throws Exception {
        AtomicInteger live = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger closedUnderUse = new AtomicInteger();
        DescriptorUses u = new DescriptorUses(() -> {
            if (live.get() != 0) {
                closedUnderUse.incrementAndGet();
            }
            closes.incrementAndGet();
        });
        ConcurrentLinkedQueue<Boolean> handedOver = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            boolean releaser = t == 5; // ends uses begun on other threads, as a loop thread does
            ts.add(new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (releaser) {
                        if (handedOver.poll() != null) {
                            live.decrementAndGet();
                            u.release();
                        }
                    } else if (u.acquire()) {
                        live.incrementAndGet();
                        if (i % 3 == 0) {
                            handedOver.add(Boolean.TRUE);
                        } else {
                            live.decrementAndGet();
                            u.release();
                        }
                    }
                }
            }));
        }
        Thread closer = new Thread(() -> {
            try {
                go.await();
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            if (u.acquire()) {
                boolean won = u.close();
                u.release();
                assertTrue(won);
            }
        });
        ts.forEach(Thread::start);
        closer.start();
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        closer.join();
        while (handedOver.poll() != null) {
            live.decrementAndGet();
            u.release();
        }
        assertEquals(0, live.get());
        assertEquals(1, closes.get(), "closed exactly once");
        assertEquals(0, closedUnderUse.get(), "never while a use was held");
    }
}
