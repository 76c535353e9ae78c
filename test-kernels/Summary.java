// Summarises a test-kernels/run: reads each kernel's test events (junit/progress-*.tsv from
// TkProgressListener; they survive a killed JVM, unlike the XML reports) and run files,
// prints per-kernel passed/failed/skipped with failure messages and skip reasons,
// writes <results>/summary.md, and exits 1 if a test failed or a guest did not finish.
// Run by test-kernels/run as: java Summary.java <results> <junit|script> <total s> <kernel>...
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

public class Summary {
    record Case(String cls, String name, String outcome, String message) {}

    static final class Kernel {
        String name, release = "?", uname = "?", packages = "?", accel = "?", status;
        long seconds = -1;
        Integer exitCode;
        boolean finished, timedOut;
        final List<Case> cases = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> retryNotes = new ArrayList<>();

        long count(String outcome) {
            return cases.stream().filter(c -> c.outcome.equals(outcome)).count();
        }
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        boolean junit = args[1].equals("junit");
        long total = Long.parseLong(args[2]);
        List<Kernel> kernels = new ArrayList<>();
        boolean bad = false;
        for (int i = 3; i < args.length; i++) {
            Kernel k = read(results.resolve(args[i]), args[i], junit);
            kernels.add(k);
            bad |= !k.status.startsWith("ok");
        }
        String text = render(kernels, junit, total, false);
        System.out.print(text);
        Files.writeString(results.resolve("summary.md"), render(kernels, junit, total, true));
        System.exit(bad ? 1 : 0);
    }

