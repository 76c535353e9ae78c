package dev.uring4j;

/** Run in child JVMs: opens a ring with {@code args[0]} entries and prints the outcome. */
public final class RingOpenMain {
    private RingOpenMain() {}

    public static void main(String[] args) {
        int entries = Integer.parseInt(args[0]);
        System.out.println("available=" + Uring.isAvailable());
        try (Ring ring = Ring.open(RingOptions.builder().entries(entries).build())) {
            System.out.println("opened sq=" + ring.sqEntries());
        } catch (UringMemlockException e) {
            System.out.println("memlock limit=" + e.limit() + " locked=" + e.locked() + " needed=" + e.needed()
                    + " ringsCharged=" + e.ringsCharged() + " errno=" + e.errnoName());
            System.out.println("message=" + e.getMessage());
        } catch (UringUnavailableException e) {
            System.out.println("unavailable reason=" + e.reason());
            System.out.println("message=" + e.getMessage().replace('\n', '|'));
        } catch (Throwable e) {
            System.out.println("other " + e);
        }
    }
}
