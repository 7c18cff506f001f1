package io.chatsdk.connectors.fcm;

import com.google.api.client.http.HttpTransport;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link PushGateway} on Firebase Cloud Messaging (HTTP v1 API), built on Google's firebase-admin SDK
 * ({@link FirebaseMessaging}). One gateway serves one Firebase project, usually one ChatSDK tenant app: it owns a
 * <em>named</em> {@link FirebaseApp} (never the JVM-wide default instance) and deletes it on {@link #close()}.
 *
 * <pre>{@code
 * try (FcmPushGateway push = FcmPushGateway.fromServiceAccount("app-42", Path.of("/etc/chatsdk/app-42-fcm.json"))) {
 *     PushResult result = push.send(PushMessage.notification(token, "Ann", "Lunch?", Map.of("cid", cid)));
 * }
 * }</pre>
 *
 * <p><b>Mapping.</b> The token, the data pairs and, unless the body is {@code null} (HIPAA mode), a notification
 * with title and body; Android {@code collapse_key} and {@code ttl}; APNs {@code apns-collapse-id} and
 * {@code apns-expiration} headers, {@code aps.thread-id} from the {@code cid} data value, and for a push without
 * notification {@code content-available} with {@code apns-push-type: background} and {@code apns-priority: 5}.
 * A ttl above FCM's four-week maximum is lowered to it.
 *
 * <p><b>Outcomes.</b> {@code UNREGISTERED}, {@code SENDER_ID_MISMATCH} and an {@code INVALID_ARGUMENT} about the
 * registration token give {@link PushResult.InvalidToken}; {@code QUOTA_EXCEEDED} (or a bare 429),
 * {@code UNAVAILABLE}, {@code INTERNAL}, other 5xx and network failures give {@link PushResult.Retry}, after FCM's
 * Retry-After header when it sent one, else one minute for quota errors and {@code defaultRetryAfter} otherwise;
 * everything else (a bad payload, rejected credentials, an APNs certificate problem) gives
 * {@link PushResult.Rejected}.
 *
 * <p><b>Threads and blocking.</b> Thread-safe. {@link #send} blocks for the HTTP round trip (bounded by the
 * connect and read timeouts) and for firebase-admin's own retries: it resends a 503 up to four times with
 * exponential backoff or after the Retry-After it was given (at most a minute each), so an FCM outage can hold a
 * caller for a while before {@code Retry} comes back.
 *
 * <p><b>Logging.</b> The gateway logs nothing. google-http-client under firebase-admin logs whole request bodies
 * (device tokens, notification texts) when its {@code java.util.logging} logger
 * {@code com.google.api.client.http.HttpTransport} is at {@code CONFIG} or finer: keep it at {@code INFO}.
 *
 * <p><b>Testing.</b> This adapter's tests run firebase-admin against a local protocol-faithful FCM stand-in
 * through {@link Builder#httpTransport} and {@link LocalEndpointTransport}, not against Google's servers.
 */
public final class FcmPushGateway implements PushGateway, AutoCloseable {

    /** Prefix of the FirebaseApp names this connector creates, so they cannot clash with the embedder's own. */
    static final String FIREBASE_APP_PREFIX = "chatsdk-fcm:";

    private final String appName;
    private final FirebaseApp firebaseApp;
    private final FirebaseMessaging messaging;
    private final FcmMessageMapper mapper;
    private final FcmErrorClassifier classifier;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FcmPushGateway(Builder builder, FirebaseApp firebaseApp) {
        this.appName = builder.appName;
        this.firebaseApp = firebaseApp;
        this.messaging = FirebaseMessaging.getInstance(firebaseApp);
        this.mapper = new FcmMessageMapper(builder.clock);
        this.classifier = new FcmErrorClassifier(builder.clock, builder.defaultRetryAfter);
    }

    /** A gateway for the Firebase project of the service-account key file at {@code serviceAccountJson}. */
    public static FcmPushGateway fromServiceAccount(String appName, Path serviceAccountJson) {
        return builder(appName).serviceAccount(serviceAccountJson).build();
    }

    /** A gateway for the Firebase project of a service-account key read from {@code serviceAccountJson}. */
    public static FcmPushGateway fromServiceAccount(String appName, InputStream serviceAccountJson) {
        return builder(appName).serviceAccount(serviceAccountJson).build();
    }

    /**
     * Starts a gateway for {@code appName}: a name unique among the open gateways of this JVM (the ChatSDK app
     * id is a good choice), because firebase-admin registers named apps JVM-wide.
     */
    public static Builder builder(String appName) {
        return new Builder(appName);
    }

    /** The app name this gateway was built for. */
    public String appName() {
        return appName;
    }

    /** The Firebase project messages go to. */
    public String projectId() {
        return firebaseApp.getOptions().getProjectId();
    }

    @Override
    public PushResult send(PushMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            throw new IllegalStateException("FCM gateway '" + appName + "' is closed");
        }
        try {
            return new PushResult.Delivered(messaging.send(mapper.toFcm(message)));
        } catch (FirebaseMessagingException e) {
            return classifier.classify(e);
        }
    }

    /** Deletes the gateway's FirebaseApp and its threads; idempotent. {@link #send} then throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            firebaseApp.delete();
        }
    }

    /**
     * Options of an {@link FcmPushGateway}. Each setter checks its value at once; {@link #build()} needs either
     * a service account or credentials with a project id.
     */
    public static final class Builder {

        private final String appName;
        private GoogleCredentials credentials;
        private String projectId;
        private HttpTransport httpTransport;
        private Clock clock = Clock.systemUTC();
        private Duration defaultRetryAfter = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);

        private Builder(String appName) {
            Objects.requireNonNull(appName, "appName");
            if (appName.isBlank()) {
                throw new IllegalArgumentException("appName must not be blank");
            }
            this.appName = appName;
        }

        /**
         * Credentials and project from a service-account key file (the JSON the Firebase console downloads).
         * Throws {@link IllegalArgumentException} naming the app when the file is missing or not a service-account
         * key; the message never quotes the file's content.
         */
        public Builder serviceAccount(Path json) {
            Objects.requireNonNull(json, "json");
            try (InputStream in = Files.newInputStream(json)) {
                return readServiceAccount(in, "file " + json);
            } catch (IOException e) {
                throw new IllegalArgumentException("FCM app '" + appName + "': cannot read service-account file "
                        + json + ": " + e.getMessage(), e);
            }
        }

        /** Like {@link #serviceAccount(Path)}, from a stream the caller closes. */
        public Builder serviceAccount(InputStream json) {
            Objects.requireNonNull(json, "json");
            return readServiceAccount(json, "stream");
        }

        private Builder readServiceAccount(InputStream in, String source) {
            ServiceAccountCredentials account;
            try {
                account = ServiceAccountCredentials.fromStream(in);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("FCM app '" + appName + "': the service-account JSON (" + source
                        + ") is not a valid Google service-account key: " + e.getMessage(), e);
            }
            if (account.getProjectId() == null || account.getProjectId().isBlank()) {
                throw new IllegalArgumentException("FCM app '" + appName + "': the service-account JSON (" + source
                        + ") has no project_id");
            }
            this.credentials = account;
            this.projectId = account.getProjectId();
            return this;
        }

        /**
         * Credentials other than a service-account file (workload identity; a fixed token in tests). They must be
         * able to refresh: on a 401 google-auth refreshes them, and a bare {@code GoogleCredentials.create(token)}
         * then throws {@link IllegalStateException} out of {@link #send}.
         */
        public Builder credentials(GoogleCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The Firebase project id; needed with {@link #credentials}, taken from the file otherwise. */
        public Builder projectId(String projectId) {
            Objects.requireNonNull(projectId, "projectId");
            if (projectId.isBlank()) {
                throw new IllegalArgumentException("projectId must not be blank");
            }
            this.projectId = projectId;
            return this;
        }

        /**
         * Replaces firebase-admin's default HTTP/2 transport, for the FCM calls and for a service account's
         * token exchange alike. Meant for tests: {@link LocalEndpointTransport} points the SDK at a local endpoint.
         */
        public Builder httpTransport(HttpTransport httpTransport) {
            this.httpTransport = Objects.requireNonNull(httpTransport, "httpTransport");
            return this;
        }

        /** The clock for APNs expiry instants and HTTP-date Retry-After values; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The wait reported with a transient failure when FCM sent no Retry-After; 10 s by default. */
        public Builder defaultRetryAfter(Duration defaultRetryAfter) {
            this.defaultRetryAfter = positive("defaultRetryAfter", defaultRetryAfter);
            return this;
        }

        /** How long to wait for a connection to FCM; 10 s by default. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = millis("connectTimeout", connectTimeout);
            return this;
        }

        /** How long to wait for FCM's answer; 30 s by default. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = millis("readTimeout", readTimeout);
            return this;
        }

        /**
         * Creates the gateway and its named FirebaseApp. Throws {@link IllegalStateException} when a gateway for
         * the same app name is still open in this JVM.
         */
        public FcmPushGateway build() {
            if (credentials == null) {
                throw new IllegalStateException("FCM app '" + appName + "': set serviceAccount(...) or credentials(...)");
            }
            if (projectId == null) {
                throw new IllegalStateException("FCM app '" + appName + "': set projectId(...) with credentials(...)");
            }
            GoogleCredentials effective = credentials;
            FirebaseOptions.Builder options = FirebaseOptions.builder()
                    .setProjectId(projectId)
                    .setConnectTimeout((int) connectTimeout.toMillis())
                    .setReadTimeout((int) readTimeout.toMillis());
            if (httpTransport != null) {
                HttpTransport transport = httpTransport;
                options.setHttpTransport(transport);
                if (effective instanceof ServiceAccountCredentials account) {
                    // the token exchange must take the same road as the FCM calls
                    effective = account.toBuilder().setHttpTransportFactory(() -> transport).build();
                }
            }
            options.setCredentials(effective);
            String firebaseName = FIREBASE_APP_PREFIX + appName;
            FirebaseApp app;
            try {
                app = FirebaseApp.initializeApp(options.build(), firebaseName);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("an FCM gateway for app '" + appName
                        + "' is already open in this JVM; close it first", e);
            }
            try {
                return new FcmPushGateway(this, app);
            } catch (RuntimeException e) {
                app.delete();
                throw e;
            }
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static Duration millis(String name, Duration value) {
            positive(name, value);
            if (value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " cannot be more than " + Integer.MAX_VALUE + " ms: " + value);
            }
            return value;
        }
    }
}