    static Map<String, String> keyValues(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(file)) return m;
        for (String line : Files.readAllLines(file)) {
            int c = line.indexOf(": ");
            if (c > 0) m.merge(line.substring(0, c), line.substring(c + 2), (a, b) -> a + ", " + b);
        }
        return m;
    }

    static Kernel read(Path dir, String name, boolean junit) throws Exception {
        Kernel k = new Kernel();
        k.name = name;
        Map<String, String> kv = keyValues(dir.resolve("kernel-version.txt"));
        k.release = kv.getOrDefault("kernel release", "?");
        k.packages = kv.getOrDefault("image", "?");
        Map<String, String> run = keyValues(dir.resolve("run-info.txt"));
        k.accel = run.getOrDefault("accel", "?");
        k.seconds = Long.parseLong(run.getOrDefault("seconds", "-1"));
        k.timedOut = run.containsKey("timed_out");
        if (Files.exists(dir.resolve("uname.txt"))) k.uname = Files.readString(dir.resolve("uname.txt")).trim();
        Path ec = dir.resolve("guest-exit-code");
        k.finished = Files.exists(ec);
        if (k.finished) k.exitCode = Integer.parseInt(Files.readString(ec).trim());
        if (junit) readProgress(dir.resolve("junit"), k);
        if (k.timedOut) k.notes.add("the guest was killed after the per-kernel timeout");
        if (!k.finished) k.notes.add("the guest did not finish (see " + name + "/console.log)");
        else if (junit && k.cases.isEmpty()) k.notes.add("no JUnit report (guest exit " + k.exitCode + "; see " + name + "/guest.log)");
        else if (junit && k.exitCode != 0 && k.count("failed") == 0) k.notes.add("guest exit " + k.exitCode + " without a failed test in the reports");
        else if (!junit && k.exitCode != 0) k.notes.add("guest script exit " + k.exitCode);
        k.status = !k.finished ? (k.timedOut ? "TIMEOUT" : "NOT FINISHED")
                : k.count("failed") > 0 ? "FAILED"
                : !k.notes.isEmpty() ? "ERROR" : "ok";
        // run retried the guest (a stalled boot, or failed tests run once more): say so, and
        // what failed the first time, so that a flaky pass is never silent.
        String retried = run.get("retried");
        if (retried != null) {
            if (k.status.equals("ok")) k.status = "ok (retried)";
            k.retryNotes.add("retried: " + retried.trim());
            if (junit && Files.isDirectory(dir.resolve("first-run/junit"))) {
                Kernel first = new Kernel();
                readProgress(dir.resolve("first-run/junit"), first);
                first.cases.stream().filter(c -> c.outcome.equals("failed"))
                        .forEach(c -> k.retryNotes.add("first run FAILED " + c.cls + "." + c.name + ": " + c.message));
            }
        }
        return k;
    }

    /**
     * Reads junit/progress-<n>.tsv (one line per test event, written by TkProgressListener in
     * JVM n) and junit/stop-<n>.txt (why JVM n was stopped, and what was running then).
     */
    static void readProgress(Path jdir, Kernel k) throws IOException {
        if (!Files.isDirectory(jdir)) return;
        List<Path> files;
        try (Stream<Path> s = Files.list(jdir)) {
            files = s.filter(p -> p.getFileName().toString().matches("progress-\\d+\\.tsv"))
                    .sorted(java.util.Comparator.comparingInt(Summary::runNumber)).toList();
        }
        Map<String, Case> cases = new LinkedHashMap<>();
        for (Path f : files) {
            int n = runNumber(f);
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] x = line.split("\t", 7);
                if (x.length < 5) continue;
                String ev = x[0], kind = x[1], cls = simple(x[2]), name = kind.equals("C") ? "(class)" : x[3];
                String key = cls + "." + name;
                if (ev.equals("K")) {
                    cases.put(key, new Case(cls, name, "skipped", x.length > 5 ? x[5] : ""));
                } else if (ev.equals("E")) {
                    String status = x.length > 5 ? x[5] : "?", msg = x.length > 6 ? x[6] : "";
                    if (kind.equals("T")) {
                        cases.put(key, new Case(cls, name, status.equals("SUCCESSFUL") ? "passed"
                                : status.equals("ABORTED") ? "skipped" : "failed", msg));
                    } else if (!status.equals("SUCCESSFUL")) {   // class-level: @BeforeAll, constructor, ...
                        cases.put(key, new Case(cls, name, status.equals("ABORTED") ? "skipped" : "failed", msg));
                    }
                }
            }
            Map<String, String> stop = keyValues(jdir.resolve("stop-" + n + ".txt"));
            if (stop.isEmpty()) continue;
            String cls = simple(stop.getOrDefault("class", "?"));
            String test = stop.getOrDefault("test", "");
            String wcls = cls, wname = "(class)";
            if (!test.isEmpty()) {
                int paren = test.indexOf('(');
                int cut = test.lastIndexOf('.', paren < 0 ? test.length() : paren);
                wcls = simple(test.substring(0, Math.max(cut, 0)));
                wname = test.substring(cut + 1);
            }
            String what = stop.get("reason") + " after " + stop.get("seconds") + " s of JVM " + n
                    + "; the rest of " + cls + " did not run; main thread: " + mainThread(jdir.resolve("output-" + n + ".log"))
                    + " [" + k.name + "/junit/output-" + n + ".log]";
            cases.put(wcls + "." + wname, new Case(wcls, wname, "failed", what));
            if (stop.containsKey("not run")) {
                for (String c : stop.get("not run").split(", ")) {
                    cases.put(simple(c) + ".(class)", new Case(simple(c), "(class)", "failed", "not run: JVM " + n + " stopped with no class running"));
                }
            }
        }
        k.cases.addAll(cases.values());
    }

    static int runNumber(Path p) {
        return Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""));
    }

    static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    /** The top frames of the "main" thread in a thread dump, or "?". */
    static String mainThread(Path out) throws IOException {
        if (!Files.exists(out)) return "?";
        List<String> lines = Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("\"main\" ")) {
                List<String> frames = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && frames.size() < 4; j++) {
                    String l = lines.get(j).strip();
                    if (l.isEmpty()) break;
                    if (l.startsWith("at ")) frames.add(l.substring(3));
                }
                return String.join(" <- ", frames);
            }
        }
        return "? (no thread dump)";
    }

    static String tail(Path out) throws IOException {
        if (!Files.exists(out)) return "(no output)";
        List<String> lines = Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        return oneLine(String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    static String cut(String s, boolean md) {
        return md || s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }

    static String render(List<Kernel> ks, boolean junit, long total, boolean md) {
        var out = new java.io.ByteArrayOutputStream();
        PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
        long passed = 0, failed = 0, skipped = 0;
        String counts = junit ? "passed | failed | skipped" : "script exit";
        if (md) {
            p.println("# test-kernels results" + (junit ? "" : " (guest script)"));
            p.println();
            p.println("| kernel | release (guest uname -r) | package | accel | time | " + counts + " | status |");
            p.println("|---|---|---|---|---|" + (junit ? "---|---|---|" : "---|") + "---|");
        } else {
            p.println();
            if (junit) p.printf("%-10s %-28s %-6s %6s %7s %7s %8s  %s%n", "kernel", "release", "accel", "time", "passed", "failed", "skipped", "status");
            else p.printf("%-10s %-28s %-6s %6s %5s  %s%n", "kernel", "release", "accel", "time", "exit", "status");
        }
        for (Kernel k : ks) {
            passed += k.count("passed");
            failed += k.count("failed");
            skipped += k.count("skipped");
            String rel = k.uname.equals("?") ? k.release : k.uname;
            String exit = k.exitCode == null ? "-" : k.exitCode.toString();
            if (md && junit) {
                p.printf("| %s | %s | %s | %s | %d s | %d | %d | %d | %s |%n", k.name, rel, k.packages, k.accel,
                        k.seconds, k.count("passed"), k.count("failed"), k.count("skipped"), k.status);
            } else if (md) {
                p.printf("| %s | %s | %s | %s | %d s | %s | %s |%n", k.name, rel, k.packages, k.accel, k.seconds, exit, k.status);
            } else if (junit) {
                p.printf("%-10s %-28s %-6s %5ds %7d %7d %8d  %s%n", k.name, rel,
                        k.accel, k.seconds, k.count("passed"), k.count("failed"), k.count("skipped"), k.status);
            } else {
                p.printf("%-10s %-28s %-6s %5ds %5s  %s%n", k.name, rel, k.accel, k.seconds, exit, k.status);
            }
        }
        if (md) p.println();
        for (Kernel k : ks) {
            List<Case> fails = k.cases.stream().filter(c -> c.outcome.equals("failed")).toList();
            List<Case> skips = k.cases.stream().filter(c -> c.outcome.equals("skipped")).toList();
            if (fails.isEmpty() && skips.isEmpty() && k.notes.isEmpty() && k.retryNotes.isEmpty()) continue;
            p.println(md ? "## " + k.name + " (" + k.uname + ")" : "\n" + k.name + " (" + k.uname + "):");
            if (md) p.println();
            for (String n : k.notes) p.println((md ? "- **" : "  ! ") + n + (md ? "**" : ""));
            for (String n : k.retryNotes) p.println((md ? "- **" : "  ! ") + cut(n, md) + (md ? "**" : ""));
            for (Case c : fails) p.println((md ? "- FAILED `" : "  FAILED  ") + c.cls + "." + c.name + (md ? "`: " : ": ") + cut(c.message, md));
            // Skips grouped by class, method (parameterized invocations together) and reason.
            Map<String, Integer> grouped = new LinkedHashMap<>();
            for (Case c : skips) {
                String method = c.name.replaceFirst("\\[\\d+\\]$", "");
                grouped.merge(c.cls + "." + method + "\u0000" + c.message, 1, Integer::sum);
            }
            grouped.forEach((key, n) -> {
                String[] kv = key.split("\u0000", 2);
                p.println((md ? "- skipped `" : "  skipped ") + kv[0] + (md ? "`" : "") + (n > 1 ? " (" + n + "x)" : "")
                        + ": " + cut(kv[1], md));
            });
            if (md) p.println();
        }
        p.println();
        if (md) p.println("Total time: " + total + " s. Per kernel: `<name>/console.log` (serial console), `guest.log`"
                + " (what the guest script printed), `kernel-version.txt`, `dmesg.txt`" + (junit ? ", `junit/` (events, XML reports, JVM output)." : "."));
        else p.println("total time " + total + " s");
        if (junit) p.println((md ? "\n" : "") + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        return out.toString(StandardCharsets.UTF_8);
    }
}
