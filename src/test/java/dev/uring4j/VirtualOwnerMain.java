package dev.uring4j;

/** Child JVM (JDK 21+): Ring.open on a virtual thread is refused, on a platform thread it works. */
public final class VirtualOwnerMain {
    private VirtualOwnerMain() {}

    public static void main(String[] args) throws Exception {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Runnable attempt = () -> {
            try (Ring ring = Ring.open(RingOptions.defaults())) {
                System.out.println("accepted: " + ring);
            } catch (Throwable t) {
                System.out.println("refused: " + t);
            }
        };
        Thread vt = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, attempt);
        vt.join();
        try (Ring ring = Ring.open(RingOptions.defaults())) {
            ring.nop().tag(1);
            ring.submitAndReap(1, 5, java.util.concurrent.TimeUnit.SECONDS, (tag, res, flags) -> { });
            System.out.println("platform thread ring: ok");
        }
    }
}
