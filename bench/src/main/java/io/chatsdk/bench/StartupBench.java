package io.chatsdk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The appliance's first start (a fresh data directory: initdb of the embedded PostgreSQL, every migration, a new
 * keystore) and its restarts on that directory, each from process start to {@code /health/ready} = 200, with where the
 * time goes as the appliance's own log tells it. Each restart runs twice, without and then with the class-data-sharing
 * archive the launchers use (the first start writes it when it stops), so the two are compared in the same run. The
 * seconds to ready do not include stopping, which has its own column.
 *
 * Run with {@code ./chatsdk bench-startup [restarts]}.
 */
public final class StartupBench {
    /** Log lines that end a phase, in the order they appear, and the phase each ends. */
    private static final Map<String, String> MARKS = new LinkedHashMap<>();

    static {
        MARKS.put("startup time : Embedded", "JVM and Payara Micro's own start");
        MARKS.put("No deployment transformer", "the deployment reads every class of the application (HK2 class model)");
        MARKS.put("WELD-000900", "web container, security, class loader");
        MARKS.put("embedded PostgreSQL started", "CDI bean discovery, then the embedded PostgreSQL (initdb on a first start)");
        MARKS.put("ROOT was successfully deployed", "engine: migrations, keys, broker, cluster, job runners");
        MARKS.put(") ready in ", "the rest (the application's start events)");
    }

    private static final Pattern STAMP = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\dT(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})");

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int restarts = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 3;
        Path jar = Path.of(args.length > 1 ? args[1] : "appliance-war/target/chatsdk-appliance.jar").toAbsolutePath();
        Path data = Files.createTempDirectory("chatsdk-startup-");
        System.out.println("## Startup benchmark");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, %s (%d MiB)%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                jar.getFileName(), Files.size(jar) >> 20);
        System.out.println("| start | to ready, s | stop, s | " + String.join(" | ", MARKS.values()) + " |");
        System.out.println("|---|---:|---:|" + "---:|".repeat(MARKS.size()));
        // the launchers' class-data-sharing options (./chatsdk up, the installer's chatsdk-server): the first stop writes
        // the archive, later starts map it
        Files.createDirectories(data.resolve("cache"));
        List<String> cds = List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + data.resolve("cache/appliance.jsa"),
                "-Xlog:cds=off,cds+dynamic=off");
        List<Double> plain = new ArrayList<>();
        List<Double> shared = new ArrayList<>();
        run(jar, data, cds, "first (writes the archive when it stops)");
        for (int i = 1; i <= restarts; i++) {
            plain.add(run(jar, data, List.of(), "restart " + i + ", no archive"));
            shared.add(run(jar, data, cds, "restart " + i + ", with the archive"));
        }
        if (restarts > 0) {
            double without = median(plain);
            double with = median(shared);
            System.out.printf(Locale.ROOT, "%nRestart to ready, median of %d: **%.1f s** with the class-data-sharing archive, %.1f s without "
                    + "(ratio %.2f). Phases are seconds between the log lines that end them; the JVM's own start before the first log line "
                    + "is in the first phase's share of the total.%n", restarts, with, without, with / without);
        }
    }

    /** Starts the appliance on {@code data}, waits until it is ready, prints the row, stops it; the seconds to ready. */
    private static double run(Path jar, Path data, List<String> jvmArgs, String label) throws Exception {
        long t0 = System.nanoTime();
        ApplianceProcess appliance = ApplianceProcess.start(jar, jvmArgs, Map.of("CHATSDK_DATA_DIR", data.toString()));
        double seconds;
        long stopping;
        try {
            appliance.awaitReady();
            seconds = (System.nanoTime() - t0) / 1e9;
        } finally {
            stopping = System.nanoTime();
            appliance.close();
        }
        double stop = (System.nanoTime() - stopping) / 1e9;
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.1f | %.1f |", label, seconds, stop));
        phases(appliance.log).forEach(p -> row.append(Double.isNaN(p) ? " ? |" : String.format(Locale.ROOT, " %.1f |", p)));
        System.out.println(row);
        return seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Seconds each phase took, from the log's first time stamp to each mark's first line after it (NaN if absent). */
    private static List<Double> phases(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        LocalTime first = null;
        Map<String, LocalTime> at = new LinkedHashMap<>();
        for (String line : lines) {
            String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
            Matcher m = STAMP.matcher(plain);
            if (!m.find()) {
                continue;
            }
            LocalTime t = LocalTime.parse(m.group(1), DateTimeFormatter.ISO_LOCAL_TIME);
            first = first == null ? t : first;
            for (String mark : MARKS.keySet()) {
                if (plain.contains(mark) && !at.containsKey(mark)) {
                    at.put(mark, t);
                }
            }
        }
        List<Double> out = new ArrayList<>();
        LocalTime previous = first;
        for (String mark : MARKS.keySet()) {
            LocalTime t = at.get(mark);
            if (t == null || previous == null) {
                out.add(Double.NaN);
                continue;
            }
            out.add(java.time.Duration.between(previous, t).toMillis() / 1000.0);
            previous = t;
        }
        return out;
    }
}
