package io.chatsdk.engine.e2ee;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.compliance.DataSubjects.ErasureMode;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prekey directory against the engine and its PostgreSQL: signatures, one-time keys handed out once, key-change events. */
class KeyDirectoryIT extends EngineTest {

    @Test
    void aClaimHandsOutEachOneTimeKeyOnceThenTheLastResortKey() {
        AppHandle app = fx.newApp(2);
        TestKeys alice = new TestKeys();
        KeyDirectory.Registered r = app.as("u1").e2ee().register(null, 1, alice.device(4242, 2, 2));
        assertThat(r.change()).isEqualTo("added");
        assertThat(r.counts()).isEqualTo(new KeyDirectory.Counts(2, 2));

        KeyDirectory bob = app.as("u2").e2ee();
        KeyDirectory.Bundle first = bob.claim("u1", null).get(0);
        KeyDirectory.Bundle second = bob.claim("u1", 1).get(0);
        KeyDirectory.Bundle third = bob.claim("u1", null).get(0);
        assertThat(first.identityKey()).isEqualTo(alice.identityKey);
        assertThat(first.registrationId()).isEqualTo(4242);
        assertThat(first.preKey().keyId()).isNotEqualTo(second.preKey().keyId());
        assertThat(first.pqPreKey().keyId()).isNotEqualTo(second.pqPreKey().keyId());
        assertThat(first.pqLastResort()).isFalse();
        assertThat(third.preKey()).as("no one-time EC key left").isNull();
        assertThat(third.pqLastResort()).isTrue();
        assertThat(third.pqPreKey().keyId()).isEqualTo(999);
        assertThat(bob.claim("u1", null).get(0).pqPreKey().keyId()).as("the last-resort key stays").isEqualTo(999);
        assertThat(app.as("u1").e2ee().counts(null, 1)).isEqualTo(new KeyDirectory.Counts(0, 0));

        KeyDirectory.Counts topped = app.as("u1").e2ee().replenish(null, 1, List.of(new KeyDirectory.OneTimeKey(7, TestKeys.ecKey())),
                List.of(alice.kyber(107)), null, null);
        assertThat(topped).isEqualTo(new KeyDirectory.Counts(1, 1));
        assertThat(bob.claim("u1", null).get(0).preKey().keyId()).isEqualTo(7);
    }

