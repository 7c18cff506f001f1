package io.chatsdk.jakarta;

import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.types.Cid;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every chat API resource needs: the caller, body reading and the shared request shapes.
 * <p>
 * The resources are {@code @ApplicationScoped}: one instance serves every request, so they hold no per-request state
 * in fields. The caller comes from {@link #servletRequest}, which the JAX-RS runtime injects as a proxy to the current
 * request; anything else a request carries is a method parameter. Creating and injecting a request-scoped instance per
 * request cost about 9 % of the request threads' CPU (issue #15). {@code IsolationIT#concurrentRequestsEachActAsTheirOwnCaller}
 * holds concurrent callers apart.
 */
abstract class ApiResource {
    static final Set<String> ATTACHMENT_FIELDS = Set.of("type", "asset_url", "image_url", "mime_type", "file_size", "title", "thumb_url",
            "duration", "waveform_data");

    @Inject
    ChatApiContext ctx;

    @Context
    HttpServletRequest servletRequest;

    Caller caller() {
        Object c = servletRequest.getAttribute(Caller.ATTRIBUTE);
        if (!(c instanceof Caller caller)) {
            throw ApiException.unauthorized("token_missing", "the request was not authenticated");
        }
        return caller;
    }

    /**
     * The {@code user_id} a call names for itself: a server token acts for that user (null when absent), a user token
     * only for its own user (403 otherwise) and gets null, which the engine reads as the caller.
     */
    String serverSide(String userId) {
        Caller c = caller();
        if (!c.server() && userId != null && !userId.equals(c.userId())) {
            throw new ApiException(403, "forbidden", "user_id: a user token acts for its own user only");
        }
        return c.server() ? userId : null;
    }

        JsonBody body(InputStream in) {
        return ApiJson.read(in, ctx.settings().maxBodyBytes());
    }

    /** GetStream's {@code ?payload=} query parameter of GET queries: a JSON object, read like a body. */
    JsonBody payload(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("validation_error", "payload: is required (a JSON object)", "payload");
        }
        try {
            return ApiJson.read(new java.io.ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)), ctx.settings().maxBodyBytes());
        } catch (ApiException e) {
            throw new ApiException(e.status(), e.code(), "payload: " + e.getMessage(), "payload");
        }
    }

    /** An RFC 3339 timestamp given as {@code value}, or null; {@code validation_error} naming {@code field} otherwise. */
    static java.time.Instant instant(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw ApiException.badRequest("validation_error", field + ": must be an RFC 3339 timestamp", field);
        }
        try {
            return java.time.Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("validation_error", field + ": must be an RFC 3339 timestamp", field);
        }
    }

    static Cid cid(String type, String id) {
        return new Cid(type, id);
    }

    static List<SortField> sort(JsonBody body) {
        List<JsonBody> raw = body.objects("sort");
        List<SortField> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (JsonBody s : raw) {
            s.strict(Set.of("field", "direction"));
            Integer direction = s.integer("direction");
            if (direction == null || (direction != 1 && direction != -1)) {
                throw ApiException.badRequest("validation_error", "sort.direction: must be 1 or -1", "sort");
            }
            out.add(new SortField(s.requireString("field"), direction));
        }
        return out;
    }

    /** {@code limit}, {@code id_lt}, {@code id_gt}, {@code seq_lt}, {@code seq_gt} from a JSON object. */
    static MessagePage page(JsonBody p, int defaultLimit) {
        p.strict(Set.of("limit", "id_lt", "id_gt", "seq_lt", "seq_gt", "offset"));
        return new MessagePage(p.longValue("seq_gt"), p.longValue("seq_lt"), p.string("id_gt"), p.string("id_lt"), p.integer("limit", defaultLimit));
    }

    /** The same from query parameters. */
    static MessagePage page(String limit, String idLt, String idGt, String seqLt, String seqGt, int defaultLimit) {
        return new MessagePage(number("seq_gt", seqGt), number("seq_lt", seqLt), idGt, idLt,
                limit == null ? defaultLimit : Math.toIntExact(number("limit", limit)));
    }

    static Long number(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("validation_error", field + ": must be an integer", field);
        }
    }

    static Attachment attachment(JsonBody a) {
        List<Object> wave = a.list("waveform_data");
        List<Double> samples = null;
        if (wave != null) {
            samples = new ArrayList<>();
            for (Object o : wave) {
                if (!(o instanceof Number n)) {
                    throw ApiException.badRequest("validation_error", "attachments.waveform_data: must be a list of numbers", "attachments.waveform_data");
                }
                samples.add(n.doubleValue());
            }
        }
        Object duration = a.asMap().get("duration");
        if (duration != null && !(duration instanceof Number)) {
            throw ApiException.badRequest("validation_error", "attachments.duration: must be a number", "attachments.duration");
        }
        String url = a.string("asset_url") != null ? a.string("asset_url") : a.string("image_url");
        Map<String, Object> custom = a.rest(ATTACHMENT_FIELDS);
        return new Attachment(a.requireString("type"), url, a.string("mime_type"), a.longValue("file_size"), a.string("title"),
                a.string("thumb_url"), duration == null ? null : ((Number) duration).doubleValue(), samples, custom);
    }

    /**
     * A list of user ids, each given as a string or as an object holding it under {@code idField}
     * ({@code ["a", {"user_id": "b"}]}); null when absent.
     */
    static List<String> userIds(JsonBody body, String key, String idField) {
        List<Object> raw = body.list(key);
        if (raw == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (Object o : raw) {
            if (o instanceof String s) {
                ids.add(s);
            } else if (o instanceof Map<?, ?> obj && obj.get(idField) instanceof String s) {
                ids.add(s);
            } else {
                throw ApiException.badRequest("validation_error", key + ": must be user ids or {\"" + idField + "\": ...} objects", key);
            }
        }
        return ids;
    }

    /** A user id given either as {@code key} or as {@code {"id": ...}} under {@code objectKey}. */
    static String userRef(JsonBody body, String key, String objectKey) {
        if (body.has(key)) {
            return body.string(key);
        }
        if (body.has(objectKey)) {
            return body.object(objectKey).string("id");
        }
        return null;
    }
}
