package io.chatsdk.jakarta;

import io.chatsdk.engine.e2ee.KeyDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /e2ee}: the prekey directory of end-to-end encrypted chats (the Signal protocol). A user's device publishes
 * its keys ({@code PUT /e2ee/devices/{deviceId}}), tops up its one-time keys, reads how many are left and leaves;
 * anyone in the app lists a user's devices and claims one bundle per device to start a session. Keys and signatures
 * are base64 of libsignal's serialized forms. Server tokens name the user with {@code user_id}.
 */
@Path("e2ee")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class E2eeResource extends ApiResource {
    private static final Set<String> DEVICE_FIELDS = Set.of("registration_id", "identity_key", "signed_prekey", "pq_last_resort_prekey",
            "prekeys", "pq_prekeys", "user_id");
    private static final Set<String> REPLENISH_FIELDS = Set.of("signed_prekey", "pq_last_resort_prekey", "prekeys", "pq_prekeys", "user_id");

    /** Publishes or replaces a device with all its keys. */
    @PUT
    @Path("devices/{deviceId}")
    @Limited("e2ee")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@PathParam("deviceId") String deviceId, InputStream in) {
        JsonBody b = body(in).strict(DEVICE_FIELDS);
        Integer registration = b.integer("registration_id");
        if (registration == null) {
            throw ApiException.badRequest("validation_error", "registration_id: is required", "registration_id");
        }
        KeyDirectory.DeviceKeys keys = new KeyDirectory.DeviceKeys(registration, bytes(b, "identity_key", true),
                signed(b, "signed_prekey"), signed(b, "pq_last_resort_prekey"), oneTime(b), pqKeys(b));
        KeyDirectory.Registered r = caller().app().e2ee().register(serverSide(b.string("user_id")), device(deviceId), keys);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", wire(r.device()));
        out.put("change", r.change());
        out.put("counts", wire(r.counts()));
        return ApiJson.ok(out);
    }

    /** Adds one-time keys, and rotates the signed prekey or the last-resort Kyber key when given. */
    @POST
    @Path("devices/{deviceId}/keys")
    @Limited("e2ee")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response replenish(@PathParam("deviceId") String deviceId, InputStream in) {
        JsonBody b = body(in).strict(REPLENISH_FIELDS);
        KeyDirectory.Counts c = caller().app().e2ee().replenish(serverSide(b.string("user_id")), device(deviceId), oneTime(b), pqKeys(b),
                b.has("signed_prekey") ? signed(b, "signed_prekey") : null, b.has("pq_last_resort_prekey") ? signed(b, "pq_last_resort_prekey") : null);
        return ApiJson.ok(Map.of("counts", wire(c)));
    }

    /** How many one-time keys the device has left: {@code {"counts": {"prekeys": n, "pq_prekeys": m}}}. */
    @GET
    @Path("devices/{deviceId}/keys")
    @Limited("e2ee")
    public Response counts(@PathParam("deviceId") String deviceId, @QueryParam("user_id") String userId) {
        return ApiJson.ok(Map.of("counts", wire(caller().app().e2ee().counts(serverSide(userId), device(deviceId)))));
    }

    /** Removes the device and its keys; the user's contacts get {@code user.keys_changed}. */
    @DELETE
    @Path("devices/{deviceId}")
    @Limited("e2ee")
    public Response remove(@PathParam("deviceId") String deviceId, @QueryParam("user_id") String userId) {
        caller().app().e2ee().remove(serverSide(userId), device(deviceId));
        return ApiJson.ok(Map.of());
    }

    /** A user's devices with their identity keys. */
    @GET
    @Path("users/{userId}/devices")
    @Limited("e2ee")
    public Response devices(@PathParam("userId") String userId) {
        return ApiJson.ok(Map.of("devices", caller().app().e2ee().devices(userId).stream().map(E2eeResource::wire).toList()));
    }

    /** Claims one bundle per device of the user (or of {@code device_id} alone); each one-time key is handed out once. */
    @POST
    @Path("users/{userId}/bundles")
    @Limited("e2ee")
    public Response claim(@PathParam("userId") String userId, @QueryParam("device_id") String deviceId) {
        List<Object> bundles = new ArrayList<>();
        for (KeyDirectory.Bundle bundle : caller().app().e2ee().claim(userId, deviceId == null ? null : device(deviceId))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device_id", bundle.deviceId());
            m.put("registration_id", bundle.registrationId());
            m.put("identity_key", b64(bundle.identityKey()));
            m.put("signed_prekey", wire(bundle.signedPreKey()));
            if (bundle.preKey() != null) {
                m.put("prekey", Map.of("key_id", bundle.preKey().keyId(), "public_key", b64(bundle.preKey().publicKey())));
            }
            Map<String, Object> pq = wire(bundle.pqPreKey());
            pq.put("last_resort", bundle.pqLastResort());
            m.put("pq_prekey", pq);
            bundles.add(m);
        }
        return ApiJson.ok(Map.of("user_id", userId, "bundles", bundles));
    }

    private static int device(String id) {
        try {
            int d = Integer.parseInt(id);
            if (d >= 1 && d <= 127) {
                return d;
            }
        } catch (NumberFormatException e) {
            // the same answer as out of range
        }
        throw ApiException.badRequest("validation_error", "device_id: must be an integer 1-127", "device_id");
    }

    private static byte[] bytes(JsonBody b, String key, boolean required) {
        String v = b.string(key);
        if (v == null) {
            if (required) {
                throw ApiException.badRequest("validation_error", b.field(key) + ": is required", b.field(key));
            }
            return null;
        }
        try {
            return Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("validation_error", b.field(key) + ": must be base64", b.field(key));
        }
    }

    private static KeyDirectory.SignedKey signed(JsonBody parent, String key) {
        if (!parent.has(key)) {
            return null;
        }
        JsonBody k = parent.object(key).strict(Set.of("key_id", "public_key", "signature"));
        return new KeyDirectory.SignedKey(keyId(k), bytes(k, "public_key", true), bytes(k, "signature", true));
    }

    private static List<KeyDirectory.OneTimeKey> oneTime(JsonBody b) {
        List<JsonBody> list = b.objects("prekeys");
        if (list == null) {
            return List.of();
        }
        if (list.size() > KeyDirectory.MAX_UPLOAD) {
            throw ApiException.badRequest("validation_error", "prekeys: at most " + KeyDirectory.MAX_UPLOAD + " per upload", "prekeys");
        }
        return list.stream().map(k -> {
            k.strict(Set.of("key_id", "public_key"));
            return new KeyDirectory.OneTimeKey(keyId(k), bytes(k, "public_key", true));
        }).toList();
    }

    private static List<KeyDirectory.SignedKey> pqKeys(JsonBody b) {
        List<JsonBody> list = b.objects("pq_prekeys");
        if (list == null) {
            return List.of();
        }
        if (list.size() > KeyDirectory.MAX_UPLOAD) {
            throw ApiException.badRequest("validation_error", "pq_prekeys: at most " + KeyDirectory.MAX_UPLOAD + " per upload", "pq_prekeys");
        }
        return list.stream().map(k -> {
            k.strict(Set.of("key_id", "public_key", "signature"));
            return new KeyDirectory.SignedKey(keyId(k), bytes(k, "public_key", true), bytes(k, "signature", true));
        }).toList();
    }

    private static int keyId(JsonBody k) {
        Integer id = k.integer("key_id");
        if (id == null) {
            throw ApiException.badRequest("validation_error", k.field("key_id") + ": is required", k.field("key_id"));
        }
        return id;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Map<String, Object> wire(KeyDirectory.SignedKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", k.keyId());
        m.put("public_key", b64(k.publicKey()));
        m.put("signature", b64(k.signature()));
        return m;
    }

    private static Map<String, Object> wire(KeyDirectory.Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_id", d.deviceId());
        m.put("registration_id", d.registrationId());
        m.put("identity_key", b64(d.identityKey()));
        m.put("updated_at", d.updatedAt().toString());
        return m;
    }

    private static Map<String, Object> wire(KeyDirectory.Counts c) {
        return Map.of("prekeys", c.preKeys(), "pq_prekeys", c.pqPreKeys());
    }
}
