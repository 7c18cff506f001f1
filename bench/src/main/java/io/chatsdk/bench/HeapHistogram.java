package io.chatsdk.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM by class, from {@code jcmd PID GC.class_histogram}, which runs a full collection first:
 * what a set of objects really holds, where resident memory also counts garbage not yet collected and heap the JVM
 * keeps.
 */
record HeapHistogram(Map<String, Long> bytesByClass, long totalBytes) {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)");

    static HeapHistogram of(long pid) throws IOException, InterruptedException {
        String out = jcmd(pid, 120, "GC.class_histogram");
        Map<String, Long> bytes = new LinkedHashMap<>();
        long total = -1;
        for (String line : out.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                total = Long.parseLong(t.group(1));
            }
        }
        if (total < 0) {
            throw new IOException("no total in the class histogram: " + out.lines().limit(3).toList());
        }
        return new HeapHistogram(bytes, total);
    }

    /** Writes a heap dump of the live objects of JVM {@code pid} to {@code file} ({@code jcmd PID GC.heap_dump}), replacing it. */
    static void dump(long pid, Path file) throws IOException, InterruptedException {
        // jcmd exits with 0 when it cannot write the file (one that exists, say): what it printed tells
        Files.deleteIfExists(file);
        String out = jcmd(pid, 300, "GC.heap_dump", file.toAbsolutePath().toString());
        if (!out.contains("Heap dump file created")) {
            throw new IOException("jcmd GC.heap_dump failed: " + out.lines().limit(3).toList());
        }
        System.out.println("(heap dump of the appliance written to " + file + ")");
    }

    /** What {@code jcmd PID COMMAND...} printed; an IOException when it fails or outlasts {@code seconds}. */
    private static String jcmd(long pid, int seconds, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command[0] + " failed: " + out.lines().limit(3).toList());
        }
        return out;
    }

    /** The classes that grew most from {@code before} to this one, as "name: bytes per unit", largest first. */
    List<String> grownSince(HeapHistogram before, int top, int units) {
        List<Map.Entry<String, Long>> grown = new ArrayList<>();
        bytesByClass.forEach((name, b) -> {
            long delta = b - before.bytesByClass.getOrDefault(name, 0L);
            if (delta > 0) {
                grown.add(Map.entry(name, delta));
            }
        });
        grown.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        return grown.stream().limit(top).map(e -> e.getKey() + " " + e.getValue() / units + " B").toList();
    }
}
