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
 * time goes as the appliance's own log tells it.
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
        System.out.println("| start | to ready, s | " + String.join(" | ", MARKS.values()) + " |");
        System.out.println("|---|---:|" + "---:|".repeat(MARKS.size()));
        List<Double> again = new ArrayList<>();
        for (int i = 0; i <= restarts; i++) {
            long t0 = System.nanoTime();
            ApplianceProcess appliance = ApplianceProcess.start(jar, List.of(), Map.of("CHATSDK_DATA_DIR", data.toString()));
            try {
                appliance.awaitReady();
            } finally {
                appliance.close();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (i > 0) {
                again.add(seconds);
            }
            List<Double> phases = phases(appliance.log);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.1f |", i == 0 ? "first" : "restart " + i, seconds));
            phases.forEach(p -> row.append(Double.isNaN(p) ? " ? |" : String.format(Locale.ROOT, " %.1f |", p)));
            System.out.println(row);
        }
        again.sort(Double::compare);
        if (!again.isEmpty()) {
            System.out.printf(Locale.ROOT, "%nRestart to ready, median of %d: **%.1f s**. Phases are seconds between the log lines that end them; "
                    + "the JVM's own start before the first log line is in the first phase's share of the total.%n", again.size(), again.get(again.size() / 2));
        }
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
