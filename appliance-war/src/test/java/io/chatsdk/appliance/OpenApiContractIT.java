package io.chatsdk.appliance;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document at {@code /openapi} is the API's contract, and this test holds the code to it:
 * <ol>
 *   <li>the document is valid OpenAPI and every chat operation in it has its request and response schemas;</li>
 *   <li>a workload that calls every chat operation gets responses that validate against the document (success bodies
 *       against the operation's schema, errors against {@code Problem}), and every WebSocket frame it causes validates
 *       against its event's schema;</li>
 *   <li>request envelopes are as strict as the document says: a key it does not list is refused with
 *       {@code unknown_field}, and every key it lists is known to the code.</li>
 * </ol>
 * A change to a response shape, a new endpoint without schemas, or a schema that drifts from the code fails here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT {
    static TestAppliance appliance;
    static Api api;
    static Map<String, Object> doc;
    static Map<String, Object> schemas;
    static SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
    static final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    /** Operations ("POST /channels/{type}/{id}/message") the workload reached with a documented success status. */
    static final Set<String> covered = new TreeSet<>();
    static final List<String> violations = new ArrayList<>();
    /** The workload's calls succeed, except its last ones, which check that errors are problems. */
    static boolean expectErrors;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "contract");
        Api.Res r = Api.send(appliance, "GET", "/openapi?format=JSON", null, null, Map.of("Accept", "application/json"));
        assertThat(r.status()).isEqualTo(200);
        doc = r.json();
        schemas = map(map(doc.get("components")).get("schemas"));
    }

    @Test
    @Order(1)
    void theDocumentIsValidOpenApiAndDescribesEveryChatOperation() throws Exception {
        // Payara adds a top-level "endpoints" listing of its own, outside the OpenAPI schema; everything else must be valid
        Map<String, Object> ours = new LinkedHashMap<>(doc);
        ours.remove("endpoints");
        assertThat(ours.keySet()).containsOnly("openapi", "info", "servers", "paths", "components", "x-chatsdk-events");
        String text = Api.JSON.writeValueAsString(ours);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text);
        assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getInfo().getVersion()).matches("\\d+\\.\\d+\\.\\d+");

        Map<String, Object> paths = map(doc.get("paths"));
        int chatOperations = 0;
        for (Map.Entry<String, Object> p : paths.entrySet()) {
            if (!p.getKey().startsWith("/api/v1/") || p.getKey().equals("/api/v1/connect")) {
                continue;
            }
            for (Map.Entry<String, Object> o : map(p.getValue()).entrySet()) {
                if (!Set.of("get", "post", "put", "patch", "delete").contains(o.getKey())) {
                    continue;
                }
                chatOperations++;
                String name = o.getKey().toUpperCase() + " " + p.getKey();
                Map<String, Object> op = map(o.getValue());
                Map<String, Object> responses = map(op.get("responses"));
                assertThat(responses.keySet()).as(name).anyMatch(s -> s.startsWith("2")).contains("default");
                responses.forEach((status, resp) -> assertThat(map(resp)).as(name + " " + status).containsKey("content"));
                if (op.containsKey("requestBody")) {
                    // JSON bodies, and multipart/form-data for uploads
                    Map<String, Object> content = map(map(op.get("requestBody")).get("content"));
                    assertThat(content.keySet()).as(name + " request media types").hasSize(1).isSubsetOf("application/json", "multipart/form-data");
                    assertThat(map(content.values().iterator().next())).as(name + " request schema").containsKey("schema");
                }
            }
        }
        assertThat(chatOperations).isGreaterThanOrEqualTo(65);
        assertThat(map(doc.get("x-chatsdk-events"))).containsKeys("message.new", "reaction.new", "member.added", "channel.updated",
                "typing.start", "user.presence.changed", "message.flagged", "notification.mark_unread", "health.check");
        assertThat(schemas).containsKeys("Problem", "Event", "Message", "Channel", "User");
    }

    @Test
    @Order(2)
    void everyChatOperationAnswersAsDocumentedAndEveryEventMatchesItsSchema() throws Exception {
        api.users("ann", "ben", "cat", "mod");
        api.asServer("POST", "/users", Map.of("users", Map.of("mod", Map.of("id", "mod", "role", "moderator"))));
        try (WsClient ann = WsClient.connect(appliance, api.apiKey, api.userToken("ann"), true);
             WsClient ben = WsClient.connect(appliance, api.apiKey, api.userToken("ben"), true)) {
            String connectionId = (String) ann.await("health.check", 10).get("connection_id");
            ben.await("health.check", 10);
            workload(connectionId);
            // let the last events arrive, then check every frame both sockets got
            Thread.sleep(1500);
            List<Map<String, Object>> frames = new ArrayList<>(ann.seen);
            frames.addAll(ben.seen);
            Set<String> types = new TreeSet<>();
            Map<String, Object> eventRefs = map(doc.get("x-chatsdk-events"));
            for (Map<String, Object> frame : frames) {
                String type = (String) frame.get("type");
                types.add(type);
                Object ref = eventRefs.get(type);
                check("event " + type, ref != null ? (String) ref : "#/components/schemas/CustomEvent", frame);
            }
            assertThat(types).contains("health.check", "message.new", "message.updated", "message.deleted", "reaction.new", "reaction.deleted",
                    "member.added", "member.removed", "channel.updated", "typing.start", "typing.stop", "message.read", "contract.ping");
        }
        assertThat(violations).as("responses and events that do not match the document").isEmpty();
        Set<String> documented = new TreeSet<>();
        map(doc.get("paths")).forEach((path, item) -> {
            if (path.startsWith("/api/v1/") && !path.equals("/api/v1/connect")) {
                map(item).keySet().stream().filter(m -> Set.of("get", "post", "put", "patch", "delete").contains(m))
                        .forEach(m -> documented.add(m.toUpperCase() + " " + path.substring("/api/v1".length())));
            }
        });
        assertThat(covered).as("operations the workload reached").containsAll(documented);
    }

    @Test
    @Order(3)
    void requestEnvelopesAreExactlyAsStrictAsDocumented() throws Exception {
        api.users("env");
        api.asServer("POST", "/channels/messaging/env/query", Map.of("data", Map.of("members", List.of("env"), "created_by_id", "env")));
        api.asServer("POST", "/channels/messaging/env/message", Map.of("message", Map.of("id", "env-1", "text", "x", "user_id", "env")));
        Map<String, String> params = Map.of("type", "messaging", "id", "env", "userId", "env", "name", "messaging", "deviceId", "1");
        List<String> problems = new ArrayList<>();
        map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, o) -> {
            Map<String, Object> op = map(o);
            if (!path.startsWith("/api/v1/") || !op.containsKey("requestBody") || !map(map(op.get("requestBody")).get("content")).containsKey("application/json")) {
                return;   // uploads are multipart: their parts are checked by FilesIT
            }
            Map<String, Object> schema = resolve(map(map(map(map(op.get("requestBody")).get("content")).get("application/json")).get("schema")));
            if (!Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                return;
            }
            String concrete = path.substring("/api/v1".length());
            for (Map.Entry<String, String> p : params.entrySet()) {
                concrete = concrete.replace("{" + p.getKey() + "}", path.startsWith("/api/v1/messages/") && p.getKey().equals("id") ? "env-1" : p.getValue());
            }
            concrete = concrete.replace("/moderation/flags/env/", "/moderation/flags/00000000-0000-0000-0000-000000000000/");
            try {
                Api.Res unknown = api.asServer(method.toUpperCase(), concrete, Map.of("zz_not_a_field", 1));
                if (!"unknown_field".equals(unknown.code())) {
                    problems.add(method.toUpperCase() + " " + path + ": an undocumented key gave " + unknown);
                }
                for (String key : map(schema.get("properties")).keySet()) {
                    Api.Res known = api.asServer(method.toUpperCase(), concrete, Map.of(key, 12345.5));
                    if ("unknown_field".equals(known.code())) {
                        problems.add(method.toUpperCase() + " " + path + ": documented key '" + key + "' is unknown to the code");
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThat(problems).isEmpty();
    }

    /** Calls every chat operation, as a client would, checking each answer against the document. */
    private static void workload(String connectionId) throws Exception {
        // users
        call("server", "POST", "/users", Map.of(), Map.of("users", Map.of("dan", Map.of("id", "dan", "name", "Dan", "team", "red"))));
        call("ben", "POST", "/users/query", Map.of(), Map.of("filter_conditions", Map.of("id", Map.of("$in", List.of("ann", "dan")))));
        call("ben", "GET", "/users?payload={payload}", Map.of("payload", "{\"filter_conditions\":{}}"), null);
        call("server", "POST", "/users/{id}/deactivate", Map.of("id", "dan"), null);
        call("server", "POST", "/users/{id}/reactivate", Map.of("id", "dan"), null);
        call("server", "POST", "/users/{id}/revoke_tokens", Map.of("id", "dan"), Map.of());
        // channel types
        call("server", "POST", "/channeltypes", Map.of(), Map.of("name", "contract", "reactions", true,
                "grants", Map.of("user", List.of("create-channel", "read-channel", "send-message"))));
        call("server", "GET", "/channeltypes", Map.of(), null);
        call("server", "GET", "/channeltypes/{name}", Map.of("name", "contract"), null);
        call("server", "PUT", "/channeltypes/{name}", Map.of("name", "contract"), Map.of("replies", false));
        call("server", "DELETE", "/channeltypes/{name}", Map.of("name", "contract"), null);
        // channels
        Map<String, String> room = Map.of("type", "messaging", "id", "room");
        call("ann", "POST", "/channels/{type}/{id}/query?connection_id=" + connectionId, room,
                Map.of("data", Map.of("members", List.of("ann", "ben", "mod"), "name", "Room"), "watch", true));
        call("ann", "POST", "/channels/{type}/query", Map.of("type", "messaging"), Map.of("data", Map.of("members", List.of("ann", "ben"))));
        call("ann", "POST", "/channels", Map.of(), Map.of("filter_conditions", Map.of("members", Map.of("$in", List.of("ann"))), "limit", 5));
        call("ann", "POST", "/channels/{type}/{id}", room, Map.of("data", Map.of("name", "Room 2"), "add_members", List.of("cat")));
        call("ann", "PATCH", "/channels/{type}/{id}", room, Map.of("set", Map.of("topic", "contracts")));
        call("ann", "POST", "/channels/{type}/{id}", room, Map.of("remove_members", List.of("cat")));
        call("ann", "PATCH", "/channels/{type}/{id}/member/{userId}", Map.of("type", "messaging", "id", "room", "userId", "mod"),
                Map.of("set", Map.of("channel_role", "moderator")));
        // messages
        call("ben", "POST", "/channels/{type}/{id}/message", room, Map.of("message", Map.of("id", "c-1", "text", "hello @ann", "mentioned_users",
                List.of("ann"), "attachments", List.of(Map.of("type", "image", "image_url", "https://cdn.example.com/i.png")))));
        call("ann", "POST", "/channels/{type}/{id}/message", room, Map.of("message", Map.of("id", "c-2", "text", "a reply", "parent_id", "c-1")));
        call("ann", "POST", "/channels/{type}/{id}/event", room, Map.of("event", Map.of("type", "typing.start")));
        call("ann", "POST", "/channels/{type}/{id}/event", room, Map.of("event", Map.of("type", "typing.stop")));
        call("ann", "POST", "/channels/{type}/{id}/event", room, Map.of("event", Map.of("type", "contract.ping", "n", 1)));
        call("ann", "GET", "/channels/{type}/{id}/messages?seq_gt=0&limit=10", room, null);
        call("ann", "GET", "/messages/{id}", Map.of("id", "c-1"), null);
        call("ann", "GET", "/messages/{id}/replies", Map.of("id", "c-1"), null);
        call("ben", "POST", "/messages/{id}", Map.of("id", "c-1"), Map.of("message", Map.of("text", "hello again")));
        call("ben", "PUT", "/messages/{id}", Map.of("id", "c-1"), Map.of("set", Map.of("mood", "calm")));
        call("ann", "POST", "/messages/{id}/reaction", Map.of("id", "c-1"), Map.of("reaction", Map.of("type", "like")));
        call("ann", "DELETE", "/messages/{id}/reaction/{type}", Map.of("id", "c-1", "type", "like"), null);
        call("ann", "POST", "/messages/{id}/pin", Map.of("id", "c-1"), Map.of());
        call("ann", "DELETE", "/messages/{id}/pin", Map.of("id", "c-1"), null);
        call("ann", "POST", "/channels/{type}/{id}/read", room, Map.of());
        call("ann", "POST", "/channels/{type}/{id}/unread", room, Map.of("message_id", "c-1"));
        call("ann", "GET", "/unread", Map.of(), null);
        call("ann", "POST", "/sync", Map.of(), Map.of("channels", Map.of("messaging:room", 0)));
        call("ann", "POST", "/sync", Map.of(), Map.of("channel_cids", List.of("messaging:room"), "last_sync_at", "2020-01-01T00:00:00Z",
                "with_inaccessible_cids", true));
        call("ann", "DELETE", "/messages/{id}", Map.of("id", "c-2"), null);
        // search by author needs no index; by text it may find nothing yet (indexing is a job), which the schema allows too
        call("ann", "GET", "/search?payload={payload}", Map.of("payload", "{\"filter_conditions\":{\"members\":{\"$in\":[\"ann\"]}},"
                + "\"message_filter_conditions\":{\"user_id\":\"ben\"},\"limit\":1}"), null);
        call("ann", "GET", "/search?payload={payload}", Map.of("payload", "{\"filter_conditions\":{\"cid\":\"messaging:room\"},\"query\":\"hello\"}"), null);
        // the opt-in AI, once the operator switched it on: suggestions, a summary, a search by meaning
        assertThat(Api.operator(appliance, "PATCH", "/admin/api/apps/" + api.appId + "/ai", Map.of("ai_enabled", true, "ai_embeddings", true,
                "ai_smart_replies", true, "ai_catch_up_summaries", true)).status()).isEqualTo(200);
        call("ben", "GET", "/channels/{type}/{id}/smart_replies", room, null);
        call("ben", "GET", "/channels/{type}/{id}/catch_up", room, null);
        call("ann", "GET", "/search?payload={payload}", Map.of("payload", "{\"filter_conditions\":{\"cid\":\"messaging:room\"},"
                + "\"message_filter_conditions\":{\"text\":{\"$semantic\":\"greetings\"}}}"), null);
        // moderation
        call("ann", "POST", "/moderation/mute", Map.of(), Map.of("target_id", "cat"));
        call("ann", "GET", "/moderation/mutes", Map.of(), null);
        call("ann", "POST", "/moderation/unmute", Map.of(), Map.of("target_id", "cat"));
        call("ann", "POST", "/moderation/mute/channel", Map.of(), Map.of("channel_cid", "messaging:room"));
        call("ann", "POST", "/moderation/unmute/channel", Map.of(), Map.of("channel_cid", "messaging:room"));
        call("ann", "POST", "/moderation/block", Map.of(), Map.of("blocked_user_id", "cat"));
        call("ann", "GET", "/moderation/blocks", Map.of(), null);
        call("ann", "POST", "/moderation/unblock", Map.of(), Map.of("blocked_user_id", "cat"));
        Api.Res flag = call("ann", "POST", "/moderation/flag", Map.of(), Map.of("target_message_id", "c-1", "reason", "spam"));
        call("mod", "GET", "/moderation/flags", Map.of(), null);
        String flagId = flag.status() == 201 ? String.valueOf(flag.obj("flag").get("id")) : "00000000-0000-0000-0000-000000000000";
        call("mod", "POST", "/moderation/flags/{id}/review", Map.of("id", flagId), Map.of("action", "dismiss"));
        call("server", "POST", "/moderation/ban", Map.of(), Map.of("target_user_id", "cat", "banned_by_id", "mod", "reason", "r"));
        call("server", "GET", "/moderation/bans", Map.of(), null);
        call("server", "DELETE", "/moderation/ban?target_user_id=cat", Map.of(), null);
        call("ann", "POST", "/moderation/slow_mode", Map.of(), Map.of("cid", "messaging:room", "cooldown", 0));
        call("mod", "PUT", "/moderation/blocklists/{name}", Map.of("name", "words"), Map.of("behavior", "flag", "words", List.of("contractword")));
        call("mod", "GET", "/moderation/blocklists", Map.of(), null);
        call("mod", "GET", "/moderation/blocklists/{name}", Map.of("name", "words"), null);
        call("mod", "DELETE", "/moderation/blocklists/{name}", Map.of("name", "words"), null);
        // app settings and devices
        call("server", "PUT", "/app/webhooks", Map.of(), Map.of("webhooks", List.of(Map.of("url", "http://127.0.0.1:9/contract", "events",
                List.of("channel.truncated")))));
        call("server", "GET", "/app/webhooks", Map.of(), null);
        call("server", "PUT", "/app/webhooks", Map.of(), Map.of("webhooks", List.of()));
        call("server", "PUT", "/app/before_send_hook", Map.of(), Map.of("url", "http://127.0.0.1:9/hook", "timeout_ms", 1000));
        call("server", "DELETE", "/app/before_send_hook", Map.of(), null);
        call("server", "GET", "/app/push_settings", Map.of(), null);
        call("server", "PUT", "/app/push_settings", Map.of(), Map.of("preview", "full"));
        call("ann", "POST", "/devices", Map.of(), Map.of("id", "contract-device", "push_provider", "firebase"));
        call("ann", "GET", "/devices", Map.of(), null);
        call("ann", "DELETE", "/devices?id=contract-device", Map.of(), null);
        // end-to-end encryption keys (TestKeys signs as an XEdDSA identity would)
        io.chatsdk.engine.e2ee.TestKeys keys = new io.chatsdk.engine.e2ee.TestKeys();
        call("ann", "PUT", "/e2ee/devices/{deviceId}", Map.of("deviceId", "1"), E2eeApiIT.device(keys, 1, 1));
        call("ann", "POST", "/e2ee/devices/{deviceId}/keys", Map.of("deviceId", "1"), Map.of("prekeys",
                List.of(Map.of("key_id", 9, "public_key", java.util.Base64.getEncoder().encodeToString(io.chatsdk.engine.e2ee.TestKeys.ecKey())))));
        call("ann", "GET", "/e2ee/devices/{deviceId}/keys", Map.of("deviceId", "1"), null);
        call("ben", "GET", "/e2ee/users/{userId}/devices", Map.of("userId", "ann"), null);
        call("ben", "POST", "/e2ee/users/{userId}/bundles", Map.of("userId", "ann"), null);
        call("ann", "DELETE", "/e2ee/devices/{deviceId}", Map.of("deviceId", "1"), null);
        // files: settings, uploads, downloads, deletions
        call("server", "GET", "/app", Map.of(), null);
        call("server", "PATCH", "/app", Map.of(), Map.of("image_upload_config", Map.of("allowed_mime_types", List.of("image/*"))));
        Api.Res file = upload("/channels/{type}/{id}/file", room, "c.txt", "contract text".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Api.Res image = upload("/channels/{type}/{id}/image", room, "c.png", FilesIT.png());
        String fileUrl = (String) file.json().get("file");
        download(fileUrl.substring(fileUrl.indexOf("/files/") + 7, fileUrl.indexOf('?')));
        call("ann", "DELETE", "/channels/{type}/{id}/file?url=" + java.net.URLEncoder.encode(fileUrl, java.nio.charset.StandardCharsets.UTF_8), room, null);
        call("ann", "DELETE", "/channels/{type}/{id}/image?url=" + java.net.URLEncoder.encode((String) image.json().get("file"),
                java.nio.charset.StandardCharsets.UTF_8), room, null);
        // the end of the channel
        call("ann", "POST", "/channels/{type}/{id}/hide", room, Map.of());
        call("ann", "POST", "/channels/{type}/{id}/show", room, Map.of());
        call("ann", "POST", "/channels/{type}/{id}/truncate", room, null);
        call("ann", "DELETE", "/channels/{type}/{id}", room, null);
        // errors are problems
        expectErrors = true;
        call("ann", "GET", "/messages/{id}", Map.of("id", "missing"), null);
        call("ann", "POST", "/channels/{type}/{id}/message", room, Map.of("mesage", Map.of()));
        call(null, "GET", "/unread", Map.of(), null);
    }

    /** A multipart upload by ann, checked against the document like {@link #call}. */
    private static Api.Res upload(String template, Map<String, String> params, String name, byte[] content) throws Exception {
        String path = template;
        for (Map.Entry<String, String> p : params.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        Api.Res r = Api.sendBytes(appliance, "POST", api.withKey(path), FilesIT.multipart("file", name, null, content, FilesIT.BOUNDARY),
                "multipart/form-data; boundary=" + FilesIT.BOUNDARY, Map.of("Authorization", api.userToken("ann")));
        Map<String, Object> op = map(map(map(doc.get("paths")).get("/api/v1" + template)).get("post"));
        if (op == null || !map(map(op.get("requestBody")).get("content")).containsKey("multipart/form-data")) {
            violations.add("POST " + template + ": not documented as a multipart/form-data upload");
            return r;
        }
        if (r.status() != 200) {
            violations.add("POST " + template + ": the upload failed: " + r);
            return r;
        }
        covered.add("POST " + template);
        check("POST " + template + " 200", (String) map(map(map(map(map(op.get("responses")).get("200")).get("content")).get("application/json"))
                .get("schema")).get("$ref"), r.json());
        return r;
    }

    /** A download by ann: bytes, documented as such. */
    private static void download(String fileId) throws Exception {
        java.net.http.HttpResponse<byte[]> r = FilesIT.get(appliance.uri(api.withKey("/files/" + fileId)), Map.of("Authorization", api.userToken("ann")));
        Map<String, Object> op = map(map(map(doc.get("paths")).get("/api/v1/files/{fileId}")).get("get"));
        if (op == null || r.statusCode() != 200 || !map(map(map(op.get("responses")).get("200")).get("content")).containsKey("application/octet-stream")) {
            violations.add("GET /files/{fileId}: answered " + r.statusCode() + " or is not documented as bytes");
            return;
        }
        covered.add("GET /files/{fileId}");
    }

    /** One call: {@code actor} is a user id, "server", or null (no token). Checks the answer against the document. */
    private static Api.Res call(String actor, String method, String template, Map<String, String> params, Object body) throws Exception {
        String path = template;
        for (Map.Entry<String, String> p : params.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", java.net.URLEncoder.encode(p.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Api.Res r = actor == null ? api.call(method, path, body, null) : actor.equals("server") ? api.asServer(method, path, body) : api.as(actor, method, path, body);
        String operation = method + " " + template.replaceAll("\\?.*$", "");
        Map<String, Object> op = map(map(map(doc.get("paths")).get("/api/v1" + template.replaceAll("\\?.*$", ""))).get(method.toLowerCase()));
        if (op == null) {
            violations.add(operation + ": not in the document");
            return r;
        }
        String status = String.valueOf(r.status());
        Map<String, Object> responses = map(op.get("responses"));
        if (r.status() < 300) {
            if (!responses.containsKey(status)) {
                violations.add(operation + ": answered " + status + ", which the document does not list (" + responses.keySet() + ")");
                return r;
            }
            covered.add(operation);
            check(operation + " " + status, (String) map(map(map(map(responses.get(status)).get("content")).get("application/json")).get("schema")).get("$ref"),
                    r.json());
        } else {
            if (!expectErrors) {
                violations.add(operation + ": the workload expected success but got " + r);
            }
            check(operation + " " + status, "#/components/schemas/Problem", r.json());
        }
        return r;
    }

    private static void check(String what, String ref, Map<String, Object> body) {
        if (ref == null) {
            violations.add(what + ": the document gives no schema reference");
            return;
        }
        Schema schema = compiled.computeIfAbsent(ref, k -> {
            Map<String, Object> wrapper = new LinkedHashMap<>();
            wrapper.put("$ref", k);
            wrapper.put("components", Map.of("schemas", schemas));
            try {
                return registry.getSchema(Api.JSON.writeValueAsString(wrapper), InputFormat.JSON);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            List<Error> errors = schema.validate(Api.JSON.writeValueAsString(body), InputFormat.JSON);
            if (!errors.isEmpty()) {
                violations.add(what + " does not match " + ref + ": " + errors.stream().limit(5).map(Error::toString).toList() + " in "
                        + Api.JSON.writeValueAsString(body));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> resolve(Map<String, Object> schema) {
        if (schema.get("$ref") instanceof String ref) {
            return map(schemas.get(ref.substring(ref.lastIndexOf('/') + 1)));
        }
        return schema;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
