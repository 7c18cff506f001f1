package io.chatsdk.connectors.fcm;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FcmPushGateway's life with the real firebase-admin SDK against a local FCM v1 and OAuth stand-in
 * ({@link FcmStandIn}) on 127.0.0.1, not Google: service-account keys, tenants side by side, closing, and the
 * stand-in's bearer check.
 */
@DisplayName("FcmPushGateway lifecycle against a local FCM v1 stand-in (not Google)")
class FcmPushGatewayLifecycleAgainstLocalStandInIT {

    static final Map<String, String> DATA = Map.of("cid", "messaging:general", "message_id", "m-1");

    FcmStandIn standIn;

    @BeforeEach
    void start() throws IOException {
        standIn = FcmStandIn.start();
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    static GoogleCredentials fixedToken(String token) {
        return GoogleCredentials.create(new AccessToken(token, Date.from(Instant.now().plus(Duration.ofHours(1)))));
    }

    /**
     * A fixed token that "refreshes" to itself. On a 401 google-auth refreshes once, as it would a service
     * account's token; a plain {@code GoogleCredentials.create(AccessToken)} cannot and throws instead.
     */
    static GoogleCredentials refreshingTo(String token) {
        return new GoogleCredentials(GoogleCredentials.newBuilder()
                .setAccessToken(new AccessToken(token, Date.from(Instant.now().plus(Duration.ofHours(1)))))) {
            @Override
            public AccessToken refreshAccessToken() {
                return new AccessToken(token, Date.from(Instant.now().plus(Duration.ofHours(1))));
            }
        };
    }

    FcmPushGateway.Builder toStandIn(String appName) {
        return FcmPushGateway.builder(appName).httpTransport(LocalEndpointTransport.to(standIn.baseUri()));
    }

    @Test
    void serviceAccountKeyIsExchangedForAnAccessTokenAtTheStandInThenSends() {
        TestServiceAccount account = TestServiceAccount.generate("tenant-project");
        standIn.trustServiceAccount(account.clientEmail(), account.keys().getPublic());

        try (FcmPushGateway gateway = toStandIn("sa-tenant")
                .serviceAccount(new ByteArrayInputStream(account.json().getBytes(StandardCharsets.UTF_8))).build()) {
            assertThat(gateway.projectId()).isEqualTo("tenant-project");
            assertThat(gateway.send(PushMessage.dataOnly("device-1", DATA))).isInstanceOf(PushResult.Delivered.class);
            assertThat(gateway.send(PushMessage.dataOnly("device-2", DATA))).isInstanceOf(PushResult.Delivered.class);
        }

        assertThat(standIn.tokenExchanges()).as("one token for both sends").containsExactly("oauth2.googleapis.com");
        assertThat(standIn.received()).extracting(FcmStandIn.Received::authorization)
                .containsOnly("Bearer ya29.stand-in-1");
        assertThat(standIn.received()).extracting(FcmStandIn.Received::project).containsOnly("tenant-project");
    }

    @Test
    void standInRefusesAServiceAccountItDoesNotTrustAndThatIsRejected() {
        TestServiceAccount stranger = TestServiceAccount.generate("tenant-project");

        try (FcmPushGateway gateway = toStandIn("stranger")
                .serviceAccount(new ByteArrayInputStream(stranger.json().getBytes(StandardCharsets.UTF_8))).build()) {
            PushResult result = gateway.send(PushMessage.dataOnly("device-1", DATA));

            assertThat(result).isInstanceOfSatisfying(PushResult.Rejected.class,
                    r -> assertThat(r.reason()).contains("access token refused", "invalid_grant"));
        }
        assertThat(standIn.tokenExchanges()).isEmpty();
        assertThat(standIn.received()).isEmpty();
    }

    @Test
    void standInRefusesAWrongBearerTokenWith401AndThatIsRejected() {
        try (FcmPushGateway gateway = toStandIn("wrong-token").projectId("p").credentials(refreshingTo("stolen"))
                .build()) {
            assertThat(gateway.send(PushMessage.dataOnly("device-1", DATA)))
                    .isInstanceOfSatisfying(PushResult.Rejected.class,
                            r -> assertThat(r.reason()).contains("UNAUTHENTICATED"));
        }
        assertThat(standIn.unauthenticatedAttempts()).isPositive();
        assertThat(standIn.received()).isEmpty();
    }

    @Test
    void twoTenantGatewaysCoexistSendToTheirOwnProjectsAndCloseCleanly() {
        FcmPushGateway a = toStandIn("tenant-a").projectId("project-a").credentials(fixedToken(FcmStandIn.TEST_TOKEN))
                .build();
        FcmPushGateway b = toStandIn("tenant-b").projectId("project-b").credentials(fixedToken(FcmStandIn.TEST_TOKEN))
                .build();

        assertThat(a.send(PushMessage.dataOnly("device-a", DATA))).isInstanceOf(PushResult.Delivered.class);
        assertThat(b.send(PushMessage.dataOnly("device-b", DATA))).isInstanceOf(PushResult.Delivered.class);
        assertThat(standIn.received()).extracting(FcmStandIn.Received::project).containsExactly("project-a", "project-b");
        assertThat(FirebaseApp.getApps()).extracting(FirebaseApp::getName)
                .contains("chatsdk-fcm:tenant-a", "chatsdk-fcm:tenant-b")
                .doesNotContain(FirebaseApp.DEFAULT_APP_NAME);
        assertThatThrownBy(() -> toStandIn("tenant-a").projectId("x").credentials(fixedToken("t")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'tenant-a' is already open");

        a.close();
        a.close();
        assertThat(FirebaseApp.getApps()).extracting(FirebaseApp::getName)
                .doesNotContain("chatsdk-fcm:tenant-a").contains("chatsdk-fcm:tenant-b");
        assertThatThrownBy(() -> a.send(PushMessage.dataOnly("device-a", DATA)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(b.send(PushMessage.dataOnly("device-b", DATA))).isInstanceOf(PushResult.Delivered.class);
        b.close();

        try (FcmPushGateway again = toStandIn("tenant-a").projectId("project-a")
                .credentials(fixedToken(FcmStandIn.TEST_TOKEN)).build()) {
            assertThat(again.send(PushMessage.dataOnly("device-a", DATA))).isInstanceOf(PushResult.Delivered.class);
        }
        assertThat(FirebaseApp.getApps()).extracting(FirebaseApp::getName).noneMatch(n -> n.startsWith("chatsdk-fcm:"));
    }

    @Test
    void badServiceAccountJsonGivesAClearErrorThatNamesTheAppAndQuotesNoKey(@TempDir Path dir) throws IOException {
        String notJson = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----SECRETKEY";
        assertThatThrownBy(() -> FcmPushGateway.fromServiceAccount("app-7", stream(notJson)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FCM app 'app-7'").hasMessageContaining("not a valid Google service-account key")
                .hasMessageNotContaining("SECRETKEY");

        String userCredentials = "{\"type\": \"authorized_user\", \"client_id\": \"c\", \"client_secret\": \"SECRET\","
                + " \"refresh_token\": \"SECRETREFRESH\"}";
        assertThatThrownBy(() -> FcmPushGateway.fromServiceAccount("app-7", stream(userCredentials)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service-account")
                .hasMessageNotContaining("SECRET");

        String badKey = TestServiceAccount.generate("p").json()
                .replaceFirst("PRIVATE KEY-----\\\\n[A-Za-z0-9+/]{10}", "PRIVATE KEY-----\\\\nSECRETKEY!");
        assertThatThrownBy(() -> FcmPushGateway.fromServiceAccount("app-7", stream(badKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("SECRETKEY");

        String noProject = TestServiceAccount.generate("p").json().replace("\"project_id\":\"p\",", "");
        assertThatThrownBy(() -> FcmPushGateway.fromServiceAccount("app-7", stream(noProject)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no project_id");

        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> FcmPushGateway.fromServiceAccount("app-7", missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read service-account file").hasMessageContaining("missing.json");

        Path good = Files.writeString(dir.resolve("key.json"), TestServiceAccount.generate("from-file").json());
        try (FcmPushGateway fromFile = FcmPushGateway.fromServiceAccount("app-7", good)) {
            assertThat(fromFile.projectId()).isEqualTo("from-file");
        }
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
