package io.chatsdk.appliance;

import io.chatsdk.engine.e2ee.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The E2EE prekey directory over REST on the real appliance: publish, claim, key-change events, and hostile input. */
class E2eeApiIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "e2ee");
        api.users("alice", "bob", "carol");
        api.as("alice", "POST", "/channels/messaging/e2ee-dm/query", Map.of("data", Map.of("members", List.of("alice", "bob"))));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Map<String, Object> signed(int id, byte[] key, byte[] sig) {
        return Map.of("key_id", id, "public_key", b64(key), "signature", b64(sig));
    }

    /** A first upload in the API's JSON: {@code ec} one-time EC keys and {@code pq} one-time Kyber keys. */
    static Map<String, Object> device(TestKeys keys, int ec, int pq) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registration_id", 77);
        body.put("identity_key", b64(keys.identityKey));
        byte[] spk = TestKeys.ecKey();
        body.put("signed_prekey", signed(1, spk, keys.sign(spk)));
        byte[] last = TestKeys.kyberKey();
        body.put("pq_last_resort_prekey", signed(999, last, keys.sign(last)));
        List<Object> ecKeys = new ArrayList<>();
        for (int i = 1; i <= ec; i++) {
            ecKeys.add(Map.of("key_id", i, "public_key", b64(TestKeys.ecKey())));
        }
        List<Object> pqKeys = new ArrayList<>();
        for (int i = 1; i <= pq; i++) {
            byte[] k = TestKeys.kyberKey();
            pqKeys.add(signed(100 + i, k, keys.sign(k)));
        }
        body.put("prekeys", ecKeys);
        body.put("pq_prekeys", pqKeys);
        return body;
    }

    @Test
    void aDevicePublishesAndAnotherUserClaimsItsBundleWhileContactsHearOfIt() throws Exception {
        TestKeys alice = new TestKeys();
        try (WsClient bob = WsClient.connect(appliance, api.apiKey, api.userToken("bob"));
             WsClient carol = WsClient.connect(appliance, api.apiKey, api.userToken("carol"))) {
            bob.await("health.check", 10);
            carol.await("health.check", 10);
            Api.Res put = api.as("alice", "PUT", "/e2ee/devices/1", device(alice, 2, 1));
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            assertThat(put.json()).containsEntry("change", "added");
            assertThat(put.obj("counts")).containsEntry("prekeys", 2).containsEntry("pq_prekeys", 1);
            Map<String, Object> heard = bob.await("user.keys_changed", 10);
            assertThat(heard).containsEntry("user_id", "alice").containsEntry("device_id", 1).containsEntry("change", "added");
            Thread.sleep(300);
            assertThat(carol.seen.toString()).as("carol shares no channel with alice").doesNotContain("user.keys_changed");
        }
        Api.Res devices = api.as("bob", "GET", "/e2ee/users/alice/devices", null);
        assertThat(devices.list("devices")).singleElement().satisfies(d -> assertThat(d).containsEntry("identity_key", b64(alice.identityKey)));

        Api.Res claim = api.as("bob", "POST", "/e2ee/users/alice/bundles", null);
        assertThat(claim.status()).as(claim.toString()).isEqualTo(200);
        Map<String, Object> bundle = claim.list("bundles").get(0);
        assertThat(bundle).containsEntry("device_id", 1).containsEntry("registration_id", 77).containsEntry("identity_key", b64(alice.identityKey));
        assertThat(bundle).containsKey("prekey");
        @SuppressWarnings("unchecked")
        Map<String, Object> pq = (Map<String, Object>) bundle.get("pq_prekey");
        assertThat(pq).containsEntry("last_resort", false).containsEntry("key_id", 101);
        @SuppressWarnings("unchecked")
        Map<String, Object> lastResort = (Map<String, Object>) api.as("bob", "POST", "/e2ee/users/alice/bundles?device_id=1", null)
                .list("bundles").get(0).get("pq_prekey");
        assertThat(lastResort).containsEntry("last_resort", true).containsEntry("key_id", 999);
        assertThat(api.as("alice", "GET", "/e2ee/devices/1/keys", null).obj("counts")).containsEntry("prekeys", 0).containsEntry("pq_prekeys", 0);

        Api.Res more = api.as("alice", "POST", "/e2ee/devices/1/keys", Map.of("prekeys", List.of(Map.of("key_id", 50, "public_key", b64(TestKeys.ecKey())))));
        assertThat(more.obj("counts")).containsEntry("prekeys", 1);
        assertThat(api.as("alice", "DELETE", "/e2ee/devices/1", null).status()).isEqualTo(200);
        assertThat(api.as("bob", "POST", "/e2ee/users/alice/bundles", null).code()).isEqualTo("not_found");
    }

    @Test
    void anEncryptedChannelTakesOnlyCiphertextAndExportsShowOnlyCiphertext() throws Exception {
        api.users("fay", "gus");
        api.as("fay", "PUT", "/e2ee/devices/1", device(new TestKeys(), 0, 0));
        Api.Res created = api.as("fay", "POST", "/channels/messaging/e2ee-fg/query", Map.of("data", Map.of("members", List.of("fay", "gus"), "e2ee", true)));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.json()).containsEntry("created", true);
        assertThat(created.obj("channel")).containsEntry("e2ee", true);
        Api.Res plain = api.as("fay", "POST", "/channels/messaging/e2ee-fg/message", Map.of("message", Map.of("text", "canary-plaintext-4711")));
        assertThat(plain.status()).isEqualTo(400);
        assertThat(plain.code()).isEqualTo("e2ee_required");
        Map<String, Object> envelope = Map.of("sender_device", 1, "ciphertexts", List.of(
                Map.of("user_id", "gus", "device_id", 1, "type", 3, "body", "Y2lwaGVydGV4dA=="),
                Map.of("user_id", "fay", "device_id", 2, "type", 2, "body", "c2VsZg==")));
        Api.Res sent = api.as("fay", "POST", "/channels/messaging/e2ee-fg/message", Map.of("message", Map.of("id", "fg-1", "e2ee", envelope)));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(sent.obj("message")).containsEntry("text", "").containsEntry("e2ee", envelope);
        assertThat(api.as("fay", "POST", "/messages/fg-1", Map.of("message", Map.of("text", "edited in the clear"))).code()).isEqualTo("e2ee_required");
        assertThat(api.as("fay", "POST", "/channels/messaging/e2ee-fg", Map.of("add_members", List.of("alice"))).status()).isEqualTo(403);
        Api.Res custom = api.as("fay", "POST", "/channels/messaging/e2ee-fg/event", Map.of("event", Map.of("type", "note", "text", "canary-plaintext-4711")));
        assertThat(custom.code()).as(custom.toString()).isEqualTo("e2ee_required");
        Api.Res export = Api.operator(appliance, "POST", "/admin/api/apps/" + api.appId + "/compliance/exports", Map.of("format", "jsonl"));
        assertThat(export.raw().body()).contains("Y2lwaGVydGV4dA==").doesNotContain("canary-plaintext-4711").doesNotContain("edited in the clear");
    }

    @Test
    void concurrentClaimsOverHttpGetDistinctKeys() throws Exception {
        api.users("dora", "erik");
        api.as("dora", "PUT", "/e2ee/devices/2", device(new TestKeys(), 6, 0));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Api.Res>> claims = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                claims.add(() -> api.as("erik", "POST", "/e2ee/users/dora/bundles", null));
            }
            List<Object> handedOut = new ArrayList<>();
            int without = 0;
            for (Future<Api.Res> f : pool.invokeAll(claims)) {
                Map<String, Object> b = f.get().list("bundles").get(0);
                if (b.containsKey("prekey")) {
                    handedOut.add(((Map<?, ?>) b.get("prekey")).get("key_id"));
                } else {
                    without++;
                }
            }
            assertThat(handedOut).hasSize(6).doesNotHaveDuplicates();
            assertThat(without).isEqualTo(4);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hostileUploadsAndClaimsGetStableCodes() throws Exception {
        TestKeys alice = new TestKeys();
        TestKeys mallory = new TestKeys();
        Map<String, Object> forged = device(alice, 0, 0);
        byte[] spk = TestKeys.ecKey();
        forged.put("signed_prekey", signed(1, spk, mallory.sign(spk)));
        Api.Res bad = api.as("alice", "PUT", "/e2ee/devices/3", forged);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("invalid_signature");
        assertThat(bad.json()).containsEntry("field", "signed_prekey.signature");

        Map<String, Object> notBase64 = device(alice, 0, 0);
        notBase64.put("identity_key", "***");
        assertThat(api.as("alice", "PUT", "/e2ee/devices/3", notBase64).json()).containsEntry("code", "validation_error").containsEntry("field", "identity_key");
        assertThat(api.as("alice", "PUT", "/e2ee/devices/abc", device(alice, 0, 0)).json()).containsEntry("field", "device_id");
        assertThat(api.as("alice", "PUT", "/e2ee/devices/300", device(alice, 0, 0)).json()).containsEntry("field", "device_id");
        Map<String, Object> extra = device(alice, 0, 0);
        extra.put("plaintext_backup", "no");
        assertThat(api.as("alice", "PUT", "/e2ee/devices/3", extra).code()).isEqualTo("unknown_field");

        // a body over the appliance's limit is refused before it is read
        Api.Res huge = api.as("alice", "PUT", "/e2ee/devices/3", device(alice, 0, 30));
        assertThat(huge.status()).as("30 Kyber keys exceed the test appliance's " + TestAppliance.MAX_BODY_BYTES + " bytes").isEqualTo(413);
        assertThat(huge.code()).isEqualTo("payload_too_large");
        assertThat(api.as("alice", "GET", "/e2ee/users/alice/devices", null).list("devices")).isEmpty();

        // a user token acts for its own user only; another app's user is not there
        Map<String, Object> asAlice = device(alice, 0, 0);
        asAlice.put("user_id", "alice");
        Api.Res impersonation = api.as("bob", "PUT", "/e2ee/devices/3", asAlice);
        assertThat(impersonation.status()).as(impersonation.toString()).isEqualTo(403);
        assertThat(api.as("bob", "DELETE", "/e2ee/devices/3?user_id=alice", null).status()).isEqualTo(403);
        assertThat(api.as("bob", "GET", "/e2ee/users/bob/devices", null).list("devices")).isEmpty();
        Api.Res claimOther = Api.newApp(appliance, "e2ee-other").asServer("POST", "/e2ee/users/alice/bundles", null);
        assertThat(claimOther.code()).isEqualTo("user_not_found");
        Api.Res forgedToken = api.call("POST", "/e2ee/users/alice/bundles", null, "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiYm9iIn0.AAAA");
        assertThat(forgedToken.status()).isEqualTo(401);
        // broken Unicode in a user id
        assertThat(api.as("bob", "POST", "/e2ee/users/%ED%A0%80/bundles", null).status()).isBetween(400, 404);
    }
}
