package dev.uring4j.internal;

import java.util.function.Consumer;

/**
 * How an EventLoop keeps the submitting, reaping and closing of its Ring to itself while it
 * lends the Ring to user code (a RingOp's prepare, or a Ring a RingOp kept). A managed Ring
 * refuses submit, wait, reap and close unless the loop gave itself the turn right before:
 * a user's reap would hand the loop's completions to the user's handler (their futures would
 * never complete), and a user's close would end the loop's ring under it. The Ring installs
 * the two actions when its class initialises; this package names no API type.
 */
public final class RingLoan {
    private static volatile Consumer<Object> manage;
    private static volatile Consumer<Object> turn;

    private RingLoan() {}

    /** Called once, by the Ring class. */
    public static synchronized void install(Consumer<Object> manageAction, Consumer<Object> turnAction) {
        if (manage == null) {
            manage = manageAction;
            turn = turnAction;
        }
    }

    /** From now on only the manager submits, waits, reaps and closes {@code ring}. */
    public static void manage(Object ring) {
        manage.accept(ring);
    }

    /** Lets the manager's next submit, wait, reap or close of {@code ring} through (one call). */
    public static void turn(Object ring) {
        turn.accept(ring);
    }
}
