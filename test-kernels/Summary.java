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
            Path reports = dir.resolve("junit");
            if (Files.isDirectory(reports)) {
                try (Stream<Path> s = Files.list(reports)) {
                    for (Path p : s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                        parse(p, k);
                    }
                }
            }
        }
        if (k.timedOut) k.notes.add("the guest was killed after the per-kernel timeout");
        if (!k.finished) k.notes.add("the guest did not finish (see " + name + "/console.log)");
        else if (junit && k.exitCode == 124 || junit && k.exitCode == 137) k.notes.add("the JUnit run hit its timeout (exit " + k.exitCode + ")");
        else if (junit && k.cases.isEmpty()) k.notes.add("no JUnit report (launcher exit " + k.exitCode + ")");
        else if (junit && k.exitCode != 0 && k.count("failed") == 0) k.notes.add("launcher exit " + k.exitCode + " without a failed test in the report");
        else if (!junit && k.exitCode != 0) k.notes.add("guest script exit " + k.exitCode);
        boolean failed = k.count("failed") > 0;
        boolean junitTimeout = junit && k.finished && (k.exitCode == 124 || k.exitCode == 137);
        k.status = !k.finished ? (k.timedOut ? "TIMEOUT" : "NOT FINISHED")
                : failed ? "FAILED"
                : junitTimeout ? "TIMEOUT"
                : !k.notes.isEmpty() ? "ERROR" : "ok";
        return k;
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
            for (Case c : skips) p.println((md ? "- skipped `" : "  skipped ") + c.cls + "." + c.name + (md ? "`: " : ": ") + cut(c.message, md));
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
