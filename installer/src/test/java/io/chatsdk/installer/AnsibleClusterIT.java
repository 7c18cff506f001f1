package io.chatsdk.installer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Ansible collection under ansible/, applied for real on this machine: each "host" is local (connection: local)
 * with its own folders, ports and service account. PostgreSQL is Debian's (a cluster of its own), Artemis comes from
 * the bundle, two appliance nodes and nginx (Debian's) as the TLS proxy. systemd is not PID 1 here, so the roles run
 * their units through {@code installer/src/test/supervisor/unitctl.py}, a test-only stand-in that starts the units'
 * own ExecStart lines; the units themselves are checked with systemd-analyze where it works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnsibleClusterIT {
    static final Path PROJECT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path ANSIBLE = PROJECT.resolve("ansible");
    static final Path BUNDLE_DIR = Path.of(System.getProperty("bundle.dir"));
    static final Path BUNDLE_KEY = Path.of(System.getProperty("bundle.key"));
    static final String PG_CLUSTER = "chatsdkit";

    Path root;
    Path inventory;
    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    Path vaultPass;
    Path bundleTar;
    Chat proxy;
    HttpClient tls;

    @BeforeAll
    void setUp() throws Exception {
        Shell.run(PROJECT, List.of("scripts/ensure-ansible.sh")).ok();
        dropPgCluster();
        root = Files.createTempDirectory("chatsdk-ansible-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String p : List.of("pg", "mq", "app1", "app2", "hz1", "hz2", "https")) {
            ports.put(p, freePort());
        }
        bundleTar = BUNDLE_DIR.getParent().getParent().resolve(BUNDLE_DIR.getFileName() + ".tar");
        assertThat(bundleTar).exists();
        Path files = Files.createDirectories(root.resolve("controller"));
        certificates(files);
        for (String s : List.of("chatsdk_operator_token", "chatsdk_compliance_token", "chatsdk_cluster_secret", "chatsdk_keystore_password",
                "chatsdk_db_owner_password", "chatsdk_db_app_password", "chatsdk_artemis_password", "artemis_tls_keystore_password")) {
            secrets.put(s, random());
        }
        ctl(Map.of("CHATSDK_KEYSTORE_PASSWORD", secrets.get("chatsdk_keystore_password")), "keystore-new", files.resolve("keystore.p12").toString());
        ctl(Map.of(), "signing-key-new", files.resolve("audit-signing.key").toString());
        vaultPass = root.resolve("vault-pass");
        Files.writeString(vaultPass, random() + "\n");
        // secrets and key files are vault-encrypted, as an operator keeps them; copy decrypts them on the way
        for (String f : List.of("keystore.p12", "audit-signing.key", "server.key")) {
            vault("encrypt", files.resolve(f));
        }
        inventory = writeInventory("inventory", secrets, true);
        tls = Chat.trusting(files.resolve("ca.crt"), "TLSv1.3");
        proxy = new Chat("https://localhost:" + ports.get("https"), tls);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (root == null) {
            return;
        }
        Path logs = Files.createDirectories(PROJECT.resolve("installer/target/cluster-logs"));
        Path state = root.resolve("units");
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                for (Path f : s.toList()) {
                    if (f.toString().endsWith(".log")) {
                        Files.copy(f, logs.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (String unit : List.of("app1/units/chatsdk-app1.service", "app2/units/chatsdk-app2.service", "edge1/units/chatsdk-proxy.service",
                    "mq1/units/chatsdk-artemis.service")) {
                Shell.run(root, List.of("python3", supervisor().toString(), "--state", state.toString(), "stop", root.resolve(unit).toString()));
            }
        }
        dropPgCluster();
        Shell.run(PROJECT, List.of("rm", "-rf", root.toString()));
    }

    @Test
    @Order(1)
    void theCollectionPassesAnsibleLint() throws Exception {
        Shell.Result r = Shell.run(ANSIBLE, env(), 300, List.of("ansible-lint", "--offline", "-p", "playbooks/", "roles/"));
        assertThat(r.code()).as(r.output()).isZero();
    }

    @Test
    @Order(2)
    void aMissingVaultVariableOrAWrongInventoryStopsBeforeAnyChange() throws Exception {
        Map<String, String> missing = new LinkedHashMap<>(secrets);
        missing.remove("chatsdk_cluster_secret");
        Path broken = writeInventory("inventory-missing", missing, true);
        Shell.Result r = playbook(broken, "site.yml");
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("chatsdk_cluster_secret is not set for app1");

        Map<String, String> weak = new LinkedHashMap<>(secrets);
        weak.put("chatsdk_db_app_password", "short'pw");
        r = playbook(writeInventory("inventory-weak", weak, true), "site.yml");
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("chatsdk_db_app_password must have at least 16 characters");

        r = playbook(writeInventory("inventory-nobroker", secrets, false), "site.yml");
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("The inventory needs the groups chatsdk_db (one host), chatsdk_broker (one host)");

        // nothing was installed, created or started
        assertThat(root.resolve("app1")).doesNotExist();
        assertThat(root.resolve("mq1")).doesNotExist();
        assertThat(Path.of("/etc/postgresql/15/" + PG_CLUSTER)).doesNotExist();
    }

    @Test
    @Order(3)
    void siteInstallsTheClusterAndASecondRunChangesNothing() throws Exception {
        long t0 = System.nanoTime();
        Shell.Result first = playbook(inventory, "site.yml");
        assertThat(first.code()).as(() -> "site.yml failed" + why(first)).isZero();
        long t1 = System.nanoTime();
        Shell.Result second = playbook(inventory, "site.yml");
        assertThat(second.code()).isZero();
        long t2 = System.nanoTime();
        Map<String, Integer> changed = recap(second.output(), "changed");
        assertThat(changed).as("changed tasks per host on the second run").hasSize(5).allSatisfy((h, n) -> assertThat(n).as(h).isZero());
        System.out.printf("site.yml: first run %.0f s, second run %.0f s with 0 changes on %d hosts%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, changed.size());
        // the role's settings are the running server's (the queue tables are vacuumed every 5 s, docs/operator-guide.md)
        Shell.Result naptime = Shell.run(root, List.of("runuser", "-u", "postgres", "--", "psql", "-p", String.valueOf(ports.get("pg")), "-d", "postgres",
                "-tAc", "show autovacuum_naptime")).ok();
        assertThat(naptime.output().lines().map(String::strip).toList()).as(naptime.output()).contains("5s");   // psql may warn about the directory

        // the units the roles wrote are valid systemd units (systemd-analyze reads them without a running systemd)
        for (String unit : List.of("app1/units/chatsdk-app1.service", "app2/units/chatsdk-app2.service", "mq1/units/chatsdk-artemis.service",
                "edge1/units/chatsdk-proxy.service")) {
            Shell.Result verify = Shell.run(root, List.of("systemd-analyze", "verify", root.resolve(unit).toString()));
            assertThat(verify.code()).as(unit + ": " + verify.output()).isZero();
        }
    }

    @Test
    @Order(4)
    void aMessageSentThroughTheProxyReachesASocketOnTheOtherNode() throws Exception {
        Chat app = proxy.newApp(secrets.get("chatsdk_operator_token"), "smoke");
        app.users("alice", "bob");
        Chat.Res created = app.as("alice", "POST", "/channels/messaging/smoke/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        assertThat(created.status()).as(created.raw().body()).isIn(200, 201);
        Chat node1 = app.via("http://127.0.0.1:" + ports.get("app1"), Chat.plain());
        try (Chat.Socket onNode2 = app.connect("ws://127.0.0.1:" + ports.get("app2"), Chat.plain(), "bob");
             Chat.Socket throughProxy = app.connect("wss://localhost:" + ports.get("https"), tls, "bob")) {
            onNode2.await("health.check", 15);
            throughProxy.await("health.check", 15);
            Chat.Res sent = node1.as("alice", "POST", "/channels/messaging/smoke/message", Map.of("message", Map.of("id", "smoke-1", "text", "hello from node 1")));
            assertThat(sent.status()).as(sent.raw().body()).isEqualTo(201);
            assertThat(onNode2.await("message.new", 15)).extractingByKey("message").asString().contains("smoke-1");
            assertThat(throughProxy.await("message.new", 15)).extractingByKey("message").asString().contains("smoke-1");
        }
        Chat.Res viaProxy = app.as("alice", "POST", "/channels/messaging/smoke/message", Map.of("message", Map.of("id", "smoke-2", "text", "through the proxy")));
        assertThat(viaProxy.status()).isEqualTo(201);
        assertThat(viaProxy.raw().headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
        // TLS 1.3 only: a TLS 1.2 client gets no connection
        HttpClient old = Chat.trusting(root.resolve("controller/ca.crt"), "TLSv1.2");
        assertThatThrownBy(() -> new Chat(proxy.base, old).send("GET", "/health/ready", null, Map.of())).isInstanceOf(IOException.class);
    }

    @Test
    @Order(5)
    void aRollingUpgradeWhileAClientSendsLosesAndDuplicatesNothing() throws Exception {
        Chat app = proxy.newApp(secrets.get("chatsdk_operator_token"), "roll");
        // 15 senders in turn, 10 sends a second: under the per-user (60/min) and per-app (1,000/min) send limits
        List<String> senders = java.util.stream.IntStream.range(0, 15).mapToObj(i -> "sender" + i).toList();
        app.users(java.util.stream.Stream.concat(senders.stream(), Stream.of("bob")).toArray(String[]::new));
        List<String> members = new ArrayList<>(senders);
        members.add("bob");
        app.as("sender0", "POST", "/channels/messaging/roll/query", Map.of("data", Map.of("members", members)));
        Path v2 = rebundle("0.1.0-upgrade", false);
        List<String> acknowledged = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
        Thread sender = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                String id = "roll-" + i;
                // a client resends with the same id until it is acknowledged, as the SDKs do
                while (true) {
                    try {
                        Chat.Res r = app.as(senders.get(i % senders.size()), "POST", "/channels/messaging/roll/message", Map.of("message", Map.of("id", id, "text", id)));
                        if (r.status() == 201) {
                            break;
                        }
                        failures.merge("HTTP " + r.status(), 1, Integer::sum);
                    } catch (Exception e) {
                        failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                    sleep(200);
                }
                synchronized (acknowledged) {
                    acknowledged.add(id);
                }
                i++;
                sleep(100);
            }
        });
        sender.start();
        Shell.Result r = playbook(inventory, "upgrade.yml", "-e", "chatsdk_bundle=" + v2);
        stop.set(true);
        sender.join(60_000);
        assertThat(r.code()).as(() -> "upgrade.yml failed" + why(r)).isZero();
        for (String node : List.of("app1", "app2")) {
            assertThat(Files.readSymbolicLink(root.resolve(node + "/opt/current")).getFileName().toString()).isEqualTo("chatsdk-0.1.0-upgrade");
        }
        List<String> stored = app.messageIds("bob", "messaging", "roll");
        Set<String> unique = new HashSet<>(stored);
        assertThat(stored).as("duplicated").hasSameSizeAs(unique);
        assertThat(unique).as("lost").containsAll(acknowledged);
        assertThat(acknowledged.size()).as("the client kept sending through the roll").isGreaterThan(100);
        // each node is out of the proxy while it restarts: the client sees (almost) no failed send
        assertThat(failures.values().stream().mapToInt(Integer::intValue).sum()).as("failed sends " + failures).isLessThanOrEqualTo(acknowledged.size() / 50);
        System.out.printf("rolling upgrade of 2 nodes: %d messages acknowledged while it ran, 0 lost, 0 duplicated; sends the client had to repeat: %s%n",
                acknowledged.size(), failures);
    }

    @Test
    @Order(6)
    void aFailedUpgradeStopsTheRollAndTheClusterKeepsServing() throws Exception {
        Path broken = rebundle("0.1.0-broken", true);
        Shell.Result r = playbook(inventory, "upgrade.yml", "-e", "chatsdk_bundle=" + broken);
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("The upgrade of app1 to chatsdk-0.1.0-broken.tar failed").contains("the node runs chatsdk-0.1.0-upgrade again");
        assertThat(Files.readSymbolicLink(root.resolve("app1/opt/current")).getFileName().toString()).isEqualTo("chatsdk-0.1.0-upgrade");
        assertThat(root.resolve("app2/opt/releases/chatsdk-0.1.0-broken")).as("the roll stopped before app2").doesNotExist();
        Chat app = proxy.newApp(secrets.get("chatsdk_operator_token"), "after-failed-upgrade");
        app.users("alice");
        for (String node : List.of("app1", "app2")) {
            Chat direct = app.via("http://127.0.0.1:" + ports.get(node), Chat.plain());
            assertThat(direct.send("GET", "/health/ready", null, Map.of()).status()).as(node + " ready").isEqualTo(200);
        }
    }

    @Test
    @Order(7)
    void aBackupComesBackAfterTheDatabaseIsWiped() throws Exception {
        Chat app = proxy.newApp(secrets.get("chatsdk_operator_token"), "restore");
        app.users("alice", "bob");
        app.as("alice", "POST", "/channels/messaging/kept/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
        for (int i = 0; i < 30; i++) {
            assertThat(app.as("alice", "POST", "/channels/messaging/kept/message", Map.of("message", Map.of("id", "kept-" + i, "text", "kept " + i))).status()).isEqualTo(201);
        }
        List<String> before = app.messageIds("bob", "messaging", "kept");
        assertThat(before).hasSize(30);
        Shell.Result backup = playbook(inventory, "backup.yml", "-e", "backup_name=set1");
        assertThat(backup.code()).as(() -> "backup.yml failed" + why(backup)).isZero();
        assertThat(root.resolve("backups/set1/database.dump")).exists();
        assertThat(root.resolve("backups/set1/artemis-journal.tar.gz")).exists();

        Shell.run(root, List.of("runuser", "-u", "postgres", "--", "psql", "-p", String.valueOf(ports.get("pg")), "-d", "postgres",
                "-c", "drop database chat with (force)")).ok();
        assertThat(app.as("bob", "GET", "/channels/messaging/kept/messages?limit=5", null).status()).as("the wiped cluster cannot serve").isNotEqualTo(200);

        Shell.Result r = playbook(inventory, "restore.yml", "-e", "restore_from=set1");
        assertThat(r.code()).as(() -> "restore.yml failed" + why(r)).isZero();
        assertThat(app.messageIds("bob", "messaging", "kept")).isEqualTo(before);
        assertThat(app.as("alice", "POST", "/channels/messaging/kept/message", Map.of("message", Map.of("id", "after-restore", "text", "still works"))).status()).isEqualTo(201);
    }

    @Test
    @Order(8)
    void aBackupMadeWithAnotherKeystoreIsRefusedBeforeAnythingStops() throws Exception {
        Path set = root.resolve("backups/foreign");
        Shell.run(root, List.of("cp", "-a", root.resolve("backups/set1").toString(), set.toString())).ok();
        Files.delete(set.resolve("keystore.p12"));
        ctl(Map.of("CHATSDK_KEYSTORE_PASSWORD", secrets.get("chatsdk_keystore_password")), "keystore-new", set.resolve("keystore.p12").toString());
        String sha = Shell.run(set, List.of("sha256sum", "keystore.p12")).ok().output().split(" ")[0];
        Path manifest = set.resolve("MANIFEST");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("keystore_sha256=.*", "keystore_sha256=" + sha));
        Shell.run(set, List.of("sh", "-c", "sha256sum MANIFEST database.dump keystore.p12 audit-signing.key audit-signing.key.pub > SHA256SUMS")).ok();

        Shell.Result r = playbook(inventory, "restore.yml", "-e", "restore_from=foreign");
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("this backup was made with another keystore");
        Chat app = proxy.newApp(secrets.get("chatsdk_operator_token"), "still-serving");
        app.users("alice");
        app.as("alice", "POST", "/channels/messaging/up/query", Map.of("data", Map.of("members", List.of("alice"))));
        assertThat(app.as("alice", "POST", "/channels/messaging/up/message", Map.of("message", Map.of("id", "up-1", "text", "up"))).status()).isEqualTo(201);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Shell.Result playbook(Path inv, String playbook, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ansible-playbook", "-i", inv.resolve("hosts.yml").toString(),
                "--vault-password-file", vaultPass.toString(), "playbooks/" + playbook));
        cmd.addAll(List.of(extra));
        return Shell.run(ANSIBLE, env(), 1500, cmd);
    }

    private Map<String, String> env() {
        return Map.of("ANSIBLE_CONFIG", ANSIBLE.resolve("ansible.cfg").toString(), "ANSIBLE_ROLES_PATH", ANSIBLE.resolve("roles").toString(),
                "ANSIBLE_NOCOLOR", "1", "ANSIBLE_FORCE_COLOR", "0", "ANSIBLE_LOCAL_TEMP", root.resolve("ansible-tmp").toString(),
                "ANSIBLE_HOME", root.resolve("ansible-home").toString(), "HOME", root.toString());
    }

    /** PLAY RECAP's count of {@code what} (ok, changed, failed) per host. */
    static Map<String, Integer> recap(String output, String what) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^(\\S+)\\s+:\\s+.*\\b" + what + "=(\\d+)", Pattern.MULTILINE).matcher(output.substring(output.lastIndexOf("PLAY RECAP")));
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    private Path writeInventory(String name, Map<String, String> vaultVars, boolean withBroker) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name).resolve("group_vars/all"));
        Path c = root.resolve("controller");
        String r = root.toString();
        // JSON is YAML: the inventory as a map
        Map<String, Object> children = new LinkedHashMap<>();
        children.put("chatsdk_db", Map.of("hosts", Map.of("db1", Map.of("postgresql_port", ports.get("pg")))));
        if (withBroker) {
            children.put("chatsdk_broker", Map.of("hosts", Map.of("mq1", Map.of("artemis_port", ports.get("mq"), "artemis_home", r + "/mq1/dist",
                    "artemis_instance", r + "/mq1/instance", "artemis_user", "csmq", "artemis_unit_dir", r + "/mq1/units", "chatsdk_prefix", r + "/mq1/opt",
                    "artemis_java_opts", "-Xms64m -Xmx256m"))));
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (int n = 1; n <= 2; n++) {
            String h = "app" + n;
            nodes.put(h, Map.of("chatsdk_port", ports.get(h), "chatsdk_cluster_port", ports.get("hz" + n), "chatsdk_user", "csn" + n,
                    "chatsdk_prefix", r + "/" + h + "/opt", "chatsdk_etc", r + "/" + h + "/etc", "chatsdk_data_dir", r + "/" + h + "/data",
                    "chatsdk_unit_name", "chatsdk-" + h, "chatsdk_unit_dir", r + "/" + h + "/units"));
        }
        children.put("chatsdk_nodes", Map.of("hosts", nodes));
        children.put("chatsdk_proxy", Map.of("hosts", Map.of("edge1", Map.of("proxy_dir", r + "/edge1/proxy", "proxy_unit_dir", r + "/edge1/units",
                "proxy_https_port", ports.get("https")))));
        Map<String, Object> all = Map.of("all", Map.of("vars", Map.of("ansible_connection", "local", "ansible_host", "127.0.0.1",
                "ansible_python_interpreter", "/usr/bin/python3"), "children", children));
        Files.writeString(dir.getParent().getParent().resolve("hosts.yml"), Chat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        Files.writeString(dir.resolve("main.yml"), """
                chatsdk_service_manager: external
                chatsdk_service_command: python3 %s --state %s/units
                chatsdk_bundle: %s
                chatsdk_bundle_key: %s
                chatsdk_tls_ca: %s/ca.crt
                postgresql_tls_cert: %s/server.crt
                artemis_tls_cert: %s/server.crt
                proxy_tls_cert: %s/server.crt
                postgresql_cluster: %s
                postgresql_data_dir: %s/db1/pgdata
                postgresql_listen_addresses: 127.0.0.1
                postgresql_client_cidrs: [127.0.0.1/32]
                artemis_host: 127.0.0.1
                chatsdk_broker_host: localhost
                chatsdk_db_host: localhost
                chatsdk_java_opts: "-Xms256m -Xmx1g"
                proxy_listen_address: 127.0.0.1
                proxy_http_port: null
                proxy_server_name: localhost
                backup_dir: %s/backups
                backup_cron_dir: %s/cron
                """.formatted(supervisor(), r, bundleTar, BUNDLE_KEY, c, c, c, c, PG_CLUSTER, r, r, r));
        Files.createDirectories(root.resolve("cron"));
        StringBuilder vault = new StringBuilder();
        vaultVars.forEach((k, v) -> vault.append(k).append(": \"").append(v).append("\"\n"));
        vault.append("chatsdk_keystore_file: ").append(c).append("/keystore.p12\n");
        vault.append("chatsdk_audit_signing_key_file: ").append(c).append("/audit-signing.key\n");
        for (String k : List.of("postgresql_tls_key", "artemis_tls_key", "proxy_tls_key")) {
            vault.append(k).append(": ").append(c).append("/server.key\n");
        }
        Path vaultFile = dir.resolve("vault.yml");
        Files.writeString(vaultFile, vault.toString());
        vault("encrypt", vaultFile);
        return dir.getParent().getParent();
    }

    private void vault(String action, Path file) throws Exception {
        Shell.run(root, env(), 60, List.of("ansible-vault", action, "--vault-password-file", vaultPass.toString(), file.toString())).ok();
    }

    /** A CA and one server certificate for localhost and 127.0.0.1, as the database, the broker and the proxy present. */
    private void certificates(Path dir) throws Exception {
        Shell.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=ChatSDK test CA", "-keyout", "ca.key", "-out", "ca.crt")).ok();
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Shell.run(dir, List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
                "-keyout", "server.key", "-out", "server.csr")).ok();
        Shell.run(dir, List.of("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "san.ext", "-out", "server.crt")).ok();
    }

    /**
     * A copy of the bundle as another release, re-signed with the build's development key: the same appliance, or with
     * {@code broken} a jar that cannot start.
     */
    private Path rebundle(String version, boolean broken) throws Exception {
        Path work = Files.createDirectories(root.resolve("rebundle"));
        Path dir = work.resolve("chatsdk-" + version);
        Shell.run(work, List.of("cp", "-a", BUNDLE_DIR.toString(), dir.toString())).ok();
        Files.writeString(dir.resolve("VERSION"), version + "\n");
        if (broken) {
            Files.writeString(dir.resolve("lib/chatsdk-appliance.jar"), "not a jar");
        }
        Path key = BUNDLE_KEY.getParent().resolve("dev-signing.key");
        Shell.run(dir, List.of("sh", "-c", "find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum > SHA256SUMS")).ok();
        Shell.run(dir, List.of("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key.toString(), "-in", "SHA256SUMS", "-out", "SHA256SUMS.sig")).ok();
        Path tar = work.resolve("chatsdk-" + version + ".tar");
        Shell.run(work, List.of("tar", "-cf", tar.toString(), dir.getFileName().toString())).ok();
        Shell.run(work, List.of("rm", "-rf", dir.toString())).ok();
        return tar;
    }

    private void ctl(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BUNDLE_DIR.resolve("bin/chatsdkctl").toString()));
        cmd.addAll(List.of(args));
        Shell.run(root, env, 60, cmd).ok();
    }

    private static Path supervisor() {
        return PROJECT.resolve("installer/src/test/supervisor/unitctl.py");
    }

    private static void dropPgCluster() throws Exception {
        if (Files.exists(Path.of("/etc/postgresql/15/" + PG_CLUSTER))) {
            Shell.run(Path.of("/"), List.of("pg_dropcluster", "--stop", "15", PG_CLUSTER));
            // a run that was killed may have left the configuration of a cluster whose data is gone
            Shell.run(Path.of("/"), List.of("rm", "-rf", "/etc/postgresql/15/" + PG_CLUSTER, "/run/postgresql/15-" + PG_CLUSTER + ".pid"));
        }
    }

    /** A free port (see {@link io.chatsdk.engine.testing.TestPorts#free()}): a node restarts on it, so not an ephemeral one. */
    private static int freePort() throws IOException {
        return io.chatsdk.engine.testing.TestPorts.free();
    }

    /**
     * Why a playbook failed, for the assertion's message (CI shows that, not the whole log): its failed tasks, and the
     * last errors each node and the broker logged.
     */
    private String why(Shell.Result r) {
        StringBuilder b = new StringBuilder("\nfailed tasks:");
        r.output().lines().filter(l -> l.startsWith("fatal:") || l.contains("FAILED!") || l.startsWith("failed:"))
                .forEach(l -> b.append("\n  ").append(clip(l, 700)));
        Path state = root.resolve("units");
        for (String unit : List.of("chatsdk-app1.service", "chatsdk-app2.service", "chatsdk-artemis.service")) {
            Path log = state.resolve(unit + ".log");
            try {
                // a node that hangs logs no error: SIGQUIT makes its JVM print its threads into the same log
                Path pid = state.resolve(unit + ".pid");
                if (unit.startsWith("chatsdk-app") && Files.exists(pid)) {
                    Shell.run(root, List.of("kill", "-QUIT", Files.readString(pid).strip()));
                    sleep(1500);
                }
                List<String> lines = Files.readAllLines(log);
                List<String> errors = lines.stream()
                        .filter(l -> l.contains("SEVERE") || l.contains("ERROR") || l.contains("Caused by:") || l.contains("Exception:")).toList();
                b.append("\n").append(unit).append(", its last errors:");
                errors.subList(Math.max(0, errors.size() - 12), errors.size()).forEach(l -> b.append("\n  ").append(clip(l, 300)));
                b.append("\n").append(unit).append(", its last lines:");
                lines.subList(Math.max(0, lines.size() - 6), lines.size()).forEach(l -> b.append("\n  ").append(clip(l, 300)));
                int dump = -1;
                for (int i = 0; i < lines.size(); i++) {
                    dump = lines.get(i).startsWith("Full thread dump") ? i : dump;
                }
                if (dump >= 0) {
                    b.append("\n").append(unit).append(", its main thread:");
                    lines.subList(dump, lines.size()).stream().dropWhile(l -> !l.startsWith("\"main\"")).limit(25)
                            .forEach(l -> b.append("\n  ").append(clip(l, 300)));
                }
            } catch (IOException | InterruptedException e) {
                b.append("\n").append(unit).append(": no log (").append(e.getMessage()).append(')');
            }
        }
        return b.toString();
    }

    /** A log line without its colour codes, cut at {@code max} characters. */
    private static String clip(String line, int max) {
        String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
        return plain.length() > max ? plain.substring(0, max) + "..." : plain;
    }

    private static String random() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
