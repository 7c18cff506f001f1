package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.Retryable;
import com.google.firebase.ErrorCode;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.MessagingErrorCode;
import io.chatsdk.engine.spi.PushResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Sorts what firebase-admin threw into the four {@link PushResult} outcomes. FCM's own error code (the
 * {@code FcmError} detail, {@link FirebaseMessagingException#getMessagingErrorCode()}) decides when present;
 * otherwise the canonical status ({@link FirebaseMessagingException#getErrorCode()}) does, because FCM does not
 * always send the detail (a 429 from the quota system carries only a {@code google.rpc.ErrorInfo}). Thread-safe.
 */
final class FcmErrorClassifier {

    /** FCM quotas refill per minute; without a Retry-After header wait that long after a quota error. */
    static final Duration QUOTA_RETRY_AFTER = Duration.ofMinutes(1);

    private static final int MAX_REASON_CHARS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Duration defaultRetryAfter;

    FcmErrorClassifier(Clock clock, Duration defaultRetryAfter) {
        this.clock = clock;
        this.defaultRetryAfter = defaultRetryAfter;
    }

    PushResult classify(FirebaseMessagingException e) {
        MessagingErrorCode fcmCode = e.getMessagingErrorCode();
        String reason = reason(fcmCode == null ? e.getErrorCode().name() : fcmCode.name(), e);
        if (fcmCode != null) {
            switch (fcmCode) {
                case UNREGISTERED:
                case SENDER_ID_MISMATCH:
                    return new PushResult.InvalidToken(reason);
                case INVALID_ARGUMENT:
                    return aboutTheToken(e) ? new PushResult.InvalidToken(reason) : new PushResult.Rejected(reason);
                case QUOTA_EXCEEDED:
                    return new PushResult.Retry(retryAfter(e, QUOTA_RETRY_AFTER), reason);
                case UNAVAILABLE:
                case INTERNAL:
                    return new PushResult.Retry(retryAfter(e, defaultRetryAfter), reason);
                case THIRD_PARTY_AUTH_ERROR:
                default:
                    return new PushResult.Rejected(reason);
            }
        }
        IncomingHttpResponse response = e.getHttpResponse();
        ErrorCode status = e.getErrorCode();
        if (status == ErrorCode.RESOURCE_EXHAUSTED) {
            return new PushResult.Retry(retryAfter(e, QUOTA_RETRY_AFTER), reason);
        }
        if (status == ErrorCode.UNAVAILABLE || status == ErrorCode.INTERNAL || status == ErrorCode.DEADLINE_EXCEEDED
                || status == ErrorCode.ABORTED || (response != null && response.getStatusCode() >= 500)) {
            return new PushResult.Retry(retryAfter(e, defaultRetryAfter), reason);
        }
        Retryable tokenFailure = tokenEndpointFailure(e);
        if (tokenFailure != null && !tokenFailure.isRetryable()) {
            // Google's token endpoint refused the service account (revoked or unknown key): not transient
            return new PushResult.Rejected(reason("access token refused", (Throwable) tokenFailure));
        }
        if (response == null && causedByIo(e)) {
            // no answer at all (connection refused or reset): the network, not the request
            return new PushResult.Retry(defaultRetryAfter, reason);
        }
        if (status == ErrorCode.INVALID_ARGUMENT && aboutTheToken(e)) {
            return new PushResult.InvalidToken(reason);
        }
        return new PushResult.Rejected(reason);
    }

    /** An INVALID_ARGUMENT names the token when a field violation points at it or the message says so. */
    private static boolean aboutTheToken(FirebaseMessagingException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("registration token")) {
            return true;
        }
        IncomingHttpResponse response = e.getHttpResponse();
        if (response == null || response.getContent() == null) {
            return false;
        }
        try {
            for (JsonNode detail : JSON.readTree(response.getContent()).path("error").path("details")) {
                for (JsonNode violation : detail.path("fieldViolations")) {
                    if ("message.token".equals(violation.path("field").asText())) {
                        return true;
                    }
                }
            }
        } catch (IOException unparseable) {
            // not JSON (an HTML error page): nothing says the token is at fault
        }
        return false;
    }

    /** The Retry-After header (seconds or HTTP date) when FCM sent one, else {@code fallback}. */
    Duration retryAfter(FirebaseMessagingException e, Duration fallback) {
        IncomingHttpResponse response = e.getHttpResponse();
        if (response == null) {
            return fallback;
        }
        for (Map.Entry<String, Object> header : response.getHeaders().entrySet()) {
            if ("retry-after".equalsIgnoreCase(header.getKey())) {
                Duration parsed = parseRetryAfter(first(header.getValue()));
                return parsed == null ? fallback : parsed;
            }
        }
        return fallback;
    }

    Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration until = Duration.between(clock.instant(), at);
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String first(Object headerValue) {
        if (headerValue instanceof Iterable<?> values) {
            for (Object value : values) {
                return value == null ? null : value.toString();
            }
            return null;
        }
        return headerValue == null ? null : headerValue.toString();
    }

    /** The google-auth failure to obtain an access token somewhere in the causes, or null. */
    private static Retryable tokenEndpointFailure(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof Retryable retryable) {
                return retryable;
            }
        }
        return null;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(String code, Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").trim();
        String reason = "FCM " + code + (message.isEmpty() ? "" : ": " + message);
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
    }
}
