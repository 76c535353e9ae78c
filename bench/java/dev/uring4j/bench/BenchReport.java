package dev.uring4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Turns the JSON lines of a benchmark run into a markdown table (medians, min-max, ratios
 * to the C ceiling of the same workload) and a PNG chart of the ratios. The echo workloads
 * have no C ceiling: their tables give round trips and ratios to Netty epoll instead. The
 * blocking-read workloads (blockread, missread) also give the ratio to FileChannel on the
 * same kind of threads (platform or virtual) and as many of them, and the JDK each ran on;
 * the cores workload is one table of each contender on 1 and on 2 cores and the ratio.
 *
 * <pre>java BenchReport results.jsonl out.md out.png "machine description"</pre>
 */
public final class BenchReport {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[-0-9.eE]+|null)");
    /** The suffix BenchMain --cores-label adds: the processor count the JVM saw. */
    private static final Pattern CORES = Pattern.compile("^(.*), (\\d+) cores?$");
    private static final String C = "C liburing";
    /** The reference of the echo tables: EchoBench's --server netty-epoll. */
    private static final String NETTY_EPOLL = "Netty 4.2 epoll (1 event loop)";

    private BenchReport() {}

    /** allocPerOp is NaN where the run could not measure it (JSON null); jdk is "" for the C rows. */
    record Run(String contender, String workload, int depth, double opsPerSec, double cpuNsPerOp, double allocPerOp,
               String jdk) {}

    record Row(String workload, int depth, String contender, double median, double min, double max, double cpu,
               double alloc, int runs, String jdk) {}

    public static void main(String[] args) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.startsWith("{")) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                f.put(m.group(1), m.group(2).replace("\"", ""));
            }
            String alloc = f.get("allocBytesPerOp");
            String jdk = f.getOrDefault("jdk", "");
            runs.add(new Run(f.get("contender"), f.get("workload"), Integer.parseInt(f.get("depth")),
                    Double.parseDouble(f.get("opsPerSec")), Double.parseDouble(f.get("cpuNsPerOp")),
                    alloc == null || alloc.equals("null") ? Double.NaN : Double.parseDouble(alloc),
                    feature(jdk)));
        }
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) {
            groups.computeIfAbsent(r.workload + "|" + r.depth + "|" + r.contender, k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            Run first = g.get(0);
            rows.add(new Row(first.workload, first.depth, first.contender, median(g, Run::opsPerSec),
                    g.stream().mapToDouble(Run::opsPerSec).min().orElse(0), g.stream().mapToDouble(Run::opsPerSec).max().orElse(0),
                    median(g, Run::cpuNsPerOp), median(g, Run::allocPerOp), g.size(),
                    String.join("/", g.stream().map(Run::jdk).distinct().toList())));
        }
        Files.writeString(Path.of(args[1]), markdown(rows, args.length > 3 ? args[3] : ""));
        chart(rows, Path.of(args[2]));
    }

    /** "17.0.15+6-Debian-1deb12u1" to "17"; "" stays "". */
    private static String feature(String jdk) {
        try {
            return jdk.isEmpty() ? "" : String.valueOf(Runtime.Version.parse(jdk).feature());
        } catch (IllegalArgumentException e) {
            return jdk;
        }
    }

    private static double median(List<Run> g, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run r : g) {
            double x = f.applyAsDouble(r);
            if (!Double.isNaN(x)) {
                v.add(x);
            }
        }
        Collections.sort(v);
        int n = v.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static Row ceiling(List<Row> rows, Row r) {
        for (Row c : rows) {
            if (c.contender.equals(C) && c.workload.equals(r.workload) && c.depth == r.depth) {
                return c;
            }
        }
        return null;
    }

    private static boolean echo(String workload) {
        return workload.startsWith("echo-");
    }

    /** The workloads of one blocking read per thread, compared with FileChannel on the same threads. */
    private static boolean blocking(String workload) {
        return workload.equals("blockread") || workload.equals("missread");
    }

    /**
     * The FileChannel row {@code r} is compared with in the blocking-read tables: FileChannel
     * on as many threads as the depth, virtual threads for a virtual-thread contender and
     * platform threads for the others (the C ceiling, Ring and AsyncFile's single caller
     * included).
     */
    private static Row fileChannel(List<Row> rows, Row r) {
        String kind = r.contender.contains("virtual thread") ? "virtual" : "platform";
        String want = "FileChannel " + r.depth + " " + kind + " thread" + (r.depth > 1 ? "s" : "");
        for (Row c : rows) {
            if (c.contender.equals(want) && c.workload.equals(r.workload) && c.depth == r.depth) {
                return c;
            }
        }
        return null;
    }

    private static String ratio(double a, Row ref, boolean cpu) {
        if (ref == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f", a / (cpu ? ref.cpu : ref.median));
    }

    private static String alloc(double a) {
        return Double.isNaN(a) ? "n/a" : String.format(Locale.ROOT, "%.1f", a);
    }

    /** The row that {@code r} is compared with: the C ceiling, or Netty epoll for echo. */
    private static Row reference(List<Row> rows, Row r) {
        if (!echo(r.workload)) {
            return ceiling(rows, r);
        }
        for (Row c : rows) {
            if (c.contender.equals(NETTY_EPOLL) && c.workload.equals(r.workload) && c.depth == r.depth) {
                return c;
            }
        }
        return null;
    }

    static String title(String workload, int depth) {
        switch (workload) {
            case "nop": return "NOP, batches of " + depth;
            case "randread": return "4 KiB random reads, page cache, depth " + depth;
            case "directread": return "4 KiB random reads, O_DIRECT, depth " + depth;
            case "seqwrite": return "64 KiB sequential writes, fdatasync every 64";
            case "blockread": return "4 KiB random reads, page cache, one blocking read in flight per thread, " + depth
                    + " threads (C: liburing at depth " + depth + ")";
            case "missread": return "4 KiB random reads that miss the page cache, depth " + depth;
            case "cores": return "1 core and 2 cores (taskset)";
            default:
                if (echo(workload)) {
                    return "TCP echo on loopback, " + workload.substring(5).replace("B", " B") + " messages, " + depth
                            + " connection" + (depth > 1 ? "s" : "") + " (no C ceiling: ratios are to Netty epoll)";
                }
                return workload + " depth " + depth;
        }
    }

    private static String markdown(List<Row> rows, String machine) {
        StringBuilder sb = new StringBuilder("# uring4j benchmark results\n\n");
        sb.append(machine).append("\n\nMedians over the rounds (min-max in brackets); ratios are to the C liburing ceiling ")
                .append("of the same workload in the same run. CPU is process CPU time (user+sys, all threads) per operation; ")
                .append("allocation is bytes allocated by all Java threads per operation. The TCP echo tables have no C ceiling: ")
                .append("an operation is one round trip, the clients run in the same JVM (their CPU is counted for every server ")
                .append("alike), and ratios are to Netty 4.2 epoll on one event loop thread in the same run.\n");
        String current = "";
        boolean coresDone = false;
        for (Row r : rows) {
            if (r.workload.equals("cores")) {
                if (!coresDone) {
                    coresDone = true;
                    current = "";
                    cores(sb, rows);
                }
                continue;
            }
            String t = title(r.workload, r.depth);
            boolean echo = echo(r.workload);
            if (blocking(r.workload)) {
                if (!t.equals(current)) {
                    current = t;
                    sb.append("\n## ").append(t).append("\n\n").append(r.workload.equals("missread")
                            ? "Every run has the data file's pages dropped from the page cache (posix_fadvise DONTNEED) every few "
                                    + "tens of milliseconds in the background, from before the JVM starts to its exit. "
                            : "").append("x FileChannel: throughput over FileChannel's on the same kind of threads (virtual for the "
                                    + "virtual-thread rows, platform for the others), as many as the depth, in the same run. "
                                    + "JDK: the feature release the contender ran on.\n\n")
                            .append("| contender | ops/s (median) | min-max | x C | x FileChannel (same threads) | CPU ns/op | CPU x C "
                                    + "| alloc B/op | JDK | runs |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
                }
                Row c = ceiling(rows, r);
                Row fc = fileChannel(rows, r);
                sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f-%,.0f | %s | %s | %,.0f | %s | %s | %s | %d |%n",
                        r.contender, r.median, r.min, r.max, ratio(r.median, c, false), ratio(r.median, fc, false),
                        r.cpu, ratio(r.cpu, c, true), alloc(r.alloc), r.jdk, r.runs));
                continue;
            }
            if (!t.equals(current)) {
                current = t;
                sb.append("\n## ").append(t).append("\n\n").append(echo
                        ? "| contender | round trips/s (median) | min-max | x Netty epoll | CPU ns/round trip | CPU x Netty epoll | runs |\n"
                                + "|---|---:|---:|---:|---:|---:|---:|\n"
                        : "| contender | ops/s (median) | min-max | x C | CPU ns/op | CPU x C | alloc B/op | runs |\n"
                                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
            }
            Row c = reference(rows, r);
            if (echo) {
                sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f-%,.0f | %s | %,.0f | %s | %d |%n",
                        r.contender, r.median, r.min, r.max, c == null ? "" : String.format(Locale.ROOT, "%.2f", r.median / c.median),
                        r.cpu, c == null ? "" : String.format(Locale.ROOT, "%.2f", r.cpu / c.cpu), r.runs));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f-%,.0f | %s | %,.0f | %s | %s | %d |%n",
                    r.contender, r.median, r.min, r.max, c == null ? "" : String.format(Locale.ROOT, "%.2f", r.median / c.median),
                    r.cpu, c == null ? "" : String.format(Locale.ROOT, "%.2f", r.cpu / c.cpu), alloc(r.alloc), r.runs));
        }
        return sb.toString();
    }

    /**
     * The cores table: each contender (its label without BenchMain's ", N cores" suffix) on
     * one core and on two, at each depth, and the 2-core/1-core throughput ratio.
     */
    private static void cores(StringBuilder sb, List<Row> rows) {
        Map<String, Row[]> pairs = new LinkedHashMap<>();
        List<Row> other = new ArrayList<>();
        for (Row r : rows) {
            if (!r.workload.equals("cores")) {
                continue;
            }
            Matcher m = CORES.matcher(r.contender);
            int n = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            if (n != 1 && n != 2) {
                other.add(r);
                continue;
            }
            pairs.computeIfAbsent(r.depth + "|" + m.group(1), k -> new Row[2])[n - 1] = r;
        }
        sb.append("\n## ").append(title("cores", 0)).append("\n\n")
                .append("The same contender under taskset -c 0 and taskset -c 0,1: the JVM sees 1 and 2 processors. Depth: ")
                .append("threads, one blocking read in flight each; the depth-256 rows read a file kept out of the page cache, ")
                .append("as missread.\n\n")
                .append("| contender | depth | ops/s 1 core | ops/s 2 cores | 2 cores / 1 core | CPU ns/op 1 core | CPU ns/op 2 cores "
                        + "| JDK | runs (1/2 cores) |\n|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Map.Entry<String, Row[]> e : pairs.entrySet()) {
            Row one = e.getValue()[0];
            Row two = e.getValue()[1];
            Row any = one != null ? one : two;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s/%s |%n",
                    e.getKey().substring(e.getKey().indexOf('|') + 1), any.depth,
                    one == null ? "" : String.format(Locale.ROOT, "%,.0f", one.median),
                    two == null ? "" : String.format(Locale.ROOT, "%,.0f", two.median),
                    one == null || two == null ? "" : String.format(Locale.ROOT, "%.2f", two.median / one.median),
                    one == null ? "" : String.format(Locale.ROOT, "%,.0f", one.cpu),
                    two == null ? "" : String.format(Locale.ROOT, "%,.0f", two.cpu),
                    any.jdk, one == null ? "0" : String.valueOf(one.runs), two == null ? "0" : String.valueOf(two.runs)));
        }
        for (Row r : other) {
            // Not labelled with 1 or 2 cores (a plan line without --cores-label, say): named, not paired.
            sb.append(String.format(Locale.ROOT, "%nNot paired (no 1- or 2-core label): %s, depth %d, %,.0f ops/s.%n",
                    r.contender, r.depth, r.median));
        }
    }

    private static void chart(List<Row> rows, Path out) throws IOException {
        List<Row> shown = new ArrayList<>();
        for (Row r : rows) {
            if (!r.contender.equals(C) && ceiling(rows, r) != null) {
                shown.add(r);
            }
        }
        int barH = 18;
        int labelW = 520;
        int width = 1100;
        int groups = (int) shown.stream().map(r -> r.workload + r.depth).distinct().count();
        int height = 70 + shown.size() * barH + groups * 30;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Throughput relative to the C liburing ceiling (median; 1.0 = C)", 10, 22);
        double maxRatio = 1.5;
        for (Row r : shown) {
            maxRatio = Math.max(maxRatio, r.median / ceiling(rows, r).median);
        }
        int plotW = width - labelW - 40;
        int x0 = labelW;
        int y = 45;
        String current = "";
        for (Row r : shown) {
            String t = title(r.workload, r.depth);
            if (!t.equals(current)) {
                current = t;
                y += 12;
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                g.setColor(Color.DARK_GRAY);
                g.drawString(t, 10, y + 8);
                y += 18;
            }
            double ratio = r.median / ceiling(rows, r).median;
            int w = (int) (plotW * ratio / maxRatio);
            g.setColor(r.contender.startsWith("uring4j") ? new Color(0x2f6db5) : new Color(0x9a9a9a));
            g.fillRect(x0, y, Math.max(1, w), barH - 4);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(r.contender, 20, y + 11);
            g.drawString(String.format(Locale.ROOT, "%.2f", ratio), x0 + w + 4, y + 11);
            y += barH;
        }
        g.setColor(new Color(0xc0392b));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
        int x1 = x0 + (int) (plotW / maxRatio);
        g.drawLine(x1, 40, x1, height - 10);
        g.dispose();
        ImageIO.write(img, "png", out.toFile());
    }
}
