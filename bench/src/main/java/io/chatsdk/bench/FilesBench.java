package io.chatsdk.bench;

import io.chatsdk.jakarta.Tokens;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files on the appliance (issue #16): upload and download throughput for 1 MB and 50 MB files against a plain file
 * copy on the same disk in the same run, resize latency, and the appliance's memory during 50 MB uploads.
 *
 * <pre>./chatsdk bench-files [ROUNDS]</pre>
 */
public final class FilesBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "----chatsdk-bench";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path jar = Path.of(args[1]);
        try (ApplianceProcess appliance = ApplianceProcess.start(jar, List.of("-Xmx512m"), Map.of())) {
            appliance.awaitReady();
            Map<String, Object> created = appliance.post("/admin/api/apps", Map.of("name", "files bench"), "Bearer " + ApplianceProcess.OPERATOR);
            String apiKey = (String) created.get("api_key");
            String secret = (String) created.get("api_secret");
            String server = Tokens.server(secret, Instant.now());
            appliance.post("/api/v1/users?api_key=" + apiKey, Map.of("users", Map.of("a", Map.of("name", "A"))), server);
            appliance.post("/api/v1/channels/messaging/files/query?api_key=" + apiKey, Map.of("data", Map.of("members", List.of("a"),
                    "created_by_id", "a")), server);
            String token = Tokens.user(secret, "a", Instant.now(), Instant.now().plus(java.time.Duration.ofHours(6)));
            String uploadPath = "/api/v1/channels/messaging/files/file?api_key=" + apiKey;

            Path disk = Files.createTempDirectory("chatsdk-files-bench");
            Random random = new Random(1);
            System.out.println("## Files benchmark");
            System.out.printf(Locale.ROOT, "JVM %s, %d cores; appliance -Xmx512m, filesystem store; %d rounds%n%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), rounds);
            System.out.println("| size | files | plain copy MB/s | upload MB/s | ratio | download MB/s | ratio |");
            System.out.println("|---|---|---|---|---|---|---|");
            long peakRssGrowth = 0;
            for (int size : new int[] {1 << 20, 50 << 20}) {
                int count = size == 1 << 20 ? 20 * rounds : rounds;
                byte[] content = new byte[size];
                random.nextBytes(content);
                // the baseline: a plain copy of a file of this size on the same disk, as often
                Path src = disk.resolve("src");
                Files.write(src, content);
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    Files.copy(src, disk.resolve("copy"), StandardCopyOption.REPLACE_EXISTING);
                }
                double copy = mbps((long) size * count, System.nanoTime() - t0);

                byte[] body = multipart("f.bin", content);
                upload(appliance, uploadPath, token, body);   // warm-up
                List<String> urls = new ArrayList<>();
                long rssBefore = rss(appliance.process.pid());
                AtomicLong peak = new AtomicLong(rssBefore);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                    while (running.get()) {
                        peak.accumulateAndGet(rss(appliance.process.pid()), Math::max);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    urls.add(upload(appliance, uploadPath, token, body));
                }
                double up = mbps((long) size * count, System.nanoTime() - t0);
                running.set(false);
                sampler.join();
                if (size > 1 << 20) {
                    peakRssGrowth = peak.get() - rssBefore;
                }
                t0 = System.nanoTime();
                for (String url : urls) {
                    HttpResponse<byte[]> r = appliance.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200 || r.body().length != size) {
                        throw new IllegalStateException("download answered " + r.statusCode());
                    }
                }
                double down = mbps((long) size * count, System.nanoTime() - t0);
                System.out.printf(Locale.ROOT, "| %d MB | %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n", size >> 20, count, copy, up, up / copy, down, down / copy);
            }
            System.out.printf(Locale.ROOT, "%nappliance RSS growth during the 50 MB uploads: %.1f MiB (the file: 50 MiB)%n", peakRssGrowth / 1048576.0);

            // resizing: each request a size not asked before, so none is served from the cache
            byte[] jpeg = photo(2000, 1500);
            String image = upload(appliance, "/api/v1/channels/messaging/files/image?api_key=" + apiKey, token, multipart("photo.jpg", jpeg));
            long[] small = resize(appliance, image, 64, 200);
            long[] large = resize(appliance, image, 600, 20 * rounds);
            System.out.printf(Locale.ROOT, "%n| resize (2000x1500 JPEG) | requests | p50 ms | p99 ms |%n|---|---|---|---|%n");
            System.out.printf(Locale.ROOT, "| to 64-263 px wide (from the stored 512 px thumbnail) | %d | %.1f | %.1f |%n", small.length, p(small, 50), p(small, 99));
            System.out.printf(Locale.ROOT, "| to 600+ px wide (from the original) | %d | %.1f | %.1f |%n", large.length, p(large, 50), p(large, 99));
        }
    }

    private static long[] resize(ApplianceProcess appliance, String url, int from, int n) throws Exception {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = appliance.http.send(HttpRequest.newBuilder(URI.create(url + "&w=" + (from + i))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("resize answered " + r.statusCode());
            }
            ms[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double p(long[] sortedNanos, int percentile) {
        return sortedNanos[Math.min(sortedNanos.length - 1, sortedNanos.length * percentile / 100)] / 1e6;
    }

    private static String upload(ApplianceProcess appliance, String path, String token, byte[] body) throws Exception {
        HttpResponse<String> r = appliance.http.send(HttpRequest.newBuilder(URI.create(appliance.base + path)).header("Authorization", token)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
        }
        return (String) JSON.readValue(r.body(), Map.class).get("file");
    }

    private static byte[] multipart(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 300);
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] photo(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(2);
        for (int y = 0; y < h; y += 10) {
            for (int x = 0; x < w; x += 10) {
                int c = r.nextInt(0xFFFFFF);
                for (int dy = 0; dy < 10; dy++) {
                    for (int dx = 0; dx < 10; dx++) {
                        img.setRGB(x + dx, y + dy, c);
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** The resident set of a process, from /proc (Linux). */
    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
