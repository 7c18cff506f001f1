package io.chatsdk.engine.e2ee;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End-to-end encrypted channels: 1:1, ciphertext only, stored exactly as sent, never edited into plain text. */
class E2eeChannelsIT extends EngineTest {
    /** A ciphertext body that happens to hold a Luhn-valid card number: redaction must not touch it. */
    static final String BODY = "MwgBEiEF4111111111111111aGVsbG8gY2lwaGVydGV4dA==";

    static Map<String, Object> envelope(String to) {
        return Map.of("e2ee", Map.of("sender_device", 1, "ciphertexts", List.of(
                Map.of("user_id", to, "device_id", 1, "type", 3, "body", BODY),
                Map.of("user_id", "u1", "device_id", 2, "type", 2, "body", "AAEC"))));
    }

    static NewMessage encrypted(String id, String to) {
        return new NewMessage(id, null, null, null, null, null, null, false, null, false, envelope(to));
    }

    private static Cid dm(AppHandle app, String id) {
        return app.as("u1").channels().getOrCreate("messaging", id, ChannelInput.withMembers(null, List.of("u2")).withCustom(Map.of("e2ee", true)))
                .channel().cid();
    }

    @Test
    void anEncryptedChannelTakesCiphertextOnlyAndStoresItUntouched() {
        AppHandle app = fx.newApp(2);
        app.as("u1").e2ee().register(null, 1, new TestKeys().device(1, 0, 0));
        Cid cid = dm(app, "dm-1");
        assertThat(app.channels().get(cid).custom()).containsEntry("e2ee", true);
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text("hello in the clear")))
                .extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, new NewMessage(null, null, "peek", null, null, null, null, false, null, false,
                envelope("u2")))).as("text beside the envelope").extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        Map<String, Object> extra = new java.util.HashMap<>(envelope("u2"));
        extra.put("note", "in the clear");
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, new NewMessage(null, null, null, null, null, null, null, false, null, false, extra)))
                .extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);

        Message sent = app.as("u1").messages().send(cid, encrypted("e-1", "u2"));
        assertThat(sent.text()).isEmpty();
        Message read = app.as("u2").messages().get("e-1");
        assertThat(read.custom()).isEqualTo(envelope("u2"));
        assertThat(read.custom().toString()).as("redaction left the ciphertext alone").contains("4111111111111111");
        assertThat(app.as("u1").messages().send(cid, encrypted("e-1", "u2")).seq()).as("a resend is the same message").isEqualTo(sent.seq());

        assertThatThrownBy(() -> app.as("u1").messages().update("e-1", "now readable", null, null)).extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        assertThatThrownBy(() -> app.as("u1").messages().partialUpdate("e-1", Map.of("text", "now readable"), null))
                .extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        assertThat(app.as("u1").messages().delete("e-1", false).deletedAt()).isNotNull();
    }

    @Test
    void envelopesAreAddressedToMembersFromAPublishedDeviceAndMayBeLarge() {
        AppHandle app = fx.newApp(3);
        app.as("u1").e2ee().register(null, 1, new TestKeys().device(1, 0, 0));
        Cid cid = dm(app, "dm-4");
        // a first message to four devices: each carries a Kyber ciphertext (about 2.3 KB of base64), past custom data's 5 KiB
        String kyberSized = java.util.Base64.getEncoder().encodeToString(new byte[1800]);
        List<Map<String, Object>> four = new java.util.ArrayList<>();
        for (int d = 1; d <= 4; d++) {
            four.add(Map.of("user_id", d <= 3 ? "u2" : "u1", "device_id", d, "type", 3, "body", kyberSized));
        }
        Message big = app.as("u1").messages().send(cid, new NewMessage(null, null, null, null, null, null, null, false, null, false,
                Map.of("e2ee", Map.of("sender_device", 1, "ciphertexts", four))));
        assertThat(big.custom()).containsKey("e2ee");
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, new NewMessage(null, null, null, null, null, null, null, false, null, false,
                Map.of("e2ee", Map.of("sender_device", 1, "ciphertexts", List.of(Map.of("user_id", "u3", "device_id", 1, "type", 2, "body", "AA==")))))))
                .as("u3 is not in the channel").extracting("field").isEqualTo("e2ee.ciphertexts[0].user_id");
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, new NewMessage(null, null, null, null, null, null, null, false, null, false,
                Map.of("e2ee", Map.of("sender_device", 9, "ciphertexts", List.of(Map.of("user_id", "u2", "device_id", 1, "type", 2, "body", "AA==")))))))
                .as("u1 has no device 9").extracting("field").isEqualTo("e2ee.sender_device");
        // nothing but ciphertext rides along: no custom events, no custom fields on reactions
        assertThatThrownBy(() -> app.as("u1").channels().requireCanSend(cid, null)).extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        assertThatThrownBy(() -> app.as("u2").reactions().react(big.id(), "like", 1, Map.of("note", "in the clear"), false, null))
                .extracting("code").isEqualTo(ErrorCode.E2EE_REQUIRED);
        assertThat(app.as("u2").reactions().react(big.id(), "like", 1, null, false, null).reactionCounts()).containsEntry("like", 1);
    }

    @Test
    void anExistingEncryptedChannelIsHandedOutOnlyToItsOwnMembers() {
        AppHandle app = fx.newApp(3);
        app.as("u3").channels().getOrCreate("messaging", "dm-5", ChannelInput.withMembers(null, List.of("u1")).withCustom(Map.of("e2ee", true)));
        assertThatThrownBy(() -> dm(app, "dm-5")).as("u1 asked for a channel with u2, and dm-5 is u3's").extracting("code").isEqualTo(ErrorCode.CONFLICT);
        assertThat(app.as("u1").channels().getOrCreate("messaging", "dm-5", ChannelInput.withMembers(null, List.of("u3")).withCustom(Map.of("e2ee", true)))
                .channel().custom()).containsEntry("e2ee", true);
        assertThat(app.as("u1").channels().getOrCreate("messaging", "plain-5", ChannelInput.withMembers(null, List.of("u2"))
                .withCustom(Map.of("e2ee", false, "topic", "x"))).channel().custom()).as("e2ee: false asks for nothing")
                .doesNotContainKey("e2ee").containsEntry("topic", "x");
        Message plain = app.as("u1").messages().send(new Cid("messaging", "plain-5"), NewMessage.text("hello"));
        assertThatThrownBy(() -> app.as("u1").messages().partialUpdate(plain.id(), Map.of("e2ee", Map.of("sender_device", 1)), null))
                .as("a plain message cannot pose as an encrypted one").extracting("code").isEqualTo(ErrorCode.VALIDATION);
    }

    @Test
    void malformedEnvelopesNameTheirField() {
        AppHandle app = fx.newApp(2);
        Cid cid = dm(app, "dm-2");
        record Case(Object envelope, String field) {
        }
        List<Case> cases = List.of(
                new Case("not an object", "e2ee"),
                new Case(Map.of("ciphertexts", List.of()), "e2ee.sender_device"),
                new Case(Map.of("sender_device", 1, "ciphertexts", List.of()), "e2ee.ciphertexts"),
                new Case(Map.of("sender_device", 1, "ciphertexts", List.of(Map.of("user_id", "u2", "device_id", 1, "type", 3, "body", "***"))),
                        "e2ee.ciphertexts[0].body"),
                new Case(Map.of("sender_device", 1, "ciphertexts", List.of(Map.of("user_id", "u2", "device_id", 1, "type", 1, "body", "AA=="))),
                        "e2ee.ciphertexts[0].type"),
                new Case(Map.of("sender_device", 1, "ciphertexts", List.of(Map.of("user_id", "u2", "device_id", 300, "type", 2, "body", "AA=="))),
                        "e2ee.ciphertexts[0].device_id"),
                new Case(Map.of("sender_device", 1, "ciphertexts", List.of(Map.of("user_id", "u2", "device_id", 1, "type", 2, "body", "AA=="),
                        Map.of("user_id", "u2", "device_id", 1, "type", 2, "body", "AA=="))), "e2ee.ciphertexts[1]"),
                new Case(Map.of("sender_device", 1, "plaintext", "x", "ciphertexts", List.of()), "e2ee.plaintext"));
        for (Case c : cases) {
            assertThatThrownBy(() -> app.as("u1").messages().send(cid, new NewMessage(null, null, null, null, null, null, null, false, null, false,
                    Map.of("e2ee", c.envelope())))).as(c.field()).extracting("field").isEqualTo(c.field());
        }
    }

    @Test
    void encryptionIsForOneToOneMessagingChannelsAndForLife() {
        AppHandle app = fx.newApp(3);
        assertThatThrownBy(() -> app.as("u1").channels().getOrCreate("messaging", "trio",
                ChannelInput.withMembers(null, List.of("u2", "u3")).withCustom(Map.of("e2ee", true)))).extracting("field").isEqualTo("members");
        assertThatThrownBy(() -> app.as("u1").channels().getOrCreate("team", "t-1",
                ChannelInput.withMembers(null, List.of("u2")).withCustom(Map.of("e2ee", true)))).extracting("field").isEqualTo("e2ee");
        assertThatThrownBy(() -> app.as("u1").channels().getOrCreate("messaging", "odd",
                ChannelInput.withMembers(null, List.of("u2")).withCustom(Map.of("e2ee", "yes")))).extracting("field").isEqualTo("e2ee");
        Cid plain = app.as("u1").channels().getOrCreate("messaging", "plain", ChannelInput.withMembers(null, List.of("u2"))).channel().cid();
        assertThatThrownBy(() -> app.as("u1").channels().getOrCreate("messaging", "plain",
                ChannelInput.withMembers(null, List.of("u2")).withCustom(Map.of("e2ee", true)))).extracting("code").isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> app.as("u1").messages().send(plain, encrypted(null, "u2"))).extracting("field").isEqualTo("e2ee");
        assertThatThrownBy(() -> app.as("u1").channels().partialUpdate(plain, Map.of("e2ee", true), null)).extracting("code").isEqualTo(ErrorCode.VALIDATION);

        Cid cid = dm(app, "dm-3");
        app.channels().update(cid, ChannelInput.empty().withName("renamed").withCustom(Map.of("topic", "t")));
        assertThat(app.channels().get(cid).custom()).containsEntry("e2ee", true).containsEntry("topic", "t");
        assertThatThrownBy(() -> app.channels().partialUpdate(cid, null, List.of("e2ee"))).extracting("code").isEqualTo(ErrorCode.VALIDATION);
        assertThatThrownBy(() -> app.channels().addMembers(cid, List.of("u3"))).extracting("code").isEqualTo(ErrorCode.FEATURE_DISABLED);
        assertThat(app.channels().get(cid).custom()).containsEntry("e2ee", true);
    }
}
