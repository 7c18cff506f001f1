package io.chatsdk.engine.delivery;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An app's push credentials, kept by the engine: a Firebase service-account key, uploaded once by an operator, sealed
 * with the app's data key and never answered again. What identifies it (project, service account, key id, masked)
 * is shown instead. The appliance's push gateways read it with {@link #openFcm}. Server side only; thread-safe.
 */
public final class PushCredentials {
    /** A service-account key file is about 2.3 KB; a larger upload is not one. */
    public static final int MAX_BYTES = 16 * 1024;
    private static final String PURPOSE = "push.fcm";

    private final EngineContext ctx;
    private final AppId app;

    /** What an officer sees of a stored key: never the key itself, and its id masked. */
    public record Info(String provider, String projectId, String clientEmail, String privateKeyIdMasked, Instant updatedAt, String updatedBy) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", provider);
            m.put("project_id", projectId);
            m.put("client_email", clientEmail);
            m.put("private_key_id", privateKeyIdMasked);
            m.put("updated_at", updatedAt.toString());
            m.put("updated_by", updatedBy);
            return m;
        }
    }

    /** The opened key file and when it was stored (a gateway is rebuilt when that changes). */
    public record Stored(byte[] json, Instant updatedAt) {
    }

    public PushCredentials(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    /**
     * Checks that {@code json} is a Firebase service-account key (type, project, e-mail, key id and an RSA private key
     * in PKCS#8 PEM that parses) and stores it sealed, replacing any earlier one. Errors name the field, never its value.
     */
    public Info setFcm(byte[] json, String updatedBy) {
        if (json == null || json.length == 0 || json.length > MAX_BYTES) {
            throw ChatException.invalid("service_account", "must be a service-account key file of at most " + MAX_BYTES + " bytes");
        }
        Map<String, Object> key;
        try {
            key = Json.readMap(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ChatException.invalid("service_account", "is not a JSON object");
        }
        if (!"service_account".equals(key.get("type"))) {
            throw ChatException.invalid("service_account.type", "must be \"service_account\" (download the key from the Firebase console's service accounts)");
        }
        String project = text(key, "project_id", 200);
        String email = text(key, "client_email", 320);
        String keyId = text(key, "private_key_id", 100);
        requireRsaKey(text(key, "private_key", 8 * 1024));
        String by = updatedBy == null ? "operator-api" : updatedBy;
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            ContentKeys.Sealed sealed = tx.keys().seal(tx, app, PURPOSE, app.toString(), json);
            tx.update("insert into push_credential (app_id, provider, key_version, sealed, project_id, client_email, private_key_id, updated_at, updated_by) "
                    + "values (?, 'fcm', ?, ?, ?, ?, ?, ?, ?) on conflict (app_id, provider) do update set key_version = excluded.key_version, "
                    + "sealed = excluded.sealed, project_id = excluded.project_id, client_email = excluded.client_email, "
                    + "private_key_id = excluded.private_key_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    app.value(), sealed.version(), sealed.bytes(), project, email, keyId, now, by);
            return null;
        });
        ctx.audit().record(new AuditEntry(app, "operator", by, null, "push.credentials_set", "app", app.toString(), null, null, true, null,
                Map.of("project_id", project, "key_id", mask(keyId))));
        return new Info("fcm", project, email, mask(keyId), now, by);
    }

    public Optional<Info> fcm() {
        return ctx.db().read(tx -> tx.one("select project_id, client_email, private_key_id, updated_at, updated_by from push_credential "
                + "where app_id = ? and provider = 'fcm'", rs -> new Info("fcm", rs.getString(1), rs.getString(2), mask(rs.getString(3)),
                Tx.instant(rs, "updated_at"), rs.getString(5)), app.value()));
    }

    /** Removes the stored key; false when there was none. The app then pushes only through a file, if it has one. */
    public boolean deleteFcm() {
        boolean gone = ctx.db().inTransaction(tx -> tx.update("delete from push_credential where app_id = ? and provider = 'fcm'", app.value())) == 1;
        if (gone) {
            ctx.audit().record(AuditEntry.system(app, "push.credentials_deleted", "app", app.toString(), Map.of()));
        }
        return gone;
    }

    /** The stored key, opened, for the push gateway; empty when none is stored. {@code content_erased} after crypto-shredding. */
    public Optional<Stored> openFcm() {
        return ctx.db().read(tx -> tx.one("select key_version, sealed, updated_at from push_credential where app_id = ? and provider = 'fcm'",
                rs -> new Stored(tx.keys().open(tx, app, PURPOSE, app.toString(), rs.getInt(1), rs.getBytes(2)), Tx.instant(rs, "updated_at")),
                app.value()));
    }

    /**
     * Seals the stored key again under the app's current data key, when it is under an older one: run by the
     * re-encryption after a key rotation, so that the retired key can be deleted. Returns how many keys it resealed.
     */
    public static int reseal(EngineContext ctx, AppId app) {
        return ctx.db().inTransaction(tx -> {
            int current = tx.keys().currentVersion(tx, app);
            record Row(String provider, int version, byte[] sealed) {
            }
            java.util.List<Row> rows = tx.query("select provider, key_version, sealed from push_credential where app_id = ? and key_version < ? for update",
                    rs -> new Row(rs.getString(1), rs.getInt(2), rs.getBytes(3)), app.value(), current);
            for (Row r : rows) {
                byte[] plain = tx.keys().open(tx, app, PURPOSE, app.toString(), r.version(), r.sealed());
                try {
                    ContentKeys.Sealed s = tx.keys().seal(tx, app, PURPOSE, app.toString(), plain);
                    tx.update("update push_credential set key_version = ?, sealed = ? where app_id = ? and provider = ?", s.version(), s.bytes(),
                            app.value(), r.provider());
                } finally {
                    java.util.Arrays.fill(plain, (byte) 0);
                }
            }
            return rows.size();
        });
    }

    /** When the stored key last changed, without opening it; empty when none is stored. */
    public Optional<Instant> fcmUpdatedAt() {
        return ctx.db().read(tx -> tx.one("select updated_at from push_credential where app_id = ? and provider = 'fcm'",
                rs -> Tx.instant(rs, "updated_at"), app.value()));
    }

    private static String text(Map<String, Object> key, String field, int max) {
        if (!(key.get(field) instanceof String s) || s.isBlank() || s.length() > max) {
            throw ChatException.invalid("service_account." + field, "is required (text of at most " + max + " characters)");
        }
        io.chatsdk.engine.types.Validate.text("service_account." + field, s, max);
        return s;
    }

    private static void requireRsaKey(String pem) {
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (Exception e) {
            throw ChatException.invalid("service_account.private_key", "is not an RSA private key in PKCS#8 PEM");
        }
    }

    /** A key id as the console shows it: its first and last four characters. */
    static String mask(String keyId) {
        return keyId.length() <= 8 ? "…" : keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 4);
    }
}
