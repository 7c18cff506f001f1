package io.chatsdk.installer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline bundle on one host: its signature, checksums and SBOM, install.sh (twice: the second run changes
 * nothing), the appliance started from the unit install.sh wrote (through the test-only supervisor, since systemd is
 * not PID 1 here), and chatsdkctl's backup and restore of an embedded installation.
 */
class SingleHostIT {
    static final Path PROJECT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path BUNDLE = Path.of(System.getProperty("bundle.dir"));
    static final Path KEY = Path.of(System.getProperty("bundle.key"));
    static Path root;
    static Path unit;

    @BeforeAll
    static void setUp() throws Exception {
        root = Files.createTempDirectory("chatsdk-single-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (unit != null) {
            supervisor("stop");
            Path logs = Files.createDirectories(PROJECT.resolve("installer/target/single-host-logs"));
            Shell.run(root, List.of("sh", "-c", "cp " + root + "/units/*.log " + logs + "/ 2>/dev/null || true"));
        }
        Shell.run(PROJECT, List.of("rm", "-rf", root.toString()));
    }

    @Test
    void theBundleIsSignedAndATamperedOneIsRefused() throws Exception {
        assertThat(ctl("verify-bundle", BUNDLE.toString(), "--key", KEY.toString()).output()).contains("is intact and signed by");

        // a copy made of hard links to the bundle's files (cheap); a file is changed by replacing it, never in place
        Path copy = root.resolve("tampered");
        Shell.run(root, List.of("cp", "-al", BUNDLE.toString(), copy.toString())).ok();
        Files.delete(copy.resolve("VERSION"));
        Files.writeString(copy.resolve("VERSION"), "9.9.9\n");
        Shell.Result changedFile = ctl("verify-bundle", copy.toString(), "--key", KEY.toString());
        assertThat(changedFile.code()).isEqualTo(1);
        assertThat(changedFile.output()).contains("does not match its checksum");

        // a file the signed list does not name (an added library, say) is refused too
        Files.delete(copy.resolve("VERSION"));
        Files.copy(BUNDLE.resolve("VERSION"), copy.resolve("VERSION"));
        Files.writeString(copy.resolve("lib/extra.jar"), "not in the list");
        Shell.Result extraFile = ctl("verify-bundle", copy.toString(), "--key", KEY.toString());
        assertThat(extraFile.code()).isEqualTo(1);
        assertThat(extraFile.output()).contains("files its signed list does not name");
        Files.delete(copy.resolve("lib/extra.jar"));
        Files.createSymbolicLink(copy.resolve("lib/link.jar"), BUNDLE.resolve("lib/chatsdk-appliance.jar"));
        assertThat(ctl("verify-bundle", copy.toString(), "--key", KEY.toString()).output()).contains("symbolic links");
        Files.delete(copy.resolve("lib/link.jar"));
        assertThat(ctl("verify-bundle", copy.toString(), "--key", KEY.toString()).code()).as("the restored copy is intact").isZero();

        Files.delete(copy.resolve("SHA256SUMS"));
        Files.writeString(copy.resolve("SHA256SUMS"), Files.readString(BUNDLE.resolve("SHA256SUMS")).replaceFirst("[0-9a-f]{64}  VERSION", "0".repeat(64) + "  VERSION"));
        Shell.Result changedSums = ctl("verify-bundle", copy.toString(), "--key", KEY.toString());
        assertThat(changedSums.code()).isEqualTo(1);
        assertThat(changedSums.output()).contains("signature does not match");

        Path otherKey = root.resolve("other.key");
        Shell.run(root, List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", otherKey.toString())).ok();
        Shell.run(root, List.of("openssl", "pkey", "-in", otherKey.toString(), "-pubout", "-out", otherKey + ".pub")).ok();
        assertThat(ctl("verify-bundle", BUNDLE.toString(), "--key", otherKey + ".pub").code()).isEqualTo(1);
    }

    @Test
    void theBundleCarriesARuntimeArtemisAndAnSbomOfWhatItHolds() throws Exception {
        Shell.Result java = Shell.run(root, List.of(BUNDLE.resolve("jre/bin/java").toString(), "-version")).ok();
        assertThat(java.output()).contains("version \"2");
        assertThat(Files.list(BUNDLE.resolve("artemis")).map(p -> p.getFileName().toString()).toList()).singleElement().asString().matches("apache-artemis-.*-bin\\.tar\\.gz");
        JsonNode sbom = Chat.JSON.readTree(BUNDLE.resolve("sbom.cdx.json").toFile());
        assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        Set<String> names = new java.util.HashSet<>();
        sbom.path("components").forEach(c -> names.add(c.path("name").asText()));
        assertThat(names).contains("payara-micro", "apache-artemis", "chatsdk-appliance", "eclipselink", "postgresql", "bcprov-jdk18on");
        System.out.printf("bundle: %d SBOM components, %s%n", names.size(), Files.readString(BUNDLE.resolve("VERSION")).strip());
    }

    @Test
    void installShInstallsOnceStartsBacksUpAndRestores() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> install = List.of(BUNDLE.resolve("install.sh").toString(), "--key", KEY.toString(), "--prefix", root + "/opt", "--etc", root + "/etc",
                "--data", root + "/data", "--user", "csone", "--port", String.valueOf(port), "--unit-dir", root + "/units");
        assertThat(Shell.run(root, install).ok().output()).contains("(changed)").contains("systemd is not running here");
        assertThat(Shell.run(root, install).ok().output()).contains("(unchanged)");
        Shell.Result badPort = Shell.run(root, List.of(BUNDLE.resolve("install.sh").toString(), "--port", "80x"));
        assertThat(badPort.code()).isEqualTo(1);
        assertThat(badPort.output()).contains("--port must be 1 to 65535");

        unit = root.resolve("units/chatsdk.service");
        assertThat(Files.readString(unit)).contains("User=csone").contains("ExecStart=" + root + "/opt/current/bin/chatsdk-server");
        supervisor("start");
        Path env = root.resolve("etc/chatsdk.env");
        assertThat(ctlEnv(env, "health", "--wait", "240").code()).isZero();
        Properties secrets = new Properties();
        try (var in = Files.newInputStream(root.resolve("data/secrets.properties"))) {
            secrets.load(in);
        }
        Chat app = new Chat("http://127.0.0.1:" + port, Chat.plain()).newApp(secrets.getProperty("operator-token"), "single");
        app.users("alice", "bob");
        app.as("alice", "POST", "/channels/messaging/one/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        for (int i = 0; i < 5; i++) {
            assertThat(app.as("alice", "POST", "/channels/messaging/one/message", Map.of("message", Map.of("id", "m" + i, "text", "hi " + i))).status()).isEqualTo(201);
        }
        List<String> before = app.messageIds("bob", "messaging", "one");

        Shell.Result running = ctlEnv(env, "backup", "--dest", root + "/backup-1");
        assertThat(running.code()).isEqualTo(1);
        assertThat(running.output()).contains("the embedded database is running: stop the appliance");
        supervisor("stop");
        // the first stop wrote the class-data-sharing archive (the bundle's runtime carries the base archive it needs)
        try (var cache = Files.list(root.resolve("data/cache"))) {
            List<Path> archives = cache.filter(f -> f.getFileName().toString().matches("appliance-.*\\.jsa")).toList();
            assertThat(archives).hasSize(1);
            assertThat(Files.size(archives.get(0))).isGreaterThan(10L << 20);
        }
        assertThat(ctlEnv(env, "backup", "--dest", root + "/backup-1").output()).contains("backup written");
        assertThat(Files.readString(root.resolve("backup-1/MANIFEST"))).contains("database=embedded").containsPattern("keystore_sha256=[0-9a-f]{64}");

        Shell.run(root, List.of("rm", "-rf", root + "/data/postgres")).ok();
        assertThat(ctlEnv(env, "restore", "--from", root + "/backup-1").output()).contains("restored from");
        supervisor("start");
        assertThat(ctlEnv(env, "health", "--wait", "240").code()).isZero();
        assertThat(app.messageIds("bob", "messaging", "one")).isEqualTo(before).hasSize(5);
    }

    private static void supervisor(String action) throws Exception {
        Shell.run(root, List.of("python3", PROJECT.resolve("installer/src/test/supervisor/unitctl.py").toString(), "--state", root + "/units", action, unit.toString())).ok();
    }

    private static Shell.Result ctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BUNDLE.resolve("bin/chatsdkctl").toString()));
        cmd.addAll(List.of(args));
        return Shell.run(root, cmd);
    }

    private static Shell.Result ctlEnv(Path env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root + "/opt/current/bin/chatsdkctl", "--env", env.toString()));
        cmd.addAll(List.of(args));
        return Shell.run(root, cmd);
    }

}
