package io.chatsdk.connectors.fcm;

import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.Notification;
import io.chatsdk.engine.spi.PushMessage;

import java.time.Clock;
import java.time.Duration;

/**
 * Turns a provider-neutral {@link PushMessage} into an FCM HTTP v1 {@link Message} for Android and APNs alike.
 * Stateless apart from the clock; thread-safe.
 */
final class FcmMessageMapper {

    /** The data key whose value groups notifications into one conversation on iOS ({@code aps.thread-id}). */
    static final String THREAD_DATA_KEY = "cid";

    /** FCM keeps an undelivered message at most four weeks; a longer ttl is an INVALID_ARGUMENT there. */
    static final Duration MAX_TTL = Duration.ofDays(28);

    private final Clock clock;

    FcmMessageMapper(Clock clock) {
        this.clock = clock;
    }

    // Message.Builder#setToken is deprecated since firebase-admin 9.11 in favour of setFid (Firebase installation
    // ids). Devices still register FCM registration tokens, and FCM accepts an installation id in "token" too.
    @SuppressWarnings("deprecation")
    Message toFcm(PushMessage push) {
        Message.Builder message = Message.builder()
                .setToken(push.deviceToken())
                .putAllData(push.data());
        if (push.showsContent()) {
            // HIPAA mode (no body) sends no notification block at all: no title either
            message.setNotification(Notification.builder().setTitle(push.title()).setBody(push.body()).build());
        }
        Duration ttl = push.ttl() == null ? null : min(push.ttl(), MAX_TTL);
        if (push.collapseKey() != null || ttl != null) {
            AndroidConfig.Builder android = AndroidConfig.builder();
            if (push.collapseKey() != null) {
                android.setCollapseKey(push.collapseKey());
            }
            if (ttl != null) {
                android.setTtl(ttl.toMillis());
            }
            message.setAndroidConfig(android.build());
        }
        message.setApnsConfig(apns(push, ttl));
        return message.build();
    }

    private ApnsConfig apns(PushMessage push, Duration ttl) {
        ApnsConfig.Builder apns = ApnsConfig.builder();
        Aps.Builder aps = Aps.builder();
        if (push.collapseKey() != null) {
            apns.putHeader("apns-collapse-id", push.collapseKey());
        }
        if (ttl != null) {
            // APNs has no ttl, only an expiry instant; 0 means "try once, do not store"
            long expiration = ttl.isZero() ? 0 : clock.instant().plus(ttl).getEpochSecond();
            apns.putHeader("apns-expiration", Long.toString(expiration));
        }
        String thread = push.data().get(THREAD_DATA_KEY);
        if (thread != null) {
            aps.setThreadId(thread);
        }
        if (!push.showsContent()) {
            // a background push: Apple requires push type background and priority 5 for content-available
            aps.setContentAvailable(true);
            apns.putHeader("apns-push-type", "background");
            apns.putHeader("apns-priority", "5");
        }
        return apns.setAps(aps.build()).build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
