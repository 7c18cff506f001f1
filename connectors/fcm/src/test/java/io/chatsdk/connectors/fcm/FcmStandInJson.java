package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON bodies of Google APIs' error answers ({@code google.rpc.Status} in JSON), for {@link FcmStandIn}. */
final class FcmStandInJson {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

    static final String QUOTA_MESSAGE = "Quota exceeded for quota metric 'Send requests' and limit 'Send requests"
            + " per minute' of service 'fcm.googleapis.com' for consumer 'project_number:123456789012'.";

    private FcmStandInJson() {
    }

    /** {@code {"error": {code, message, status, details: [FcmError]}}}; no details when fcmErrorCode is null. */
    static String error(int code, String status, String message, String fcmErrorCode) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code).put("message", message).put("status", status);
        if (fcmErrorCode != null) {
            error.putArray("details").addObject().put("@type", FCM_ERROR_TYPE).put("errorCode", fcmErrorCode);
        }
        return wrap(error);
    }

    /** A 400 with a {@code google.rpc.BadRequest} field violation, as Google's JSON decoder answers. */
    static String badRequest(String message, String field) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", 400).put("message", message).put("status", "INVALID_ARGUMENT");
        error.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.BadRequest")
                .putArray("fieldViolations").addObject().put("field", field).put("description", message);
        return wrap(error);
    }

    static String rateLimitedWithoutFcmError() {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", 429).put("message", QUOTA_MESSAGE).put("status", "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        ObjectNode info = details.addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                .put("reason", "RATE_LIMIT_EXCEEDED").put("domain", "googleapis.com");
        info.putObject("metadata").put("quota_metric", "fcm.googleapis.com/send_requests")
                .put("quota_limit", "SendsPerMinutePerProject").put("service", "fcm.googleapis.com");
        return wrap(error);
    }

    private static String wrap(ObjectNode error) {
        ObjectNode root = JSON.createObjectNode();
        root.set("error", error);
        return root.toString();
    }
}
