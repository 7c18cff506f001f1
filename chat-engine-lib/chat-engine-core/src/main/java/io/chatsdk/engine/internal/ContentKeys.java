package io.chatsdk.engine.internal;

import io.chatsdk.engine.audit.AuditScope;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of tenant content: each app has versioned data keys (DEKs, AES-256) stored in
 * {@code app_data_key} wrapped by the {@link KeyProvider}'s key-encryption key; values are sealed with AES-256-GCM,
 * a fresh 96-bit nonce each time, and associated data that binds the app, the purpose, the row id and the key
 * version, so a sealed value copied to another row, app or field does not open.
 *
 * <p>Sealed format: {@code 0x01 || nonce(12) || ciphertext || tag(16)}; the key version is stored beside it.
 *
 * <p>Thread-safe. Unwrapped DEKs are cached per node (they never change); which version is current and whether the
 * app's keys were destroyed is re-read after {@link #CURRENT_TTL}, so a rotation or a crypto-shred made on another
 * node takes effect here within that time.
 */
public final class ContentKeys {
    /** How long a node trusts its idea of an app's current key version and destroyed flag. */
    public static final Duration CURRENT_TTL = Duration.ofSeconds(10);
    /** Files are sealed in segments of this many ciphertext bytes. */
    public static final int FILE_SEGMENT_BYTES = 64 * 1024;
    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /**
     * One AES-GCM cipher per thread, initialised afresh (key and nonce) for every value. {@code Cipher.getInstance}
     * searches the JVM's security providers on every call: a profile of REST sends put that search at about 2 % of the
     * appliance's CPU (docs/performance.md, "Ciphers kept per thread, and jobs queued without asking for their
     * queues"). A cipher is used between {@code init} and {@code doFinal} only, with nothing in between that could seal
     * or open on the same thread; the data key is looked up before. A thread's cipher keeps the last key it used until
     * its next {@code init} (docs/compliance.md, crypto-shredding).
     */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    });

    private final KeyProvider kek;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, SecretKeySpec> deks = new ConcurrentHashMap<>();
    private final Map<String, StreamingAead> fileAeads = new ConcurrentHashMap<>();
    private final Map<String, byte[]> linkKeys = new ConcurrentHashMap<>();
    private final Map<String, byte[]> searchKeys = new ConcurrentHashMap<>();
    private final Map<UUID, Current> current = new ConcurrentHashMap<>();
    private volatile Db db;

    /** A value sealed under key {@code version}. */
    public record Sealed(int version, byte[] bytes) {
    }

    private record Current(int version, boolean destroyed, Instant loadedAt) {
    }

    public ContentKeys(KeyProvider kek, SecureRandom random, Clock clock) {
        this.kek = kek;
        this.random = random;
        this.clock = clock;
    }

    /** Set once by the engine: new keys are created in their own transaction, never the caller's. */
    public void attach(Db db) {
        this.db = db;
    }

    /** Seals {@code plaintext} under the app's current key. */
    public Sealed seal(Tx tx, AppId app, String purpose, String rowId, byte[] plaintext) {
        int version = currentVersion(tx, app);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        SecretKeySpec key = dek(tx, app, version);
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(app, purpose, rowId, version));
            byte[] ct = cipher.doFinal(plaintext);
            return new Sealed(version, ByteBuffer.allocate(1 + NONCE_BYTES + ct.length).put(FORMAT).put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * Opens a sealed value. Fails with {@code content_erased} when the app's keys were destroyed, and with
     * {@code internal_error} (without any content) when the value was tampered with or moved.
     */
    public byte[] open(Tx tx, AppId app, String purpose, String rowId, int version, byte[] sealed) {
        requireNotDestroyed(tx, app);
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new ChatException(ErrorCode.INTERNAL, "stored " + purpose + " " + rowId + " is not a sealed value", null, null);
        }
        SecretKeySpec key = dek(tx, app, version);
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(app, purpose, rowId, version));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new ChatException(ErrorCode.INTERNAL, "stored " + purpose + " " + rowId + " failed authentication (tampered or moved)", null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * The streaming AEAD that seals the app's files under its data key of {@code version}: AES-256-GCM in segments of
     * 64 KiB, each file with its own HKDF-derived key and nonce prefix (Tink's {@code AesGcmHkdfStreaming}), so a file
     * is encrypted and decrypted as a stream and a range of it can be read without the rest. Fails with
     * {@code content_erased} when the app's keys were destroyed.
     */
    public StreamingAead files(Tx tx, AppId app, int version) {
        requireNotDestroyed(tx, app);
        SecretKeySpec key = dek(tx, app, version);
        return fileAeads.computeIfAbsent(app.value() + "/" + version, k -> {
            try {
                return new AesGcmHkdfStreaming(key.getEncoded(), "HmacSha256", 32, FILE_SEGMENT_BYTES, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM-HKDF streaming is unavailable in this JVM", e);
            }
        });
    }

    /** The associated data that binds a file's ciphertext to its app, row and key version. */
    public static byte[] fileAad(AppId app, java.util.UUID fileId, int version) {
        return aad(app, "file", fileId.toString(), version);
    }

    /**
     * The key that signs the app's file links under its data key of {@code version}: HMAC-SHA256 of a fixed label,
     * so the links of an app whose keys were destroyed no longer verify.
     */
    public byte[] linkKey(Tx tx, AppId app, int version) {
        return derived(linkKeys, tx, app, version, "chatsdk:file-link:");
    }

    /**
     * The key of the app's blind search index under its data key of {@code version}: HMAC-SHA256 of a fixed label, so
     * the index of an app whose keys were destroyed can no longer be queried (no term can be computed).
     */
    public byte[] searchKey(Tx tx, AppId app, int version) {
        return derived(searchKeys, tx, app, version, "chatsdk:search-index:");
    }

    /** HMAC-SHA256 of {@code label} followed by the app id, under the app's data key of {@code version}; cached per node. */
    private byte[] derived(Map<String, byte[]> cache, Tx tx, AppId app, int version, String label) {
        requireNotDestroyed(tx, app);
        SecretKeySpec key = dek(tx, app, version);
        return cache.computeIfAbsent(app.value() + "/" + version, k -> {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
                return mac.doFinal((label + app.value()).getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
            }
        });
    }

    /** Every key version the app still has (current and retired), newest first: a search asks under each. */
    public java.util.List<Integer> versions(Tx tx, AppId app) {
        requireNotDestroyed(tx, app);
        return tx.query("select version from app_data_key where app_id = ? order by version desc", rs -> rs.getInt(1), app.value());
    }

    /** The associated data of an image's stored thumbnail. */
    public static byte[] thumbAad(AppId app, java.util.UUID fileId, int version) {
        return aad(app, "file.thumb", fileId.toString(), version);
    }

    /** Fails with {@code content_erased} when the app's keys were destroyed. */
    public void requireNotDestroyed(Tx tx, AppId app) {
        if (current(tx, app).destroyed()) {
            throw erased(app);
        }
    }

    /** The app's current key version, creating version 1 (in its own transaction) for an app that has none. */
    public int currentVersion(Tx tx, AppId app) {
        Current c = current(tx, app);
        if (c.destroyed()) {
            throw erased(app);
        }
        if (c.version() == 0) {
            // the key's own transaction is not the request's: the request's audit record goes with the request's transaction,
            // which may still fail (the hook would otherwise write it here, and count it as written)
            AuditScope request = AuditScope.adopt(null);
            try {
                db.inTransaction(own -> create(own, app, 1));
            } finally {
                AuditScope.adopt(request);
            }
            return reload(tx, app).version();
        }
        return c.version();
    }

    /** Makes a new key version current (the old ones still open what they sealed); returns it. */
    public int rotate(Tx tx, AppId app) {
        requireNotDestroyed(tx, app);
        int next = tx.one("select coalesce(max(version), 0) + 1 from app_data_key where app_id = ?", rs -> rs.getInt(1), app.value()).orElse(1);
        tx.update("update app_data_key set retired_at = ? where app_id = ? and retired_at is null", clock.instant(), app.value());
        create(tx, app, next);
        current.remove(app.value());
        return next;
    }

    /**
     * Crypto-shredding: deletes every key of the app and marks it, so its sealed content can never be opened again; also
     * blanks content written before encryption existed and drops the app's outbox events. The caller calls
     * {@link #forget} after the commit, so that no request on this node re-caches a key in between.
     */
    public void destroy(Tx tx, AppId app) {
        tx.update("delete from app_data_key where app_id = ?", app.value());
        tx.update("update message set text = '', attachments = '[]', custom = '{}' where app_id = ? and key_version is null "
                + "and (text <> '' or attachments <> '[]' or custom <> '{}')", app.value());
        tx.update("delete from outbox_event where app_id = ?", app.value());
        // the terms could no longer be computed for a query anyway; dropping them leaves nothing behind
        tx.update("delete from message_search_term where app_id = ?", app.value());   // also any a document did not list
        tx.update("delete from message_search_doc where app_id = ?", app.value());
        tx.update("update app set keys_destroyed_at = coalesce(keys_destroyed_at, ?) where id = ?", clock.instant(), app.value());
    }

    /** Drops this node's cached keys of an app. */
    public void forget(AppId app) {
        current.remove(app.value());
        deks.keySet().removeIf(k -> k.startsWith(app.value() + "/"));
        fileAeads.keySet().removeIf(k -> k.startsWith(app.value() + "/"));
        linkKeys.keySet().removeIf(k -> k.startsWith(app.value() + "/"));
        searchKeys.keySet().removeIf(k -> k.startsWith(app.value() + "/"));
    }

    /** Deletes retired key versions that no stored value uses any more; returns how many. */
    public int pruneRetired(Tx tx, AppId app) {
        // retired longer than nodes may keep sealing with it (CURRENT_TTL), so no in-flight write still uses it
        return tx.update("delete from app_data_key k where k.app_id = ? and k.retired_at < ?::timestamptz - interval '5 minutes' "
                + "and not exists (select 1 from message m where m.app_id = k.app_id and m.key_version = k.version) "
                + "and not exists (select 1 from message_revision r where r.app_id = k.app_id and r.key_version = k.version) "
                + "and not exists (select 1 from outbox_event o where o.app_id = k.app_id and o.key_version = k.version and o.published_at is null) "
                + "and not exists (select 1 from file_object f where f.app_id = k.app_id and f.key_version = k.version) "
                + "and not exists (select 1 from message_search_doc d where d.app_id = k.app_id and d.key_version = k.version) "
                + "and not exists (select 1 from export_job e where e.app_id = k.app_id and e.key_version = k.version and e.state in ('running', 'done')) "
                + "and not exists (select 1 from push_credential p where p.app_id = k.app_id and p.key_version = k.version)",
                app.value(), clock.instant());
    }

    private int create(Tx tx, AppId app, int version) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            tx.update("insert into app_data_key (app_id, version, wrapped, created_at) values (?, ?, ?, ?) on conflict do nothing",
                    app.value(), version, kek.wrap(key, dekContext(app, version)), clock.instant());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return version;
    }

    private Current current(Tx tx, AppId app) {
        Current c = current.get(app.value());
        if (c != null && c.loadedAt().plus(CURRENT_TTL).isAfter(clock.instant())) {
            return c;
        }
        return reload(tx, app);
    }

    private Current reload(Tx tx, AppId app) {
        Current c = tx.one("select a.keys_destroyed_at is not null, (select coalesce(max(version), 0) from app_data_key k "
                        + "where k.app_id = a.id and k.retired_at is null) from app a where a.id = ?",
                rs -> new Current(rs.getInt(2), rs.getBoolean(1), clock.instant()), app.value())
                .orElseThrow(() -> ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + app));
        current.put(app.value(), c);
        if (c.destroyed()) {
            forget(app);
            current.put(app.value(), c);
        }
        return c;
    }

    private SecretKeySpec dek(Tx tx, AppId app, int version) {
        String k = app.value() + "/" + version;
        SecretKeySpec key = deks.get(k);
        if (key != null) {
            return key;
        }
        byte[] wrapped = tx.one("select wrapped from app_data_key where app_id = ? and version = ?", rs -> rs.getBytes(1), app.value(), version)
                .orElseThrow(() -> reload(tx, app).destroyed() ? erased(app)
                        : new ChatException(ErrorCode.INTERNAL, "data key version " + version + " of app " + app + " is missing", null, null));
        byte[] raw = kek.unwrap(wrapped, dekContext(app, version));
        key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        deks.put(k, key);
        return key;
    }

    private static ChatException erased(AppId app) {
        return new ChatException(ErrorCode.CONTENT_ERASED, "the content of app " + app + " was erased: its encryption keys were destroyed", null, null);
    }

    private static byte[] dekContext(AppId app, int version) {
        return ("chatsdk:dek:" + app.value() + ":" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] aad(AppId app, String purpose, String rowId, int version) {
        return ("chatsdk:" + purpose + ":" + app.value() + ":" + rowId + ":" + version).getBytes(StandardCharsets.UTF_8);
    }
}
