package io.chatsdk.engine.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a push provider answered to one {@link PushGateway#send}: exactly one of four outcomes, each telling the
 * caller what to do next. Reasons are the provider's own words for operators; they hold no token or message text.
 */
public sealed interface PushResult {

    /** The provider accepted the message; {@code providerMessageId} is its id for it (FCM's message name). */
    record Delivered(String providerMessageId) implements PushResult {
        public Delivered {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }
    }

    /** The device token is unregistered, malformed or belongs to another sender: remove the device. */
    record InvalidToken(String reason) implements PushResult {
        public InvalidToken {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A transient failure (quota, provider unavailable or failing, network): send again after {@code after}. */
    record Retry(Duration after, String reason) implements PushResult {
        public Retry {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(reason, "reason");
            if (after.isNegative()) {
                throw new IllegalArgumentException("after must not be negative: " + after);
            }
        }
    }

    /** The provider refused a request it will never accept as it is (payload, credentials, configuration). */
    record Rejected(String reason) implements PushResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
