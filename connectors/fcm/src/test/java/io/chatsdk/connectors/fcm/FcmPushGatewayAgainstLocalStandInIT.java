package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FcmPushGateway with the real firebase-admin SDK, talking HTTP to a local FCM v1 stand-in ({@link FcmStandIn}) on
 * 127.0.0.1 instead of Google, which cannot be reached from the build: what the SDK puts on the wire and how FCM's
 * error answers become push outcomes.
 */
@DisplayName("FcmPushGateway against a local FCM v1 stand-in (not Google)")
class FcmPushGatewayAgainstLocalStandInIT {

    static final String PROJECT = "chatsdk-test";
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Map<String, String> DATA = Map.of("cid", "messaging:general", "message_id", "m-42");

    FcmStandIn standIn;
    FcmPushGateway gateway;

    @BeforeEach
    void start() throws IOException {
        standIn = FcmStandIn.start();
        gateway = gateway("tenant-a", PROJECT, Duration.ofSeconds(3));
    }

    @AfterEach
    void stop() {
        gateway.close();
        standIn.close();
    }

    FcmPushGateway gateway(String appName, String project, Duration defaultRetryAfter) {
        return FcmPushGateway.builder(appName)
                .projectId(project)
                .credentials(GoogleCredentials.create(new AccessToken(FcmStandIn.TEST_TOKEN,
                        Date.from(Instant.now().plus(Duration.ofHours(1))))))
                .httpTransport(LocalEndpointTransport.to(standIn.baseUri()))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .defaultRetryAfter(defaultRetryAfter)
                .build();
    }

    @Test
    void standInDeliversAndSeesTokenNotificationDataAndPlatformOptions() {
        PushMessage push = PushMessage.notification("device-1", "Ann", "Lunch at noon?", DATA)
                .withCollapseKey("messaging:general").withTtl(Duration.ofHours(1));

        PushResult result = gateway.send(push);

        assertThat(result).isInstanceOf(PushResult.Delivered.class);
        FcmStandIn.Received sent = standIn.received().get(0);
        assertThat(((PushResult.Delivered) result).providerMessageId())
                .startsWith("projects/" + PROJECT + "/messages/0:");
        assertThat(sent.project()).isEqualTo(PROJECT);
        assertThat(sent.originalHost()).isEqualTo("fcm.googleapis.com");
        assertThat(sent.authorization()).isEqualTo("Bearer " + FcmStandIn.TEST_TOKEN);
        JsonNode message = sent.message();
        assertThat(message.path("token").asText()).isEqualTo("device-1");
        assertThat(message.path("notification").path("title").asText()).isEqualTo("Ann");
        assertThat(message.path("notification").path("body").asText()).isEqualTo("Lunch at noon?");
        assertThat(message.path("data").path("cid").asText()).isEqualTo("messaging:general");
        assertThat(message.path("data").path("message_id").asText()).isEqualTo("m-42");
        assertThat(message.path("android").path("collapse_key").asText()).isEqualTo("messaging:general");
        assertThat(message.path("android").path("ttl").asText()).isEqualTo("3600s");
        JsonNode apns = message.path("apns");
        assertThat(apns.path("headers").path("apns-collapse-id").asText()).isEqualTo("messaging:general");
        assertThat(apns.path("headers").path("apns-expiration").asText())
                .isEqualTo(Long.toString(NOW.plus(Duration.ofHours(1)).getEpochSecond()));
        assertThat(apns.path("payload").path("aps").path("thread-id").asText()).isEqualTo("messaging:general");
        assertThat(apns.path("payload").path("aps").has("content-available")).isFalse();
        assertThat(apns.path("headers").has("apns-push-type")).isFalse();
    }

    @Test
    void standInSeesNoNotificationAtAllInHipaaModeOnlyDataAndABackgroundPush() {
        PushMessage push = new PushMessage("device-1", "Ann (cardiology)", null, DATA, null, null);

        assertThat(gateway.send(push)).isInstanceOf(PushResult.Delivered.class);

        JsonNode message = standIn.received().get(0).message();
        assertThat(message.has("notification")).isFalse();
        assertThat(message.toString()).doesNotContain("Ann", "cardiology", "title", "body", "alert");
        assertThat(message.path("data").size()).isEqualTo(2);
        assertThat(message.has("android")).isFalse();
        JsonNode apns = message.path("apns");
        assertThat(apns.path("payload").path("aps").path("content-available").asInt()).isEqualTo(1);
        assertThat(apns.path("headers").path("apns-push-type").asText()).isEqualTo("background");
        assertThat(apns.path("headers").path("apns-priority").asText()).isEqualTo("5");
    }

