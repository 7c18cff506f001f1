package io.chatsdk.appliance;

import io.chatsdk.connectors.fcm.FcmPushGateway;
import io.chatsdk.connectors.fcm.FcmStandIn;
import io.chatsdk.connectors.fcm.TestServiceAccount;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The appliance's per-app gateways from service-account files: added, replaced, removed and broken files, with the real
 * firebase-admin SDK sending to a local FCM v1 stand-in on loopback (not Google).
 */
class FcmGatewaysAgainstLocalStandInTest {
    @TempDir
    Path dir;
    FcmStandIn fcm;
    FcmGateways gateways;
    final MutableClock clock = new MutableClock();
    final AppId app = AppId.parse(UUID.randomUUID().toString());

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeEach
    void start() throws Exception {
        fcm = FcmStandIn.start();
        gateways = new FcmGateways(dir, fcm.baseUri(), clock);
    }

    @AfterEach
    void stop() {
        gateways.close();
        fcm.close();
    }

    void install(TestServiceAccount account) throws Exception {
        fcm.trustServiceAccount(account.clientEmail(), account.keys().getPublic());
        Files.writeString(dir.resolve(app + ".json"), account.json());
    }

    void later() {
        clock.advance(FcmGateways.RECHECK.plusSeconds(1));
    }

    static PushResult send(PushGateway gateway) {
        return gateway.send(PushMessage.dataOnly("device-1", Map.of("cid", "messaging:x", "message_id", "m-1")));
    }

    @Test
    void fileAddedReplacedAndRemovedWithoutARestart() throws Exception {
        assertThat(gateways.apply(app)).isNull();

        install(TestServiceAccount.generate("project-a"));
        assertThat(gateways.apply(app)).as("not looked at again within the recheck interval").isNull();
        later();
        PushGateway first = gateways.apply(app);
        assertThat(((FcmPushGateway) first).projectId()).isEqualTo("project-a");
        assertThat(send(first)).isInstanceOf(PushResult.Delivered.class);
        assertThat(fcm.received()).last().extracting(FcmStandIn.Received::project).isEqualTo("project-a");
        later();
        assertThat(gateways.apply(app)).as("an unchanged file keeps its gateway").isSameAs(first);

        install(TestServiceAccount.generate("project-bbb"));
        later();
        PushGateway second = gateways.apply(app);
        assertThat(((FcmPushGateway) second).projectId()).isEqualTo("project-bbb");
        assertThat(send(second)).isInstanceOf(PushResult.Delivered.class);
        assertThat(fcm.received()).last().extracting(FcmStandIn.Received::project).isEqualTo("project-bbb");
        assertThatThrownBy(() -> send(first)).as("the replaced gateway is closed").isInstanceOf(IllegalStateException.class);

        Files.delete(dir.resolve(app + ".json"));
        later();
        assertThat(gateways.apply(app)).isNull();
        assertThatThrownBy(() -> send(second)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBrokenFileMeansNoPushUntilItIsFixed() throws Exception {
        Files.writeString(dir.resolve(app + ".json"), "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN");
        assertThat(gateways.apply(app)).isNull();
        Files.writeString(dir.resolve(app + ".json"), "{\"type\": \"service_account\"}");
        later();
        assertThat(gateways.apply(app)).isNull();
        install(TestServiceAccount.generate("project-fixed"));
        later();
        assertThat(gateways.apply(app)).isNotNull();
    }

    @Test
    void theLocalEndpointMustBeLoopback() {
        assertThatThrownBy(() -> new FcmGateways(dir, URI.create("http://fcm.example.com:80"), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FcmGateways(dir, URI.create("https://127.0.0.1:443"), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
