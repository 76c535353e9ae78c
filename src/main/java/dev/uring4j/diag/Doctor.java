package dev.uring4j.diag;

import dev.uring4j.RingOptions;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.internal.NativeLoader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar uring4j-<v>-linux-x86_64.jar doctor [--json]}: everything uring4j
 * knows about this host's io_uring, with the fix for whatever is wrong. Exit status 0
 * when io_uring is usable, 1 when it is not.
 */
final class Doctor {
    private Doctor() {}

    static int run(List<String> args, PrintStream out) {
        UringSupport s = UringSupport.get();
        MemlockReport m = s.memlock();
        long defaultRing = m.ringBytes(RingOptions.defaults());
        if (args.contains("--json")) {
            out.print(Json.write(model(s, m, defaultRing)));
        } else {
            text(s, m, defaultRing, out);
        }
        return s.isAvailable() ? 0 : 1;
    }

    private static Map<String, Object> model(UringSupport s, MemlockReport m, long defaultRing) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("kernelRelease", s.kernelRelease());
        root.put("kernelVersion", s.kernelVersion().map(KernelVersion::toString).orElse(null));
        root.put("kernelVersionSource", s.kernelVersion().map(KernelVersion::source).orElse(s.kernelVersionProblem()));
        root.put("arch", System.getProperty("os.arch"));
        root.put("java", System.getProperty("java.version"));
        root.put("nativeLibrary", NativeLoader.loadedFrom());
        root.put("liburing", s.liburingVersion());
        root.put("available", s.isAvailable());
        UringUnavailableException cause = s.unavailabilityCause();
        if (cause != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("reason", cause.reason().name());
            c.put("errno", cause.errno() == 0 ? null : cause.errnoName());
            c.put("message", cause.getMessage());
            c.put("attempts", cause.attempts());
            root.put("cause", c);
        }
        root.put("features", s.featureNames());
        root.put("lastOpcode", s.lastOpcode());
        root.put("opcodes", s.supportedOpcodes());
        Map<String, Object> flags = new LinkedHashMap<>();
        s.flagSupport().forEach((name, f) -> flags.put(name, f.supported() ? "supported" : f.errno()));
        root.put("setupFlags", flags);
        root.put("directDescriptors", s.isDirectDescriptorsSupported());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("softLimit", m.softLimit());
        mem.put("hardLimit", m.hardLimit());
        mem.put("vmLck", m.mlockedBytes());
        mem.put("vmPin", m.pinnedBytes());
        mem.put("capIpcLock", m.hasCapIpcLock());
        mem.put("kernelChargesRings", m.kernelChargesRings());
        mem.put("defaultRingBytes", defaultRing);
        mem.put("defaultRingFits", m.hasCapIpcLock() || !m.kernelChargesRings() || m.fits(defaultRing));
        root.put("memlock", mem);
        List<Object> issues = new ArrayList<>();
        for (KnownIssue i : s.knownIssues()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", i.id());
            e.put("affected", i.affected());
            e.put("title", i.title());
            e.put("verdict", i.verdict());
            e.put("action", i.action());
            e.put("source", i.source());
            issues.add(e);
        }
        root.put("knownIssues", issues);
        return root;
    }

    private static void text(UringSupport s, MemlockReport m, long defaultRing, PrintStream out) {
        out.println("uring4j doctor");
        out.println();
        out.println("kernel       " + s.kernelRelease() + s.kernelVersion()
                .map(v -> " (upstream " + v + ", from the " + v.source() + ")").orElse(" (" + s.kernelVersionProblem() + ")"));
        out.println("platform     " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        out.println("native       " + (NativeLoader.loadedFrom() != null
                ? NativeLoader.loadedFrom() + ", liburing " + s.liburingVersion() : "not loaded"));
        UringUnavailableException cause = s.unavailabilityCause();
        if (cause == null) {
            out.println("io_uring     AVAILABLE");
            out.println("features     " + String.join(" ", s.featureNames()));
            List<String> ops = s.supportedOpcodes();
            out.println("opcodes      " + ops.size() + " supported (highest " + s.lastOpcode() + "):");
            wrap(out, String.join(" ", ops));
            StringBuilder flags = new StringBuilder();
            s.flagSupport().values().forEach(f -> flags.append(f.supported() ? f.flag() : f.flag() + "(" + f.errno() + ")")
                    .append(f.supported() ? " yes  " : " NO  "));
            out.println("setup flags  (2-entry ring each):");
            wrap(out, flags.toString().trim());
            out.println("direct fds   " + (s.isDirectDescriptorsSupported() ? "yes" : "NO: openatDirect, acceptDirect and "
                    + "closeDirect are refused (direct descriptors came in 5.15)"));
        } else {
            out.println("io_uring     UNAVAILABLE: " + cause.reason());
            for (String line : cause.getMessage().split("\n")) {
                out.println("             " + line);
            }
        }
        out.println("memlock      " + m);
        boolean fits = m.hasCapIpcLock() || !m.kernelChargesRings() || m.fits(defaultRing);
        out.println("             a default ring (" + RingOptions.defaults().entries() + " entries) pins " + defaultRing
                + " bytes" + (m.hasCapIpcLock() || !m.kernelChargesRings() ? " (not charged to the limit here)"
                : fits ? ", fits under the limit" : ", DOES NOT FIT: " + m.advice(defaultRing)));
        out.println("known issues");
        for (KnownIssue i : s.knownIssues()) {
            out.println("  " + (i.affected() ? "[AFFECTED] " : "[ok]       ") + i.id() + ": " + i.title());
            out.println("             " + i.verdict());
            if (i.affected()) {
                out.println("             action: " + i.action());
            }
            out.println("             source: " + i.source());
        }
        out.println();
        if (cause == null) {
            out.println("verdict      io_uring is usable in this process" + (fits ? "." : "; raise the memlock limit as shown."));
        } else {
            out.println("verdict      io_uring is NOT usable here (" + cause.reason() + "); uring4j falls back to NIO. "
                    + "See the explanation above for the fix.");
        }
    }

    private static void wrap(PrintStream out, String text) {
        StringBuilder line = new StringBuilder("             ");
        for (String word : text.split(" +")) {
            if (line.length() + word.length() > 100) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder("             ");
            }
            line.append(word).append(' ');
        }
        out.println(line.toString().stripTrailing());
    }
}
