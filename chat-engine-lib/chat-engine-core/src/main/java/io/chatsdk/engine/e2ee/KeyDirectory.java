package io.chatsdk.engine.e2ee;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.users.Users;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The prekey directory of end-to-end encrypted (Signal protocol) 1:1 chats: each user device publishes its identity
 * key, a signed prekey, one-time EC prekeys, one-time Kyber prekeys and a Kyber last-resort prekey; another user
 * claims a bundle per device to start a session (PQXDH). The server checks every signature with the identity key
 * (XEdDSA), hands out each one-time key once (row locks with {@code skip locked}, so concurrent claims never share
 * one), falls back to the last-resort Kyber key when the one-time ones run out, and tells the user's contacts when a
 * device's identity changes or a device goes ({@code user.keys_changed}). It only ever holds public keys.
 *
 * <p>Key formats are libsignal's serialized public keys: 33 bytes {@code 0x05 || u} for Curve25519, 1569 bytes
 * {@code 0x08 || key} for Kyber-1024; a signature is 64 bytes over the serialized public key. Thread-safe.
 */
public final class KeyDirectory {
    /** Devices per user (libsignal's device ids are 1-127). */
    public static final int MAX_DEVICES = 16;
    /** One-time keys of each kind one upload may carry, and one device may hold. */
    public static final int MAX_UPLOAD = 100;
    public static final int MAX_STORED = 1000;
    static final int EC_KEY = 33;
    static final int KYBER_KEY = 1569;
    static final int SIGNATURE = 64;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public KeyDirectory(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** A signed public key: a signed prekey or a Kyber prekey. */
    public record SignedKey(int keyId, byte[] publicKey, byte[] signature) {
    }

    /** A one-time EC prekey (not signed). */
    public record OneTimeKey(int keyId, byte[] publicKey) {
    }

    /**
     * What a device publishes. On the first upload all of it but the one-time keys is required; later uploads may
     * leave out what does not change ({@link #replenish}).
     */
    public record DeviceKeys(int registrationId, byte[] identityKey, SignedKey signedPreKey, SignedKey pqLastResortPreKey,
                             List<OneTimeKey> preKeys, List<SignedKey> pqPreKeys) {
        public DeviceKeys {
            preKeys = preKeys == null ? List.of() : List.copyOf(preKeys);
            pqPreKeys = pqPreKeys == null ? List.of() : List.copyOf(pqPreKeys);
        }
    }

    /** A device as others see it. */
    public record Device(int deviceId, int registrationId, byte[] identityKey, Instant updatedAt) {
    }

    /** How many one-time keys a device has left, so that it knows when to upload more. */
    public record Counts(int preKeys, int pqPreKeys) {
    }

    /** What a claim hands out for one device: {@code preKey} may be null (none left); {@code pqLastResort} says which Kyber key it is. */
    public record Bundle(int deviceId, int registrationId, byte[] identityKey, SignedKey signedPreKey, OneTimeKey preKey,
                         SignedKey pqPreKey, boolean pqLastResort) {
    }

    /** What {@link #register} did: {@code added} a device, {@code replaced} its identity, or {@code updated} its keys. */
    public record Registered(Device device, String change, Counts counts) {
    }

    /**
     * Publishes (or replaces) one of the user's devices with all of its keys. A new identity key for an existing
     * device drops the one-time keys made for the old one and tells the user's contacts.
     */
    public Registered register(String serverSideUserId, int deviceId, DeviceKeys keys) {
        String user = user(serverSideUserId);
        deviceId(deviceId);
        if (keys == null) {
            throw ChatException.invalid("keys", "are required");
        }
        if (keys.registrationId() < 1 || keys.registrationId() > 16380) {
            throw ChatException.invalid("registration_id", "must be 1-16380");
        }
        byte[] identity = ecKey("identity_key", keys.identityKey());
        require("signed_prekey", keys.signedPreKey());
        require("pq_last_resort_prekey", keys.pqLastResortPreKey());
        checkSigned("signed_prekey", keys.signedPreKey(), identity, EC_KEY, (byte) 0x05);
        checkSigned("pq_last_resort_prekey", keys.pqLastResortPreKey(), identity, KYBER_KEY, (byte) 0x08);
        checkOneTime(keys.preKeys(), keys.pqPreKeys(), identity);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(user));
            // the user's row serialises this user's device changes (the device count, identity replacement)
            tx.one("select 1 from app_user where app_id = ? and id = ? for update", rs -> 1, app.value(), user);
            Optional<byte[]> before = tx.one("select identity_key from e2ee_device where app_id = ? and user_id = ? and device_id = ?",
                    rs -> rs.getBytes(1), app.value(), user, deviceId);
            String change;
            if (before.isEmpty()) {
                long devices = tx.one("select count(*) from e2ee_device where app_id = ? and user_id = ?", rs -> rs.getLong(1), app.value(), user).orElse(0L);
                if (devices >= MAX_DEVICES) {
                    throw ChatException.invalid("device_id", "a user has at most " + MAX_DEVICES + " devices; remove one first");
                }
                change = "added";
            } else if (!Arrays.equals(before.get(), identity)) {
                tx.update("delete from e2ee_one_time_key where app_id = ? and user_id = ? and device_id = ?", app.value(), user, deviceId);
                change = "replaced";
            } else {
                change = "updated";
            }
            tx.update("insert into e2ee_device (app_id, user_id, device_id, registration_id, identity_key, signed_prekey_id, signed_prekey, "
                            + "signed_prekey_signature, pq_last_resort_id, pq_last_resort, pq_last_resort_signature, created_at, updated_at) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (app_id, user_id, device_id) do update set "
                            + "registration_id = excluded.registration_id, identity_key = excluded.identity_key, signed_prekey_id = excluded.signed_prekey_id, "
                            + "signed_prekey = excluded.signed_prekey, signed_prekey_signature = excluded.signed_prekey_signature, "
                            + "pq_last_resort_id = excluded.pq_last_resort_id, pq_last_resort = excluded.pq_last_resort, "
                            + "pq_last_resort_signature = excluded.pq_last_resort_signature, updated_at = excluded.updated_at",
                    app.value(), user, deviceId, keys.registrationId(), identity, keys.signedPreKey().keyId(), keys.signedPreKey().publicKey(),
                    keys.signedPreKey().signature(), keys.pqLastResortPreKey().keyId(), keys.pqLastResortPreKey().publicKey(),
                    keys.pqLastResortPreKey().signature(), now, now);
            insertOneTime(tx, user, deviceId, keys.preKeys(), keys.pqPreKeys());
            if (!change.equals("updated")) {
                Outbox.write(tx, app, null, now, new Event.KeysChangedEvent(user, deviceId, change));
            }
            return new Registered(new Device(deviceId, keys.registrationId(), identity, now), change, counts(tx, user, deviceId));
        });
    }

    /**
     * Adds one-time keys to one of the user's devices, and rotates its signed prekey or last-resort Kyber key when
     * given (either may be null). Signatures are checked against the device's published identity key.
     */
    public Counts replenish(String serverSideUserId, int deviceId, List<OneTimeKey> preKeys, List<SignedKey> pqPreKeys,
                            SignedKey signedPreKey, SignedKey pqLastResortPreKey) {
        String user = user(serverSideUserId);
        deviceId(deviceId);
        List<OneTimeKey> ec = preKeys == null ? List.of() : List.copyOf(preKeys);
        List<SignedKey> pq = pqPreKeys == null ? List.of() : List.copyOf(pqPreKeys);
        byte[] identity = ctx.db().read(tx -> identity(tx, user, deviceId));
        if (signedPreKey != null) {
            checkSigned("signed_prekey", signedPreKey, identity, EC_KEY, (byte) 0x05);
        }
        if (pqLastResortPreKey != null) {
            checkSigned("pq_last_resort_prekey", pqLastResortPreKey, identity, KYBER_KEY, (byte) 0x08);
        }
        checkOneTime(ec, pq, identity);
        return ctx.db().inTransaction(tx -> {
            // the device row: locked, and still the identity the signatures were checked with
            byte[] now = tx.one("select identity_key from e2ee_device where app_id = ? and user_id = ? and device_id = ? for update",
                    rs -> rs.getBytes(1), app.value(), user, deviceId).orElseThrow(() -> noDevice(user, deviceId));
            if (!Arrays.equals(now, identity)) {
                throw new ChatException(ErrorCode.CONFLICT, "the device's identity key changed meanwhile; upload keys signed with the new one", "identity_key", null);
            }
            if (signedPreKey != null) {
                tx.update("update e2ee_device set signed_prekey_id = ?, signed_prekey = ?, signed_prekey_signature = ?, updated_at = ? "
                        + "where app_id = ? and user_id = ? and device_id = ?", signedPreKey.keyId(), signedPreKey.publicKey(), signedPreKey.signature(),
                        ctx.now(), app.value(), user, deviceId);
            }
            if (pqLastResortPreKey != null) {
                tx.update("update e2ee_device set pq_last_resort_id = ?, pq_last_resort = ?, pq_last_resort_signature = ?, updated_at = ? "
                        + "where app_id = ? and user_id = ? and device_id = ?", pqLastResortPreKey.keyId(), pqLastResortPreKey.publicKey(),
                        pqLastResortPreKey.signature(), ctx.now(), app.value(), user, deviceId);
            }
            insertOneTime(tx, user, deviceId, ec, pq);
            return counts(tx, user, deviceId);
        });
    }

    /** How many one-time keys one of the user's devices has left. */
    public Counts counts(String serverSideUserId, int deviceId) {
        String user = user(serverSideUserId);
        deviceId(deviceId);
        return ctx.db().read(tx -> {
            identity(tx, user, deviceId);
            return counts(tx, user, deviceId);
        });
    }

    /** A user's devices with their identity keys (to verify safety numbers, or to see a change), by device id. */
    public List<Device> devices(String userId) {
        String user = Validate.userId("user_id", userId);
        return ctx.db().read(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(user));
            return tx.query("select device_id, registration_id, identity_key, updated_at from e2ee_device where app_id = ? and user_id = ? order by device_id",
                    rs -> new Device(rs.getInt(1), rs.getInt(2), rs.getBytes(3), Tx.instant(rs, "updated_at")), app.value(), user);
        });
    }

    /**
     * Claims a bundle for each of {@code userId}'s devices (or for {@code deviceId} alone, when not null): each
     * one-time key goes to one claimer only, even under concurrent claims; without one-time Kyber keys left the
     * last-resort key is returned. {@code not_found} when the user has no (such) device.
     */
    public List<Bundle> claim(String userId, Integer deviceId) {
        String user = Validate.userId("user_id", userId);
        if (deviceId != null) {
            deviceId(deviceId);
        }
        return ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(user));
            List<Bundle> bundles = new ArrayList<>();
            List<Object[]> rows = tx.query("select device_id, registration_id, identity_key, signed_prekey_id, signed_prekey, signed_prekey_signature, "
                            + "pq_last_resort_id, pq_last_resort, pq_last_resort_signature from e2ee_device where app_id = ? and user_id = ? "
                            + "and (?::integer is null or device_id = ?) order by device_id",
                    rs -> new Object[] {rs.getInt(1), rs.getInt(2), rs.getBytes(3), new SignedKey(rs.getInt(4), rs.getBytes(5), rs.getBytes(6)),
                            new SignedKey(rs.getInt(7), rs.getBytes(8), rs.getBytes(9))}, app.value(), user, deviceId, deviceId);
            if (rows.isEmpty()) {
                throw ChatException.notFound(ErrorCode.NOT_FOUND, deviceId == null ? "E2EE device of user '" + user + "'" : "E2EE device " + deviceId + " of user '" + user + "'");
            }
            for (Object[] r : rows) {
                int device = (Integer) r[0];
                OneTimeKey ec = take(tx, user, device, "ec").map(k -> new OneTimeKey(k.keyId(), k.publicKey())).orElse(null);
                Optional<SignedKey> pq = take(tx, user, device, "pq");
                bundles.add(new Bundle(device, (Integer) r[1], (byte[]) r[2], (SignedKey) r[3], ec, pq.orElse((SignedKey) r[4]), pq.isEmpty()));
            }
            return bundles;
        });
    }

    /** Removes one of the user's devices and its keys, and tells the user's contacts. */
    public void remove(String serverSideUserId, int deviceId) {
        String user = user(serverSideUserId);
        deviceId(deviceId);
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            if (tx.update("delete from e2ee_device where app_id = ? and user_id = ? and device_id = ?", app.value(), user, deviceId) == 0) {
                throw noDevice(user, deviceId);
            }
            Outbox.write(tx, app, null, now, new Event.KeysChangedEvent(user, deviceId, "removed"));
            return null;
        });
    }

    /** One unclaimed key of a kind, removed as it is handed out; rows another claim holds are skipped, never shared. */
    private Optional<SignedKey> take(Tx tx, String user, int device, String kind) {
        return tx.query("delete from e2ee_one_time_key where (app_id, user_id, device_id, kind, key_id) = ("
                        + "select app_id, user_id, device_id, kind, key_id from e2ee_one_time_key where app_id = ? and user_id = ? and device_id = ? "
                        + "and kind = ? order by key_id limit 1 for update skip locked) returning key_id, public_key, signature",
                rs -> new SignedKey(rs.getInt(1), rs.getBytes(2), rs.getBytes(3)), app.value(), user, device, kind).stream().findFirst();
    }

    private void insertOneTime(Tx tx, String user, int deviceId, List<OneTimeKey> ec, List<SignedKey> pq) {
        for (OneTimeKey k : ec) {
            // a key id uploaded again replaces the key: the device no longer holds the old one's private half
            tx.update("insert into e2ee_one_time_key (app_id, user_id, device_id, kind, key_id, public_key) values (?, ?, ?, 'ec', ?, ?) "
                    + "on conflict (app_id, user_id, device_id, kind, key_id) do update set public_key = excluded.public_key", app.value(), user, deviceId,
                    k.keyId(), k.publicKey());
        }
        for (SignedKey k : pq) {
            tx.update("insert into e2ee_one_time_key (app_id, user_id, device_id, kind, key_id, public_key, signature) values (?, ?, ?, 'pq', ?, ?, ?) "
                    + "on conflict (app_id, user_id, device_id, kind, key_id) do update set public_key = excluded.public_key, signature = excluded.signature",
                    app.value(), user, deviceId, k.keyId(), k.publicKey(), k.signature());
        }
        Counts c = counts(tx, user, deviceId);
        if (c.preKeys() > MAX_STORED || c.pqPreKeys() > MAX_STORED) {
            throw ChatException.invalid("prekeys", "a device holds at most " + MAX_STORED + " one-time keys of each kind");
        }
    }

    private Counts counts(Tx tx, String user, int deviceId) {
        return tx.one("select count(*) filter (where kind = 'ec'), count(*) filter (where kind = 'pq') from e2ee_one_time_key "
                + "where app_id = ? and user_id = ? and device_id = ?", rs -> new Counts(rs.getInt(1), rs.getInt(2)), app.value(), user, deviceId)
                .orElse(new Counts(0, 0));
    }

    private byte[] identity(Tx tx, String user, int deviceId) {
        return tx.one("select identity_key from e2ee_device where app_id = ? and user_id = ? and device_id = ?", rs -> rs.getBytes(1),
                app.value(), user, deviceId).orElseThrow(() -> noDevice(user, deviceId));
    }

    private static ChatException noDevice(String user, int deviceId) {
        return ChatException.notFound(ErrorCode.NOT_FOUND, "E2EE device " + deviceId + " of user '" + user + "'");
    }

    private static void checkOneTime(List<OneTimeKey> ec, List<SignedKey> pq, byte[] identity) {
        if (ec.size() > MAX_UPLOAD || pq.size() > MAX_UPLOAD) {
            throw ChatException.invalid("prekeys", "at most " + MAX_UPLOAD + " one-time keys of each kind per upload");
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < ec.size(); i++) {
            OneTimeKey k = ec.get(i);
            if (k == null) {
                throw ChatException.invalid("prekeys[" + i + "]", "is required");
            }
            keyId("prekeys[" + i + "].key_id", k.keyId());
            if (!ids.add(k.keyId())) {
                throw ChatException.invalid("prekeys[" + i + "].key_id", "is used twice");
            }
            typed("prekeys[" + i + "].public_key", k.publicKey(), EC_KEY, (byte) 0x05);
        }
        ids.clear();
        for (int i = 0; i < pq.size(); i++) {
            checkSigned("pq_prekeys[" + i + "]", pq.get(i), identity, KYBER_KEY, (byte) 0x08);
            if (!ids.add(pq.get(i).keyId())) {
                throw ChatException.invalid("pq_prekeys[" + i + "].key_id", "is used twice");
            }
        }
    }

    private static void require(String field, SignedKey k) {
        if (k == null) {
            throw ChatException.invalid(field, "is required");
        }
    }

    /** A signed key of the given size and type byte, signed by {@code identity} (XEdDSA over the serialized key). */
    private static void checkSigned(String field, SignedKey k, byte[] identity, int size, byte type) {
        require(field, k);
        keyId(field + ".key_id", k.keyId());
        typed(field + ".public_key", k.publicKey(), size, type);
        if (k.signature() == null || k.signature().length != SIGNATURE) {
            throw ChatException.invalid(field + ".signature", "must be " + SIGNATURE + " bytes");
        }
        if (!XEdDSA.verify(Arrays.copyOfRange(identity, 1, EC_KEY), k.publicKey(), k.signature())) {
            throw new ChatException(ErrorCode.INVALID_SIGNATURE, field + ".signature: is not the identity key's signature of this key", field + ".signature", null);
        }
    }

    private static byte[] ecKey(String field, byte[] key) {
        typed(field, key, EC_KEY, (byte) 0x05);
        if (!XEdDSA.canonical(Arrays.copyOfRange(key, 1, EC_KEY))) {
            // one key, one byte form: otherwise a re-upload could look like a new identity and safety numbers differ
            throw ChatException.invalid(field, "is not a canonical Curve25519 key (u must be below 2^255 - 19)");
        }
        return key;
    }

    private static void typed(String field, byte[] key, int size, byte type) {
        if (key == null || key.length != size || key[0] != type) {
            throw ChatException.invalid(field, "must be a serialized " + (type == 0x05 ? "Curve25519" : "Kyber-1024") + " public key ("
                    + size + " bytes, type byte 0x0" + type + ")");
        }
    }

    private static void keyId(String field, int id) {
        if (id < 0 || id > 0xFFFFFF) {
            throw ChatException.invalid(field, "must be 0-16777215");
        }
    }

    private static void deviceId(int deviceId) {
        if (deviceId < 1 || deviceId > 127) {
            throw ChatException.invalid("device_id", "must be 1-127");
        }
    }

    private String user(String serverSideUserId) {
        String u = ChannelGate.actingUser(actor, serverSideUserId);
        if (u == null) {
            throw ChatException.invalid("user_id", "is required with a server token");
        }
        return Validate.userId("user_id", u);
    }
}
