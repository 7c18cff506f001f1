package io.chatsdk.appliance;

import io.chatsdk.engine.audit.AuditPublicKey;
import io.chatsdk.engine.audit.AuditVerification;
import io.chatsdk.engine.audit.AuditVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compliance core through the appliance: audit records for API calls and token failures, a signed audit export
 * that verifies offline, the compliance role, the runtime database role that cannot change the audit log, redaction,
 * holds and exports over REST, crypto-shredding, and canaries that must not reach PostgreSQL's files or the log.
 * Uses its own appliance, which it stops to scan the data directory after PostgreSQL's shutdown checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComplianceIT {
    static final String COMPLIANCE_TOKEN = "test-compliance-token-0123456789";
    static final String PAN = "4111 1111 1111 1111";
    static final String CANARY = "canary-" + UUID.randomUUID();
    static TestAppliance appliance;
    static Api app;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.start(Map.of("CHATSDK_OPERATOR_TOKEN", TestAppliance.OPERATOR_TOKEN, "CHATSDK_COMPLIANCE_TOKEN", COMPLIANCE_TOKEN,
                "CHATSDK_DEMO", "false"));
        appliance.awaitReady(java.time.Duration.ofSeconds(180));
        app = Api.newApp(appliance, "compliance");
        app.users("alice", "bob");
        assertThat(app.as("alice", "POST", "/channels/messaging/deal/query", Map.of("data", Map.of("members", List.of("alice", "bob")))).status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (appliance != null) {
            appliance.stop();
        }
    }

    static Api.Res compliance(String method, String path, Object body) throws Exception {
        return Api.send(appliance, method, "/admin/api/apps/" + app.appId + "/compliance" + path,
                body == null ? null : Api.JSON.writeValueAsString(body), "application/json", Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN,
                        "X-Actor", "officer.jane"));
    }

    @Test
    @Order(1)
    void maskedCardNumbersNeverReachOtherUsersAndSendsAreAudited() throws Exception {
        assertThat(compliance("PUT", "/redaction", Map.of("policy", "mask")).status()).isEqualTo(200);
        assertThat(compliance("PUT", "/redaction", Map.of("policy", "shred")).code()).isEqualTo("validation_error");
        assertThat(compliance("PUT", "/redaction", Map.of("policy", "mask", "custom_patterns", List.of(Map.of("name", "mrn", "pattern", "(")))).raw().body())
                .contains("custom_patterns[0]");
        try (WsClient bob = WsClient.connect(appliance, app.apiKey, app.userToken("bob"))) {
            bob.await("health.check", 10);
            Api.Res sent = app.as("alice", "POST", "/channels/messaging/deal/message",
                    Map.of("message", Map.of("text", CANARY + " pay with " + PAN, "custom", Map.of("note", "card " + PAN))));
            assertThat(sent.status()).isEqualTo(201);
            assertThat(sent.obj("message").get("text").toString()).contains("4111 11** **** 1111").doesNotContain(PAN);
            Map<String, Object> event = bob.await("message.new", 10);
            assertThat(Api.JSON.writeValueAsString(event)).contains(CANARY).doesNotContain(PAN).doesNotContain("4111111111111111");
            try (WsClient alice = WsClient.connect(appliance, app.apiKey, app.userToken("alice"))) {
                alice.await("health.check", 10);
                alice.send(Map.of("type", "custom", "cid", "messaging:deal", "event", Map.of("type", "payment_hint", "note", "card " + PAN)));
                Map<String, Object> hint = bob.await("payment_hint", 10);
                assertThat(hint.get("note")).isEqualTo("card 4111 11** **** 1111");
            }
        }
        Api.Res audit = compliance("GET", "/audit?actor_id=alice&action=channels.send", null);
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.list("records")).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("actor_type", "user").containsEntry("outcome", "success").containsEntry("resource_type", "channel")
                    .containsEntry("resource_id", "messaging:deal");
            assertThat(r.get("ip")).isEqualTo("127.0.0.1");
            assertThat(Api.JSON.writeValueAsString(r)).doesNotContain(CANARY);
        });
    }

    @Test
    @Order(2)
    void tokenFailuresAreAuditedInTheAppsChainAndTheExportVerifiesOffline() throws Exception {
        Api.Res forged = app.call("POST", "/channels/messaging/deal/query", Map.of(), app.userToken("alice") + "x");
        assertThat(forged.status()).isEqualTo(401);
        // a hostile API key (a NUL byte, which PostgreSQL refuses in text) is audited too and does not block the log
        Api.Res nul = Api.send(appliance, "POST", "/api/v1/channels/messaging/deal/query?api_key=%00bad", "{}", "application/json", Map.of());
        assertThat(nul.status()).isEqualTo(401);
        assertThat(app.as("alice", "POST", "/channels/messaging/deal/message", Map.of("message", Map.of("text", "still audited"))).status())
                .isEqualTo(201);
        // failures are audited without making the failing caller wait: the record lands just after the response
        // counted over a window (10 s by default), then written as one record per address, app and reason
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !compliance("GET", "/audit?action=auth.rejected", null).list("records").isEmpty());
        List<Map<String, Object>> rejected = compliance("GET", "/audit?action=auth.rejected", null).list("records");
        assertThat(rejected).isNotEmpty().allSatisfy(r -> assertThat(r).containsEntry("outcome", "failure").containsEntry("actor_type", "anonymous"));
        assertThat(rejected.get(0).get("reason")).isNotNull();

        Api.Res export = Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/audit/export", null, null,
                Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN));
        assertThat(export.status()).isEqualTo(200);
        Path file = appliance.dataDir.resolveSibling("audit-" + app.appId + ".jsonl");
        Files.writeString(file, export.raw().body());
        AuditPublicKey key = AuditPublicKey.fromPem(Files.readString(appliance.dataDir.resolve("audit-signing.key.pub")));
        AuditVerification ok = new AuditVerifier(key).verify(file);
        assertThat(ok.ok()).as(ok.summary()).isTrue();
        assertThat(ok.records()).isGreaterThanOrEqualTo(5);
        // one changed byte in a record is named
        String tampered = export.raw().body().replaceFirst("\"actor_id\":\"alice\"", "\"actor_id\":\"alicf\"");
        Files.writeString(file, tampered);
        assertThat(new AuditVerifier(key).verify(file).problem().kind().name()).isEqualTo("HASH_MISMATCH");
    }

    @Test
    @Order(3)
    void theComplianceRoleReachesOnlyComplianceEndpoints() throws Exception {
        Map<String, String> asCompliance = Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN);
        assertThat(Api.send(appliance, "POST", "/admin/api/apps", "{\"name\":\"x\"}", "application/json", asCompliance).status()).isEqualTo(403);
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/credentials", null, null, asCompliance).status()).isEqualTo(403);
        assertThat(compliance("POST", "/keys/rotate", null).status()).isEqualTo(403);
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/compliance/keys/rotate", null).json()).containsEntry("key_version", 2);
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/audit", null, null,
                Map.of("Authorization", "Bearer " + app.serverToken())).status()).isEqualTo(401);
        List<Map<String, Object>> denied = compliance("GET", "/audit?action=appsadmin.create", null).list("records");
        assertThat(denied).isEmpty();   // app creation is in the operator chain, not this app's
        Api.Res operatorChain = Api.send(appliance, "GET", "/admin/api/audit?action=appsadmin.create", null, null, asCompliance);
        assertThat(operatorChain.list("records")).isNotEmpty().allSatisfy(r -> assertThat(r).containsEntry("chain", "operator"));
        Api.Res operatorExport = Api.send(appliance, "GET", "/admin/api/audit/export", null, null, asCompliance);
        Path file = appliance.dataDir.resolveSibling("audit-operator.jsonl");
        Files.writeString(file, operatorExport.raw().body());
        AuditVerification v = new AuditVerifier(AuditPublicKey.fromPem(Files.readString(appliance.dataDir.resolve("audit-signing.key.pub")))).verify(file);
        assertThat(v.ok()).as(v.summary()).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(compliance("GET", "/audit?actor_id=compliance-token:officer.jane&limit=1000", null).list("records")).anySatisfy(r -> assertThat(r).containsEntry("action", "compliance.rotateKey").containsEntry("outcome", "failure")));
    }

    @Test
    @Order(4)
    void holdsRetentionAndExportsOverRest() throws Exception {
        Api.Res bad = compliance("POST", "/legal-holds", Map.of("name", "m", "reason", "r", "channel_cids", List.of("nocolon")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json()).containsEntry("field", "channel_cids[0]");
        Api.Res hold = compliance("POST", "/legal-holds", Map.of("name", "matter 1", "reason", "litigation", "user_ids", List.of("alice")));
        assertThat(hold.status()).isEqualTo(201);
        assertThat(hold.obj("legal_hold")).containsEntry("created_by", "officer.jane").containsEntry("active", true);
        assertThat(compliance("PUT", "/retention", Map.of("max_age_days", 30)).status()).isEqualTo(200);
        assertThat(compliance("PUT", "/retention", Map.of("max_age_days", 0)).json()).containsEntry("field", "max_age_days");
        assertThat(compliance("POST", "/retention/purge", null).obj("purged")).containsEntry("messages", 0);

        Api.Res csv = Api.send(appliance, "POST", "/admin/api/apps/" + app.appId + "/compliance/exports", "{\"format\":\"csv\"}", "application/json",
                Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.raw().body()).contains(CANARY).doesNotContain(PAN);
        assertThat(compliance("POST", "/exports", Map.of("format", "pdf")).json()).containsEntry("field", "format");
        // Payara carries its own Jakarta Mail: the EML export must work with whichever copy the WAR sees
        Api.Res eml = Api.send(appliance, "POST", "/admin/api/apps/" + app.appId + "/compliance/exports", "{\"format\":\"eml\"}", "application/json",
                Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN));
        assertThat(eml.status()).isEqualTo(200);
        assertThat(eml.header("Content-Type")).startsWith("application/zip");
        assertThat(eml.raw().body()).startsWith("PK");
        Api.Res xml = compliance("POST", "/exports", Map.of("format", "xml", "user_ids", List.of("alice")));
        assertThat(xml.raw().body()).contains("<FileDump").contains("alice");
        Api.Res user = compliance("GET", "/users/alice/export", null);
        assertThat(user.obj("user")).containsEntry("id", "alice");
        assertThat(compliance("GET", "/users/nobody/export", null).code()).isEqualTo("user_not_found");
    }

    @Test
    @Order(4)
    void exportJobsRunInTheBackgroundAndTheirFilesDownloadWithTheirHash() throws Exception {
        Api.Res started = compliance("POST", "/export-jobs", Map.of("format", "jsonl", "user_ids", List.of("alice")));
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.header("Location")).endsWith("export-jobs/" + started.obj("export").get("id"));
        assertThat(started.obj("export")).containsEntry("requested_by", "officer.jane").containsEntry("kind", "messages");
        String id = (String) started.obj("export").get("id");
        Map<String, Object> job = Map.of();
        for (int i = 0; i < 300 && !"done".equals(job.get("state")); i++) {
            Thread.sleep(100);
            job = compliance("GET", "/export-jobs/" + id, null).obj("export");
        }
        assertThat(job).containsEntry("state", "done");
        assertThat(((Number) job.get("done_messages")).longValue()).isEqualTo(((Number) job.get("total_messages")).longValue()).isPositive();
        Api.Res file = compliance("GET", "/export-jobs/" + id + "/download", null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith("application/x-ndjson");
        assertThat(file.header("Content-Disposition")).contains(id + ".jsonl");
        assertThat(file.raw().body()).contains(CANARY).doesNotContain(PAN);
        assertThat(file.header("X-Content-SHA256")).isEqualTo(job.get("sha256"))
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(file.raw().body().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(compliance("GET", "/export-jobs", null).list("exports")).extracting(e -> e.get("id")).contains(id);

        String subject = (String) compliance("POST", "/export-jobs", Map.of("kind", "data_subject", "user_id", "bob")).obj("export").get("id");
        for (int i = 0; i < 300 && !"done".equals(compliance("GET", "/export-jobs/" + subject, null).obj("export").get("state")); i++) {
            Thread.sleep(100);
        }
        assertThat(compliance("GET", "/export-jobs/" + subject + "/download", null).json()).containsKey("user");

        // bad input: each refused with its code, and nothing queued
        int before = compliance("GET", "/export-jobs?limit=100", null).list("exports").size();
        assertThat(compliance("POST", "/export-jobs", Map.of("format", "pdf")).json()).containsEntry("field", "format");
        assertThat(compliance("POST", "/export-jobs", Map.of("kind", "everything", "format", "csv")).json()).containsEntry("field", "kind");
        assertThat(compliance("POST", "/export-jobs", Map.of("kind", "data_subject", "user_id", "bob", "format", "csv")).json()).containsEntry("field", "format");
        assertThat(compliance("POST", "/export-jobs", Map.of("format", "csv", "user_id", "bob")).json()).containsEntry("field", "user_id");
        assertThat(compliance("POST", "/export-jobs", Map.of("kind", "data_subject", "user_id", "nobody")).code()).isEqualTo("user_not_found");
        assertThat(compliance("POST", "/export-jobs", Map.of("format", "csv", "surprise", 1)).status()).isEqualTo(400);
        Api.Res malformed = Api.send(appliance, "POST", "/admin/api/apps/" + app.appId + "/compliance/export-jobs", "{\"format\": \"cs\uD800",
                "application/json", Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(compliance("GET", "/export-jobs?limit=100", null).list("exports")).hasSize(before);
        // another app's job, a job id that is no id, and an unknown one
        Api other = Api.newApp(appliance, "other");
        Api.Res foreign = Api.send(appliance, "GET", "/admin/api/apps/" + other.appId + "/compliance/export-jobs/" + id + "/download", null, null,
                Map.of("Authorization", "Bearer " + COMPLIANCE_TOKEN));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("export_not_found");
        assertThat(compliance("GET", "/export-jobs/not-a-uuid", null).code()).isEqualTo("export_not_found");
        assertThat(compliance("GET", "/export-jobs/" + UUID.randomUUID() + "/download", null).status()).isEqualTo(404);
        // a forged token reaches nothing
        assertThat(Api.send(appliance, "GET", "/admin/api/apps/" + app.appId + "/compliance/export-jobs/" + id + "/download", null, null,
                Map.of("Authorization", "Bearer forged-" + COMPLIANCE_TOKEN)).status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void theRuntimeRoleCannotChangeTheAuditLogAndTheOwnerIsStoppedByTheTrigger() throws Exception {
        int port = Integer.parseInt(Files.readAllLines(appliance.dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).strip());
        Properties secrets = new Properties();
        try (var in = Files.newInputStream(appliance.dataDir.resolve("secrets.properties"))) {
            secrets.load(in);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "chatsdk_app", secrets.getProperty("database-password")); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("insert into audit_chain (chain, last_seq, last_hash) values ('probe', 0, '\\x00') on conflict do nothing"))
                    .isBetween(0, 1);
            assertThatThrownBy(() -> s.execute("update audit_log set actor_id = 'x'")).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("delete from audit_log")).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("alter table audit_log disable trigger audit_log_append_only")).isInstanceOf(SQLException.class);
        }
        // no local process gets in without a password (issue #14 item 8): the embedded cluster asks for scram-sha-256
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres")).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThat(Files.readString(appliance.dataDir.resolve("postgres").resolve("pg_hba.conf"))).doesNotContainPattern("(?m)^[^#]*\\strust\\s*$");
        try (Connection c = DriverManager.getConnection(url, "postgres", secrets.getProperty("database-superuser-password")); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("delete from audit_log")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
    }

    @Test
    @Order(6)
    void cryptoShreddingAnswersGoneAndCanariesStayOffDisk() throws Exception {
        Api victim = Api.newApp(appliance, "to be erased");
        victim.users("carol", "dave");
        victim.as("carol", "POST", "/channels/messaging/x/query", Map.of("data", Map.of("members", List.of("carol", "dave"))));
        assertThat(victim.as("carol", "POST", "/channels/messaging/x/message", Map.of("message", Map.of("text", "soon unreadable"))).status()).isEqualTo(201);
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + victim.appId + "/compliance/keys/destroy", Map.of("confirm", "no")).code())
                .isEqualTo("validation_error");
        // a held app cannot be shredded
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/compliance/keys/destroy", Map.of("confirm", app.appId)).code())
                .isEqualTo("legal_hold");
        assertThat(Api.operator(appliance, "POST", "/admin/api/apps/" + victim.appId + "/compliance/keys/destroy", Map.of("confirm", victim.appId)).status())
                .isEqualTo(200);
        Api.Res gone = victim.as("dave", "POST", "/channels/messaging/x/query", Map.of());
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.code()).isEqualTo("content_erased");
        Api.Res export = Api.operator(appliance, "POST", "/admin/api/apps/" + victim.appId + "/compliance/exports", Map.of("format", "jsonl"));
        assertThat(export.status()).isEqualTo(410);

        appliance.stop();   // PostgreSQL's shutdown checkpoint writes everything to the data files
        Path pg = appliance.dataDir.resolve("postgres");
        assertThat(filesContaining(pg, app.appId)).as("the scan sees clear ids").isNotEmpty();
        assertThat(filesContaining(pg, CANARY)).as("files of PostgreSQL holding the canary text").isEmpty();
        assertThat(filesContaining(appliance.dataDir, PAN)).as("files holding the card number").isEmpty();
        assertThat(filesContaining(appliance.dataDir, PAN.replace(" ", ""))).isEmpty();
        String log = Files.readString(appliance.log);
        assertThat(log).doesNotContain(CANARY).doesNotContain(PAN).doesNotContain(COMPLIANCE_TOKEN);
    }

    static List<Path> filesContaining(Path dir, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), n);
                } catch (IOException e) {
                    if (Files.exists(f)) {
                        throw new UncheckedIOException(e);
                    }
                    return false;
                }
            }).toList();
        }
    }

    private static boolean indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
