package io.chatsdk.appliance;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the README's start command, {@code ./chatsdk up}, as a newcomer would: waits for the printed {@code curl} line,
 * runs it, stops the appliance with SIGINT (Ctrl-C) and checks that no PostgreSQL process is left behind; then starts
 * it again on the same data directory and checks that the demo app and its messages survived.
 */
class ChatsdkUpIT {

    @Test
    void startCommandPrintsAWorkingCurlLineAndStopsCleanly() throws Exception {
        Path root = Path.of(System.getProperty("project.root")).toAbsolutePath();
        Path base = Path.of("target", "it-up").toAbsolutePath();
        Files.createDirectories(base);
        Path data = Files.createTempDirectory(base, "data-");
        int port = TestAppliance.freePort();

        Run first = Run.start(root, data, port);
        String curl = first.awaitLine("curl ", 240);
        // the operator and compliance tokens stay in their mode-600 file; standard output may be shipped to a log store
        java.util.Properties secrets = new java.util.Properties();
        try (var in = Files.newInputStream(data.resolve("secrets.properties"))) {
            secrets.load(in);
        }
        assertThat(secrets.getProperty("operator-token")).isNotBlank();
        assertThat(String.join("\n", first.seenSoFar())).contains("Operator and compliance tokens: operator-token and compliance-token in")
                .doesNotContain(secrets.getProperty("operator-token")).doesNotContain(secrets.getProperty("compliance-token"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(data.resolve("secrets.properties")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String out = bash(curl);
        assertThat(out).contains("\"text\":\"Hello from curl\"").contains("\"seq\":1");
        long postgresPid = postmasterPid(data);
        assertThat(ProcessHandle.of(postgresPid)).isPresent();
        first.interrupt();
        assertThat(first.process().exitValue()).as("exit status after Ctrl-C").isIn(0, 130);
        // pg_ctl stop (fast mode) is under way when the JVM exits; the postmaster finishes within seconds
        org.awaitility.Awaitility.await("PostgreSQL stopped with the appliance").atMost(java.time.Duration.ofSeconds(20))
                .until(() -> ProcessHandle.of(postgresPid).map(ph -> !ph.isAlive()).orElse(true));
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        // the JVM wrote its class-data-sharing archive as it stopped (docs/performance.md "Startup")
        List<Path> archives = archives(data);
        assertThat(archives).hasSize(1);
        assertThat(Files.size(archives.get(0))).isGreaterThan(10L << 20);
        // a stale archive (another jar's) is removed by the next start
        Files.write(data.resolve("cache").resolve("appliance-1.jsa"), new byte[] {1, 2, 3});

        Run second = Run.start(root, data, port);
        String curlAgain = second.awaitLine("curl ", 240);
        assertThat(curlAgain.replaceAll("Authorization: [^']+", "")).isEqualTo(curl.replaceAll("Authorization: [^']+", ""));
        assertThat(bash(curlAgain)).contains("\"seq\":2");
        second.interrupt();
        assertThat(archives(data)).containsExactlyElementsOf(archives);
    }

    private static List<Path> archives(Path data) throws IOException {
        try (var files = Files.list(data.resolve("cache"))) {
            return files.filter(f -> f.getFileName().toString().matches("appliance-.*\\.jsa")).sorted().toList();
        }
    }

    private static long postmasterPid(Path data) throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
    }

    private static String bash(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** One run of {@code ./chatsdk up}, with its output read line by line. */
    private record Run(Process process, BlockingQueue<String> lines, List<String> all) {
        static Run start(Path root, Path data, int port) throws IOException {
            // A terminal delivers Ctrl-C to a process whose SIGINT is in its default state. Build tools and CI often start
            // their children with SIGINT ignored, and the JVM then ignores it too; env --default-signal restores the
            // terminal's state so that this test sends the signal a user would.
            ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT", "bash", root.resolve("chatsdk").toString(), "up")
                    .directory(root.toFile()).redirectErrorStream(true);
            pb.environment().put("CHATSDK_PORT", String.valueOf(port));
            pb.environment().put("CHATSDK_DATA_DIR", data.toString());
            Process p = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                        all.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            return new Run(p, lines, all);
        }

        /** Every line printed so far. */
        List<String> seenSoFar() {
            return all;
        }

        String awaitLine(String prefix, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.append(line).append('\n');
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                } else if (!process.isAlive()) {
                    break;
                }
            }
            throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s; output:\n" + tail(seen));
        }

        void interrupt() throws Exception {
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the appliance did not stop within 90 s of SIGINT");
            }
        }

        private static String tail(StringBuilder s) {
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s.toString();
        }
    }
}
