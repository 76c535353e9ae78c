package com.acme.launch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs several copies of UringRead in one JVM at the same time (never relocated, so each uber jar
 * has the same copy of this class): {@code Together FILE SPEC...}, SPEC {@code CLASS} (from this
 * class path) or {@code CLASS@JAR[:JAR...]} (from a class loader of its own over those jars, whose
 * parent is the platform class loader). Prints one line per SPEC, "SPEC -> report".
 */
public final class Together {
    private Together() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = args.length - 1;
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String spec = args[i];
            Method read = readMethod(spec);
            results.add(pool.submit(() -> {
                try {
                    return (String) read.invoke(null, file, barrier);
                } catch (InvocationTargetException e) {
                    barrier.reset();
                    throw (Exception) e.getCause();
                }
            }));
        }
        for (int i = 0; i < n; i++) {
            System.out.println(args[i + 1] + " -> " + results.get(i).get());
        }
        pool.shutdown();
    }

    private static Method readMethod(String spec) throws Exception {
        int at = spec.indexOf('@');
        ClassLoader loader = Together.class.getClassLoader();
        String cls = spec;
        if (at >= 0) {
            cls = spec.substring(0, at);
            List<URL> urls = new ArrayList<>();
            for (String jar : spec.substring(at + 1).split(":")) {
                urls.add(Path.of(jar).toUri().toURL());
            }
            loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        }
        return Class.forName(cls, true, loader).getMethod("read", Path.class, CyclicBarrier.class);
    }
}
