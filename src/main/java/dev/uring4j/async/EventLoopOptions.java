package dev.uring4j.async;

import dev.uring4j.RingOptions;
import java.time.Duration;
import java.util.Objects;

/** How an {@link EventLoop} sets up its ring, how long it waits at most, and when its watchdog reports. */
public final class EventLoopOptions {
    private final RingOptions ring;
    private final Duration maxWait;
    private final Duration watchdogThreshold;
    private final String name;
    private final Duration spin;

    private EventLoopOptions(Builder b) {
        this.spin = b.spin;
        this.ring = b.ring;
        this.maxWait = b.maxWait;
        this.watchdogThreshold = b.watchdogThreshold;
        this.name = b.name;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EventLoopOptions defaults() {
        return builder().build();
    }

    public RingOptions ring() {
        return ring;
    }

    /** The longest the loop blocks in io_uring_enter before it looks around again. */
    public Duration maxWait() {
        return maxWait;
    }

    /** Time inside io_uring_enter after which the watchdog reports the loop as stuck. */
    public Duration watchdogThreshold() {
        return watchdogThreshold;
    }

    /**
     * How long an idle loop looks for work before it sleeps in the kernel (0: never): its queue
     * when nothing is in its ring, else the ring itself (non-blocking enters), so that an
     * answer arriving within microseconds costs no sleep and wake-up. At most one spinning
     * thread per processor in the process.
     */
    public Duration spin() {
        return spin;
    }

    /** Thread name prefix. */
    public String name() {
        return name;
    }

    public static final class Builder {
        private RingOptions ring = RingOptions.builder().entries(256).build();
        private Duration maxWait = Duration.ofMillis(500);
        private Duration watchdogThreshold = Duration.ofSeconds(10);
        private String name = "uring4j-loop";
        private boolean allowShortThreshold;
        private Duration spin = Duration.ofNanos(50_000);

        /**
         * How long a loop with nothing in the kernel watches for new requests before it
         * sleeps (default 50 µs): saves a wake-up per burst at the cost of that much CPU.
         */
        public Builder spin(Duration spin) {
            Objects.requireNonNull(spin, "spin");
            if (spin.isNegative() || spin.compareTo(Duration.ofMillis(10)) > 0) {
                throw new IllegalArgumentException("spin must be between 0 and 10 ms, got " + spin);
            }
            this.spin = spin;
            return this;
        }

        private Builder() {}

        public Builder ring(RingOptions ring) {
            this.ring = Objects.requireNonNull(ring, "ring");
            return this;
        }

        public Builder maxWait(Duration maxWait) {
            this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
            return this;
        }

        public Builder watchdogThreshold(Duration threshold) {
            this.watchdogThreshold = Objects.requireNonNull(threshold, "threshold");
            return this;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Tests: a threshold shorter than maxWait, so an idle wait is reported. */
        Builder allowShortWatchdogThreshold() {
            this.allowShortThreshold = true;
            return this;
        }

        public EventLoopOptions build() {
            if (maxWait.isNegative() || maxWait.isZero() || maxWait.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("maxWait must be between 1 ms and 60 s, got " + maxWait);
            }
            if (!allowShortThreshold && watchdogThreshold.compareTo(maxWait.plusSeconds(1)) < 0) {
                throw new IllegalArgumentException("watchdogThreshold (" + watchdogThreshold + ") must exceed maxWait ("
                        + maxWait + ") by at least 1 s, or every idle wait would look stuck");
            }
            return new EventLoopOptions(this);
        }
    }
}