    @Test
    void zeroTtlMeansNowOrNeverOnBothPlatformsAndTtlIsCappedAtFourWeeks() {
        gateway.send(PushMessage.dataOnly("device-1", DATA).withTtl(Duration.ZERO));
        gateway.send(PushMessage.dataOnly("device-2", DATA).withTtl(Duration.ofDays(60)));

        JsonNode now = standIn.received().get(0).message();
        assertThat(now.path("android").path("ttl").asText()).isEqualTo("0s");
        assertThat(now.path("apns").path("headers").path("apns-expiration").asText()).isEqualTo("0");
        assertThat(standIn.received().get(1).message().path("android").path("ttl").asText())
                .isEqualTo(Duration.ofDays(28).toSeconds() + "s");
    }

    @Test
    void standInUnregisteredAnswerIsInvalidToken() {
        standIn.failToken("gone", FcmFailure.UNREGISTERED);

        assertThat(gateway.send(PushMessage.dataOnly("gone", DATA)))
                .isInstanceOfSatisfying(PushResult.InvalidToken.class,
                        r -> assertThat(r.reason()).contains("UNREGISTERED"));
    }

    @Test
    void standInInvalidArgumentAboutTheRegistrationTokenIsInvalidToken() {
        standIn.failToken("garbled", FcmFailure.INVALID_TOKEN);

        assertThat(gateway.send(PushMessage.dataOnly("garbled", DATA)))
                .isInstanceOfSatisfying(PushResult.InvalidToken.class,
                        r -> assertThat(r.reason()).contains("INVALID_ARGUMENT", "registration token"));
    }

    @Test
    void standInSenderIdMismatchIsInvalidToken() {
        standIn.failToken("other-project", FcmFailure.SENDER_ID_MISMATCH);

        assertThat(gateway.send(PushMessage.dataOnly("other-project", DATA)))
                .isInstanceOf(PushResult.InvalidToken.class);
    }

    @Test
    void standInQuotaExceededIsRetryAfterItsRetryAfterHeaderOfSevenSeconds() {
        standIn.failToken("busy", FcmFailure.QUOTA_EXCEEDED);

        assertThat(gateway.send(PushMessage.dataOnly("busy", DATA)))
                .isInstanceOfSatisfying(PushResult.Retry.class, r -> {
                    assertThat(r.after()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(r.reason()).contains("QUOTA_EXCEEDED");
                });
        assertThat(standIn.attemptsFor("busy")).as("firebase-admin does not resend a 429 itself").isEqualTo(1);
    }

    @Test
    void standInBare429WithoutFcmErrorIsStillRetryAfterAMinute() {
        standIn.failToken("busy", FcmFailure.QUOTA_EXCEEDED_WITHOUT_FCM_ERROR);

        assertThat(gateway.send(PushMessage.dataOnly("busy", DATA)))
                .isInstanceOfSatisfying(PushResult.Retry.class,
                        r -> assertThat(r.after()).isEqualTo(FcmErrorClassifier.QUOTA_RETRY_AFTER));
    }

    @Test
    void standInUnavailableIsRetryAfterFirebaseAdminResentItFourTimes() {
        standIn.failToken("down", FcmFailure.UNAVAILABLE);

        assertThat(gateway.send(PushMessage.dataOnly("down", DATA)))
                .isInstanceOfSatisfying(PushResult.Retry.class, r -> {
                    assertThat(r.after()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(r.reason()).contains("UNAVAILABLE");
                });
        assertThat(standIn.attemptsFor("down")).isEqualTo(5);
    }

    @Test
    void standInInternalErrorIsRetryAfterTheDefaultBackoff() {
        standIn.failToken("flaky", FcmFailure.INTERNAL);

        assertThat(gateway.send(PushMessage.dataOnly("flaky", DATA)))
                .isInstanceOfSatisfying(PushResult.Retry.class,
                        r -> assertThat(r.after()).isEqualTo(Duration.ofSeconds(3)));
    }

    @Test
    void standInRefusesAPayloadOverFcmsLimitAndThatIsRejected() {
        PushMessage tooBig = PushMessage.dataOnly("device-1", Map.of("blob", "x".repeat(5000)));

        assertThat(gateway.send(tooBig)).isInstanceOfSatisfying(PushResult.Rejected.class,
                r -> assertThat(r.reason()).contains("INVALID_ARGUMENT"));
        assertThat(standIn.received()).isEmpty();
    }

    @Test
    void unreachableEndpointIsRetryNotAnException() {
        standIn.close();

        assertThat(gateway.send(PushMessage.dataOnly("device-1", DATA)))
                .isInstanceOfSatisfying(PushResult.Retry.class,
                        r -> assertThat(r.after()).isEqualTo(Duration.ofSeconds(3)));
    }
}
