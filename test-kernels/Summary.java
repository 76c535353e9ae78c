// Summarises a test-kernels/run: reads each kernel's JUnit XML reports and run files,
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
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class Summary {
    record Case(String cls, String name, String outcome, String message) {}

    static final class Kernel {
        String name, release = "?", uname = "?", packages = "?", accel = "?", status;
        long seconds = -1;
        Integer exitCode;
        boolean finished, timedOut;
        final List<Case> cases = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

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
            bad |= !k.status.equals("ok");
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
        if (junit) {
            // junit/<class>/: TEST-*.xml from the launcher, result.txt and output.log from guest-junit.sh
            Path reports = dir.resolve("junit");
            if (Files.isDirectory(reports)) {
                try (Stream<Path> s = Files.list(reports)) {
                    for (Path cdir : s.filter(Files::isDirectory).sorted().toList()) readClass(cdir, k);
                }
            }
        }
        if (k.timedOut) k.notes.add("the guest was killed after the per-kernel timeout");
        if (!k.finished) k.notes.add("the guest did not finish (see " + name + "/console.log)");
        else if (junit && k.cases.isEmpty()) k.notes.add("no JUnit report (guest exit " + k.exitCode + "; see " + name + "/guest.log)");
        else if (junit && k.exitCode != 0 && k.count("failed") == 0) k.notes.add("guest exit " + k.exitCode + " without a failed test in the reports");
        else if (!junit && k.exitCode != 0) k.notes.add("guest script exit " + k.exitCode);
        k.status = !k.finished ? (k.timedOut ? "TIMEOUT" : "NOT FINISHED")
                : k.count("failed") > 0 ? "FAILED"
                : !k.notes.isEmpty() ? "ERROR" : "ok";
        return k;
    }

    static void readClass(Path cdir, Kernel k) throws Exception {
        String cls = cdir.getFileName().toString();
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        int before = k.cases.size();
        try (Stream<Path> s = Files.list(cdir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) parse(p, k);
        }
        Map<String, String> r = keyValues(cdir.resolve("result.txt"));
        Path out = cdir.resolve("output.log");
        String exit = r.get("exit"), hung = r.getOrDefault("hung", "no");
        if (r.isEmpty()) {
            k.cases.add(new Case(simple, "(class)", "failed", "its JVM did not finish (the guest stopped first)"));
        } else if (!hung.equals("no")) {
            k.cases.add(new Case(simple, "(class)", "failed", "killed after " + r.get("seconds") + " s (hung: " + hung
                    + "; reports of its finished tests are lost); main thread: " + mainThread(out)
                    + " [" + k.name + "/junit/" + cls + "/output.log]"));
        } else if (!"0".equals(exit) && k.cases.subList(before, k.cases.size()).stream().noneMatch(c -> c.outcome.equals("failed"))) {
            k.cases.add(new Case(simple, "(class)", "failed", "launcher exit " + exit + ": " + tail(out)));
        }
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

    static void parse(Path xml, Kernel k) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        var doc = f.newDocumentBuilder().parse(xml.toFile());
        NodeList tcs = doc.getElementsByTagName("testcase");
        for (int i = 0; i < tcs.getLength(); i++) {
            Element tc = (Element) tcs.item(i);
            String cls = tc.getAttribute("classname");
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            String outcome = "passed", msg = "";
            for (String tag : new String[] {"failure", "error", "skipped"}) {
                NodeList n = tc.getElementsByTagName(tag);
                if (n.getLength() > 0) {
                    Element e = (Element) n.item(0);
                    outcome = tag.equals("skipped") ? "skipped" : "failed";
                    msg = e.getAttribute("message");
                    if (msg.isBlank()) msg = e.getTextContent();
                    if (msg.isBlank()) msg = e.getAttribute("type");
                    if (outcome.equals("skipped")) {   // a reason, or an aborted test's stack trace: keep its first line
                        msg = msg.strip().lines().findFirst().orElse("")
                                .replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "");
                    }
                    break;
                }
            }
            k.cases.add(new Case(cls, tc.getAttribute("name"), outcome, oneLine(msg)));
        }
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
            if (fails.isEmpty() && skips.isEmpty() && k.notes.isEmpty()) continue;
            p.println(md ? "## " + k.name + " (" + k.uname + ")" : "\n" + k.name + " (" + k.uname + "):");
            if (md) p.println();
            for (String n : k.notes) p.println((md ? "- **" : "  ! ") + n + (md ? "**" : ""));
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
                + " (what the guest script printed), `kernel-version.txt`, `dmesg.txt`" + (junit ? ", `junit/*.xml`." : "."));
        else p.println("total time " + total + " s");
        if (junit) p.println((md ? "\n" : "") + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        return out.toString(StandardCharsets.UTF_8);
    }
}