    @Test
    void concurrentClaimsNeverShareAOneTimeKey() throws Exception {
        AppHandle app = fx.newApp(2);
        app.as("u1").e2ee().register(null, 1, new TestKeys().device(1, 10, 10));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<KeyDirectory.Bundle>> claims = Collections.nCopies(16, () -> app.as("u2").e2ee().claim("u1", 1).get(0));
            List<Integer> ec = new ArrayList<>();
            List<Integer> pq = new ArrayList<>();
            for (Future<KeyDirectory.Bundle> f : pool.invokeAll(claims)) {
                KeyDirectory.Bundle b = f.get();
                if (b.preKey() != null) {
                    ec.add(b.preKey().keyId());
                }
                if (!b.pqLastResort()) {
                    pq.add(b.pqPreKey().keyId());
                }
            }
            assertThat(ec).hasSize(10).doesNotHaveDuplicates();
            assertThat(pq).hasSize(10).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyWhoseSignatureIsNotTheIdentitysIsRefusedAndNothingIsStored() {
        AppHandle app = fx.newApp(1);
        TestKeys alice = new TestKeys();
        TestKeys mallory = new TestKeys();
        KeyDirectory.DeviceKeys good = alice.device(1, 1, 1);
        KeyDirectory.DeviceKeys forgedPrekey = new KeyDirectory.DeviceKeys(1, alice.identityKey, mallory.signedPreKey(1), good.pqLastResortPreKey(),
                good.preKeys(), good.pqPreKeys());
        assertThatThrownBy(() -> app.as("u1").e2ee().register(null, 1, forgedPrekey))
                .extracting("code", "field").containsExactly(ErrorCode.INVALID_SIGNATURE, "signed_prekey.signature");
        KeyDirectory.DeviceKeys forgedKyber = new KeyDirectory.DeviceKeys(1, alice.identityKey, good.signedPreKey(), good.pqLastResortPreKey(),
                good.preKeys(), List.of(mallory.kyber(5)));
        assertThatThrownBy(() -> app.as("u1").e2ee().register(null, 1, forgedKyber))
                .extracting("code", "field").containsExactly(ErrorCode.INVALID_SIGNATURE, "pq_prekeys[0].signature");
        byte[] tampered = good.signedPreKey().publicKey().clone();
        tampered[9] ^= 1;
        KeyDirectory.DeviceKeys swapped = new KeyDirectory.DeviceKeys(1, alice.identityKey,
                new KeyDirectory.SignedKey(1, tampered, good.signedPreKey().signature()), good.pqLastResortPreKey(), List.of(), List.of());
        assertThatThrownBy(() -> app.as("u1").e2ee().register(null, 1, swapped)).extracting("code").isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(app.e2ee().devices("u1")).isEmpty();
        app.as("u1").e2ee().register(null, 1, good);
        // a later top-up is checked against the stored identity
        assertThatThrownBy(() -> app.as("u1").e2ee().replenish(null, 1, List.of(), List.of(mallory.kyber(6)), null, null))
                .extracting("code").isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(app.as("u1").e2ee().counts(null, 1)).isEqualTo(new KeyDirectory.Counts(1, 1));
    }

    @Test
    void malformedAndOversizedUploadsAreRefusedWithTheirField() {
        AppHandle app = fx.newApp(1);
        TestKeys alice = new TestKeys();
        KeyDirectory e2ee = app.as("u1").e2ee();
        KeyDirectory.DeviceKeys good = alice.device(1, 0, 0);
        assertThatThrownBy(() -> e2ee.register(null, 0, good)).extracting("field").isEqualTo("device_id");
        assertThatThrownBy(() -> e2ee.register(null, 128, good)).extracting("field").isEqualTo("device_id");
        assertThatThrownBy(() -> e2ee.register(null, 1, new KeyDirectory.DeviceKeys(0, alice.identityKey, good.signedPreKey(),
                good.pqLastResortPreKey(), List.of(), List.of()))).extracting("field").isEqualTo("registration_id");
        byte[] wrongType = alice.identityKey.clone();
        wrongType[0] = 0x08;
        assertThatThrownBy(() -> e2ee.register(null, 1, new KeyDirectory.DeviceKeys(1, wrongType, good.signedPreKey(),
                good.pqLastResortPreKey(), List.of(), List.of()))).extracting("code", "field").containsExactly(ErrorCode.VALIDATION, "identity_key");
        assertThatThrownBy(() -> e2ee.register(null, 1, new KeyDirectory.DeviceKeys(1, alice.identityKey, good.signedPreKey(),
                alice.signedPreKey(3), List.of(), List.of()))).extracting("field").isEqualTo("pq_last_resort_prekey.public_key");
        List<KeyDirectory.OneTimeKey> tooMany = new ArrayList<>();
        for (int i = 0; i <= KeyDirectory.MAX_UPLOAD; i++) {
            tooMany.add(new KeyDirectory.OneTimeKey(i, TestKeys.ecKey()));
        }
        assertThatThrownBy(() -> e2ee.register(null, 1, new KeyDirectory.DeviceKeys(1, alice.identityKey, good.signedPreKey(),
                good.pqLastResortPreKey(), tooMany, List.of()))).extracting("field").isEqualTo("prekeys");
        List<KeyDirectory.OneTimeKey> twice = List.of(new KeyDirectory.OneTimeKey(3, TestKeys.ecKey()), new KeyDirectory.OneTimeKey(3, TestKeys.ecKey()));
        assertThatThrownBy(() -> e2ee.register(null, 1, new KeyDirectory.DeviceKeys(1, alice.identityKey, good.signedPreKey(),
                good.pqLastResortPreKey(), twice, List.of()))).extracting("field").isEqualTo("prekeys[1].key_id");
        assertThatThrownBy(() -> app.e2ee().register(null, 1, good)).as("the server names the user").extracting("field").isEqualTo("user_id");
        assertThat(app.e2ee().devices("u1")).isEmpty();
        for (int d = 1; d <= KeyDirectory.MAX_DEVICES; d++) {
            e2ee.register(null, d, good);
        }
        assertThatThrownBy(() -> e2ee.register(null, KeyDirectory.MAX_DEVICES + 1, good)).extracting("field").isEqualTo("device_id");
    }

    @Test
    void anotherAppsUsersAreNotThere() {
        AppHandle a = fx.newApp(1);
        AppHandle b = fx.newApp(1);
        a.as("u1").e2ee().register(null, 1, new TestKeys().device(1, 1, 1));
        b.as("u1").e2ee().register(null, 1, new TestKeys().device(2, 1, 1));
        assertThat(b.e2ee().claim("u1", null).get(0).registrationId()).as("app b's own u1").isEqualTo(2);
        assertThatThrownBy(() -> b.e2ee().claim("someone-of-a", null)).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
        assertThatThrownBy(() -> b.e2ee().claim("u1", 2)).extracting("code").isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(a.e2ee().counts("u1", 1)).as("b's claim took nothing of a's").isEqualTo(new KeyDirectory.Counts(1, 1));
    }

    @Test
    void contactsHearWhenADeviceIsAddedReplacedOrRemoved() {
        AppHandle app = fx.newApp(3);
        EngineFixture.channel(app, "u1", "u2");   // u2 shares a channel with u1; u3 does not
        KeyDirectory e2ee = app.as("u1").e2ee();
        e2ee.register(null, 1, new TestKeys().device(1, 3, 3));
        assertThat(e2ee.register(null, 1, new TestKeys().device(1, 3, 3)).change()).isEqualTo("replaced");
        assertThat(e2ee.counts(null, 1)).as("only the new upload's keys are left").isEqualTo(new KeyDirectory.Counts(3, 3));
        e2ee.remove(null, 1);
        assertThatThrownBy(() -> e2ee.remove(null, 1)).extracting("code").isEqualTo(ErrorCode.NOT_FOUND);
        List<ChatEvent> events = fx.events(app, e -> e.type().equals("user.keys_changed"));
        assertThat(events).extracting(e -> e.payload().get("change")).containsExactly("added", "replaced", "removed");
        assertThat(events).allSatisfy(e -> assertThat(e.payload()).containsEntry("user_id", "u1").containsEntry("device_id", 1));
        io.chatsdk.engine.delivery.Audience.Recipients to = app.audience().recipients(
                io.chatsdk.engine.event.EventJson.read(events.get(0).type(), null, events.get(0).payload()), true);
        assertThat(to.users()).containsExactlyInAnyOrder("u1", "u2");
    }

    @Test
    void aKeyIdUploadedAgainReplacesTheKeyAndIdentityKeysMustBeCanonical() {
        AppHandle app = fx.newApp(2);
        TestKeys alice = new TestKeys();
        KeyDirectory e2ee = app.as("u1").e2ee();
        e2ee.register(null, 1, alice.device(1, 1, 0));
        byte[] fresh = TestKeys.ecKey();
        e2ee.replenish(null, 1, List.of(new KeyDirectory.OneTimeKey(1, fresh)), List.of(), null, null);
        assertThat(app.as("u2").e2ee().claim("u1", 1).get(0).preKey().publicKey()).as("the key the device holds now").isEqualTo(fresh);
        byte[] highBit = new TestKeys().identityKey.clone();
        highBit[32] |= (byte) 0x80;
        KeyDirectory.DeviceKeys d = alice.device(1, 0, 0);
        assertThatThrownBy(() -> e2ee.register(null, 2, new KeyDirectory.DeviceKeys(1, highBit, d.signedPreKey(), d.pqLastResortPreKey(), List.of(), List.of())))
                .extracting("field").isEqualTo("identity_key");
    }

    @Test
    void aSignedPrekeyRotationIsNoKeyChange() {
        AppHandle app = fx.newApp(1);
        TestKeys alice = new TestKeys();
        KeyDirectory e2ee = app.as("u1").e2ee();
        e2ee.register(null, 1, alice.device(1, 1, 0));
        KeyDirectory.Registered again = e2ee.register(null, 1, new KeyDirectory.DeviceKeys(1, alice.identityKey, alice.signedPreKey(2),
                alice.kyber(998), List.of(), List.of()));
        assertThat(again.change()).isEqualTo("updated");
        assertThat(again.counts().preKeys()).as("one-time keys of the same identity stay").isEqualTo(1);
        e2ee.replenish(null, 1, List.of(), List.of(), alice.signedPreKey(3), null);
        assertThat(app.e2ee().claim("u1", 1).get(0).signedPreKey().keyId()).isEqualTo(3);
        assertThat(fx.events(app, e -> e.type().equals("user.keys_changed"))).hasSize(1);
    }

    @Test
    void erasingAUserRemovesTheirDevicesAndTellsTheirContacts() {
        AppHandle app = fx.newApp(2);
        EngineFixture.channel(app, "u1", "u2");
        app.as("u1").e2ee().register(null, 1, new TestKeys().device(1, 2, 2));
        app.as("u1").e2ee().register(null, 2, new TestKeys().device(2, 0, 0));
        assertThat(app.compliance().dataSubjects().erase("u1", ErasureMode.ANONYMIZE, "dpo")).containsEntry("e2ee_devices", 2L);
        assertThat(app.e2ee().devices("u1")).isEmpty();
        assertThat(fx.events(app, e -> e.type().equals("user.keys_changed") && "removed".equals(e.payload().get("change")))).hasSize(2);
        assertThat(fx.count("select count(*) from e2ee_one_time_key where app_id = '" + app.id() + "'")).isZero();
    }
}
