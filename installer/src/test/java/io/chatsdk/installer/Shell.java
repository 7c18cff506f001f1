package io.chatsdk.installer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and keeps what it printed (stdout and stderr together), echoing it to the test log. */
final class Shell {
    record Result(int code, String output) {
        Result ok() {
            if (code != 0) {
                throw new AssertionError("exit " + code + ":\n" + output);
            }
            return this;
        }
    }

    private Shell() {
    }

    static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("  | " + line);
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
        }
        reader.join(10_000);
        synchronized (out) {
            return new Result(p.exitValue(), out.toString());
        }
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        return run(dir, Map.of(), 600, command);
    }
}
