package io.chatsdk.jakarta;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON in and out of the API. Bodies are read by the resources themselves, not by a JAX-RS provider, so that the
 * size limit, malformed JSON, duplicate keys and trailing garbage are handled the same way in every container.
 */
public final class ApiJson {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ApiJson() {
    }

    /**
     * Reads a JSON object of at most {@code maxBytes}. An empty body is an empty object.
     *
     * @throws ApiException 413 {@code payload_too_large}, or 400 {@code malformed_json}
     */
    public static JsonBody read(InputStream in, int maxBytes) {
        byte[] bytes;
        try {
            bytes = in == null ? new byte[0] : readAtMost(in, maxBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_json", "the request body could not be read", null);
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "payload_too_large", "the request body is larger than " + maxBytes + " bytes");
        }
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            return new JsonBody(new LinkedHashMap<>(), "");
        }
        try {
            Object value = MAPPER.readValue(bytes, Object.class);
            if (!(value instanceof LinkedHashMap<?, ?> object)) {
                throw ApiException.badRequest("malformed_json", "the request body must be a JSON object", null);
            }
            // Jackson reads an untyped JSON object as a LinkedHashMap of string keys: taken as it is, where a conversion
            // to the map type wrote the parsed map out and read it back (1.6 % of a REST send's samples, issue #15)
            @SuppressWarnings("unchecked")
            LinkedHashMap<String, Object> map = (LinkedHashMap<String, Object>) object;
            return new JsonBody(map, "");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("malformed_json", "the request body is not valid JSON" + where + ": " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_json", "the request body could not be read", null);
        }
    }

    /**
     * Up to {@code limit} bytes of {@code in}. The buffer starts at 1 KiB, which holds a chat send's body, then grows
     * to 16 KiB and doubles from there, and a buffer filled exactly is returned without a copy once the stream proves
     * to have ended. ({@code readNBytes(limit)} took a 16 KiB buffer for every body, however short, on JDK 21 and
     * later: the largest allocation of a REST send, issue #15.) A body over 16 KiB costs about what it did.
     */
    static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] buf = new byte[Math.min(limit, 1024)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n == limit) {
                    return buf;
                }
                int next = in.read();   // a full buffer may be the whole body: no larger one for nothing
                if (next < 0) {
                    return buf;
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, Math.max(16 * 1024, 2L * buf.length)));
                buf[n++] = (byte) next;
                continue;
            }
            int read = in.read(buf, n, buf.length - n);
            if (read < 0) {
                return java.util.Arrays.copyOf(buf, n);
            }
            n += read;
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response could not be serialised", e);
        }
    }

    public static Response ok(Object body) {
        return Response.ok(write(body), MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8")).build();
    }

    public static Response status(int status, Object body) {
        return Response.status(status).entity(write(body)).type(MediaType.APPLICATION_JSON_TYPE.withCharset("utf-8")).build();
    }
}
