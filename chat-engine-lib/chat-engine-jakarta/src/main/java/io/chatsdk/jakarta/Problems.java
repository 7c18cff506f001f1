package io.chatsdk.jakarta;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details: {@code application/problem+json} with a stable {@code code}. */
public final class Problems {
    public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    private Problems() {
    }

    public static Response of(int status, String code, String detail, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://chatsdk.io/problems/" + code);
        body.put("title", title(status));
        body.put("status", status);
        body.put("code", code);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(PROBLEM_JSON).entity(ApiJson.write(body)).build();
    }

    private static String title(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s != null ? s.getReasonPhrase() : status == 422 ? "Unprocessable Content" : "Error";
    }
}
