package io.chatsdk.engine.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One push notification for one device, independent of the provider that carries it.
 *
 * <p>When {@code body} is {@code null} the push carries no visible content at all, only {@code data} (HIPAA
 * mode: the app fetches the message itself once woken); a {@code title} without a body is then not sent either.
 * {@link #toString()} leaves out the token, the title, the body and the data values, so a message may be logged.
 *
 * @param deviceToken the provider's registration token of the device; not blank
 * @param title       the notification title, or {@code null}; shown only with a body
 * @param body        the notification text, or {@code null} to send no visible content
 * @param data        string pairs for the app (for example {@code cid}, {@code message_id}); {@code null} means
 *                    none; copied
 * @param collapseKey a key under which a newer push replaces an undelivered older one, or {@code null}
 * @param ttl         how long the provider may hold the push for an offline device ({@code ZERO}: deliver now
 *                    or never), or {@code null} for the provider's default
 */
public record PushMessage(String deviceToken, String title, String body, Map<String, String> data,
                          String collapseKey, Duration ttl) {

    public PushMessage {
        Objects.requireNonNull(deviceToken, "deviceToken");
        if (deviceToken.isBlank()) {
            throw new IllegalArgumentException("deviceToken must not be blank");
        }
        if (data == null) {
            data = Map.of();
        } else {
            data.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new IllegalArgumentException("data must not hold null keys or values (key " + key + ")");
                }
            });
            data = Map.copyOf(data);
        }
        if (collapseKey != null && collapseKey.isBlank()) {
            throw new IllegalArgumentException("collapseKey must be null or not blank");
        }
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
    }

    /** A push that shows {@code title} and {@code body} and carries {@code data}. */
    public static PushMessage notification(String deviceToken, String title, String body, Map<String, String> data) {
        return new PushMessage(deviceToken, title, Objects.requireNonNull(body, "body"), data, null, null);
    }

    /** A push with no visible content, only {@code data}: the HIPAA-mode push. */
    public static PushMessage dataOnly(String deviceToken, Map<String, String> data) {
        return new PushMessage(deviceToken, null, null, data, null, null);
    }

    /** This message with {@code collapseKey} (or none when {@code null}). */
    public PushMessage withCollapseKey(String collapseKey) {
        return new PushMessage(deviceToken, title, body, data, collapseKey, ttl);
    }

    /** This message with {@code ttl} (or the provider's default when {@code null}). */
    public PushMessage withTtl(Duration ttl) {
        return new PushMessage(deviceToken, title, body, data, collapseKey, ttl);
    }

    /** Whether the push shows text on the device; {@code false} in HIPAA mode. */
    public boolean showsContent() {
        return body != null;
    }

    /** Says what the push is made of without the token, the texts or the data values. */
    @Override
    public String toString() {
        return "PushMessage[deviceToken=<" + deviceToken.length() + " chars>, content="
                + (showsContent() ? "shown" : "none") + ", dataKeys=" + new TreeSet<>(data.keySet())
                + ", collapseKey=" + (collapseKey == null ? "none" : "set") + ", ttl=" + ttl + "]";
    }
}
