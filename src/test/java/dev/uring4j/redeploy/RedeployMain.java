package dev.uring4j.redeploy;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deploys and undeploys {@link RedeployApp} five times, each in a fresh class loader over
 * the uring4j jar (parent: the platform loader, so nothing of uring4j is shared), with that
 * loader as the thread's context class loader as application servers set it; then checks
 * that no uring4j thread, no io_uring descriptor and none of the loaders is left.
 * Args: jar testClassesDir dataFile. Prints "RESULT ok" or what is left.
 */
public final class RedeployMain {
    public static void main(String[] args) throws Exception {
        URL jar = Path.of(args[0]).toUri().toURL();
        URL tests = Path.of(args[1]).toUri().toURL();
        Path file = Path.of(args[2]);
        long ringsBefore = ioUringDescriptors();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            loaders.add(deployOnce(jar, tests, file, i));
        }
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end && (alive(loaders) > 0 || !uringThreads().isEmpty())) {
            System.gc();
            Thread.sleep(100);
        }
        List<String> threads = uringThreads();
        long rings = ioUringDescriptors() - ringsBefore;
        int left = alive(loaders);
        System.out.println("threads " + threads + " ioUringFds " + rings + " loadersAlive " + left);
        System.out.println(threads.isEmpty() && rings == 0 && left == 0 ? "RESULT ok" : "RESULT leak");
    }

    private static WeakReference<ClassLoader> deployOnce(URL jar, URL tests, Path file, int i) throws Exception {
        URLClassLoader app = new URLClassLoader("app-" + i, new URL[] {jar, tests}, ClassLoader.getPlatformClassLoader());
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(app);
        try {
            Object r = app.loadClass(RedeployApp.class.getName()).getMethod("run", Path.class).invoke(null, file);
            System.out.println("deploy " + i + ": " + r);
        } finally {
            t.setContextClassLoader(saved);
        }
        app.close();
        return new WeakReference<>(app);
    }

    private static int alive(List<WeakReference<ClassLoader>> refs) {
        int n = 0;
        for (WeakReference<ClassLoader> r : refs) {
            if (r.get() != null) {
                n++;
            }
        }
        return n;
    }

    private static List<String> uringThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("uring4j")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static long ioUringDescriptors() throws IOException {
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("io_uring")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return n;
    }
}
