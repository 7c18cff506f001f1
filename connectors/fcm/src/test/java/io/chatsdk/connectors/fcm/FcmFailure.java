package io.chatsdk.connectors.fcm;

import java.util.Map;

/**
 * The error answers {@link FcmStandIn} can give for a device token, with the status, body and headers FCM's HTTP
 * v1 API sends. Bodies follow Firebase's published error examples (firebase.google.com/docs/cloud-messaging/
 * error-codes and the FcmError/ErrorCode reference) and responses reported from production FCM.
 */
public enum FcmFailure {

    /** The app instance was unregistered (app uninstalled, token expired). */
    UNREGISTERED(404, FcmStandInJson.error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"),
            Map.of()),

    /** A malformed registration token: Firebase's own example of an INVALID_ARGUMENT about the token. */
    INVALID_TOKEN(400, FcmStandInJson.error(400, "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT"), Map.of()),

    /** The token belongs to another Firebase project's sender. */
    SENDER_ID_MISMATCH(403, FcmStandInJson.error(403, "PERMISSION_DENIED", "SenderId mismatch",
            "SENDER_ID_MISMATCH"), Map.of()),

    /** The project's send quota is spent, as documented: FcmError QUOTA_EXCEEDED, here with a Retry-After. */
    QUOTA_EXCEEDED(429, FcmStandInJson.error(429, "RESOURCE_EXHAUSTED", FcmStandInJson.QUOTA_MESSAGE,
            "QUOTA_EXCEEDED"), Map.of("Retry-After", "7")),

    /**
     * A 429 as production FCM has been seen to send it (firebase-admin-go issue 719): no FcmError detail, only a
     * {@code google.rpc.ErrorInfo} with reason RATE_LIMIT_EXCEEDED, and no Retry-After.
     */
    QUOTA_EXCEEDED_WITHOUT_FCM_ERROR(429, FcmStandInJson.rateLimitedWithoutFcmError(), Map.of()),

    /** FCM is overloaded; FCM's error-code reference says to honour Retry-After when it is sent. */
    UNAVAILABLE(503, FcmStandInJson.error(503, "UNAVAILABLE", "The service is currently unavailable.",
            "UNAVAILABLE"), Map.of("Retry-After", "1")),

    /** An unknown internal error in FCM. */
    INTERNAL(500, FcmStandInJson.error(500, "INTERNAL", "Internal error encountered.", "INTERNAL"), Map.of());

    final int status;
    final String body;
    final Map<String, String> headers;

    FcmFailure(int status, String body, Map<String, String> headers) {
        this.status = status;
        this.body = body;
        this.headers = headers;
    }
}
