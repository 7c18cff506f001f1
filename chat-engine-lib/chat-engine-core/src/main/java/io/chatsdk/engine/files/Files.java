package io.chatsdk.engine.files;

import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.FileRows;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.HoldSql;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.spi.BlobStore;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import com.google.crypto.tink.StreamingAead;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Files, images and voice notes uploaded to a channel (GetStream's {@code POST /channels/{type}/{id}/file} and
 * {@code /image}). An upload is checked (the {@code upload-attachment} permission, the channel type's {@code uploads}
 * switch, the app's upload settings and byte quota, the engine's size limit), its type sniffed from its bytes, images
 * stripped of their metadata, and then sealed with the app's data key as it streams into the {@link BlobStore}:
 * nothing readable reaches the disk or the bucket. Downloads need read access to the channel, or a signed link.
 *
 * <p>A file lives as long as the message that attaches it: deleting, erasing or purging the message deletes it, a
 * legal hold keeps it, crypto-shredding the app makes it unreadable. An upload no message attaches within
 * {@link #UNATTACHED_GRACE} is deleted. Thread-safe; obtain it with {@code AppHandle.files()}.
 */
public final class Files {
    /** An upload still being written this long after it started was cut off by a crash; the sweeper removes it. */
    public static final Duration PENDING_GRACE = Duration.ofHours(6);
    /** Images are decoded (to strip and resize them) at most this many at a time per node; each can take a few hundred MB. */
    private static final java.util.concurrent.Semaphore DECODING = new java.util.concurrent.Semaphore(2);
    /** How long links are signed for (rounded up to the hour). */
    public static final Duration LINK_TTL = FileRows.LINK_TTL;
    /** An upload that no message attaches within this time is deleted. */
    public static final Duration UNATTACHED_GRACE = Duration.ofHours(24);
    /** The app setting that caps its stored bytes (the operator's), absent for no cap. */
    public static final String QUOTA_KEY = "upload_quota_bytes";
    /** The largest image upload: images are decoded in memory to be stripped and resized. */
    public static final long MAX_IMAGE_BYTES = 25L * 1024 * 1024;
    /** Images larger than this many pixels are refused before they are decoded (decompression bombs). */
    public static final long MAX_IMAGE_PIXELS = 40_000_000L;
    private static final int SNIFF_BYTES = 64 * 1024;
    /** An image's thumbnail is stored beside it under its key and this suffix. */
    private static final String THUMB_SUFFIX = "-thumb";

    /** What an upload is: GetStream's two endpoints. */
    public enum Kind {
        FILE, IMAGE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The app setting holding this kind's {@link UploadPolicy}. */
        public String settingKey() {
            return wire() + "_upload_config";
        }
    }

    /** An open download: the file, and its plaintext as a seekable channel the caller closes. */
    public record Download(StoredFile file, SeekableByteChannel content) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    /** A signed link's query: the data-key version {@code v}, {@code exp} (epoch seconds) and {@code sig}. */
    public record Link(int version, long exp, String sig) {
        /** {@code v=..&exp=..&sig=..}. */
        public String query() {
            return "v=" + version + "&exp=" + exp + "&sig=" + sig;
        }
    }

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final BlobStore store;
    private final long maxUploadBytes;

    public Files(EngineContext ctx, AppId app, Actor actor, BlobStore store, long maxUploadBytes) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.store = store;
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * Stores {@code content} as a file of the channel. Reads the stream to its end (or to the size limit) and closes
     * nothing. Nothing stays stored when it fails.
     *
     * @param fileName     the client's name for it (its extension is checked against the bytes); null for {@code file}
     * @param declaredType the client's content type, or null; refused when it contradicts the bytes
     * @param userId       for server-side calls, the user to record as the uploader (may be null); ignored for users
     */
    public StoredFile upload(Cid cid, Kind kind, String fileName, String declaredType, InputStream content, String userId) {
        String name = name(fileName);
        String uploader = ChannelGate.actingUser(actor, userId);
        if (uploader != null) {
            Validate.userId("user_id", uploader);
        }
        UploadPolicy policy = policy(kind);
        long limit = policy.sizeLimit() == 0 ? maxUploadBytes : Math.min(policy.sizeLimit(), maxUploadBytes);
        if (kind == Kind.IMAGE) {
            limit = Math.min(limit, MAX_IMAGE_BYTES);   // an image is held whole while it is decoded
        }
        UUID id = ctx.ids().next();
        String key = "apps/" + app.value() + "/" + id.toString().substring(0, 2) + "/" + id;
        int version = ctx.db().inTransaction(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, uploader, ctx.now());
            ChannelGate.requireActiveAuthor(l, uploader);
            if (!l.channel().config().uploads()) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "uploads are disabled in channel " + cid);
            }
            l.require(Permission.UPLOAD_ATTACHMENT);
            ChannelGate.requireNotFrozen(l);
            requireQuota(tx, 0);
            int current = tx.keys().currentVersion(tx, app);
            tx.update("insert into file_object (id, app_id, channel_pk, kind, uploaded_by, content_type, key_version, storage_key, created_at) "
                    + "values (?, ?, ?, ?, ?, 'application/octet-stream', ?, ?, ?)", id, app.value(), l.pk(), kind.wire(), uploader, current, key, ctx.now());
            return current;
        });
        boolean stored = false;
        try {
            Limited in = new Limited(content, limit, kind);
            byte[] head = in.readNBytes(SNIFF_BYTES);
            String type = Sniffing.check(head, name, declaredType, kind, policy);
            InputStream body = new SequenceInputStream(new ByteArrayInputStream(head), in);
            byte[] thumb = null;
            if (kind == Kind.IMAGE) {
                byte[] raw = body.readAllBytes();
                byte[] image = decoding(() -> Images.stripped(raw, type, MAX_IMAGE_PIXELS));
                thumb = decoding(() -> Images.thumbnail(image, type));
                body = new ByteArrayInputStream(image);
            }
            StreamingAead aead = ctx.db().read(tx -> tx.keys().files(tx, app, version));
            MessageDigest sha = sha256();
            Audio audio = Audio.measurable(type) ? new Audio(type) : null;
            long size;
            try (BlobStore.Upload up = store.create(key)) {
                try (OutputStream enc = aead.newEncryptingStream(new StoreStream(up.stream()), ContentKeys.fileAad(app, id, version))) {
                    size = copy(body, enc, sha, audio);
                }
                up.commit();
                stored = true;
                if (thumb != null) {
                    try (BlobStore.Upload t = store.create(key + THUMB_SUFFIX)) {
                        try (OutputStream enc = aead.newEncryptingStream(t.stream(), ContentKeys.thumbAad(app, id, version))) {
                            enc.write(thumb);
                        }
                        t.commit();
                    }
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the file could not be sealed", e);
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("name", name);
            meta.put("sha256", hash);
            Audio.Measure measured = audio == null ? new Audio.Measure(null, null) : audio.measure();
            if (measured.duration() != null) {
                meta.put("duration", measured.duration());
            }
            if (measured.waveform() != null) {
                meta.put("waveform", measured.waveform());
            }
            StoredFile file = ctx.db().inTransaction(tx -> {
                requireQuota(tx, size);
                ContentKeys.Sealed sealed = tx.keys().seal(tx, app, "file.meta", id.toString(), Json.write(meta).getBytes(StandardCharsets.UTF_8));
                if (sealed.version() != version) {
                    // the key rotated while the bytes streamed: the meta is sealed under the new version, the content
                    // under the old one, which stays until nothing uses it
                    throw new ChatException(ErrorCode.UNAVAILABLE, "the app's data key rotated during the upload; retry it");
                }
                if (tx.update("update file_object set state = 'ready', content_type = ?, size_bytes = ?, meta = ? where id = ? and state = 'pending'",
                        type, size, sealed.bytes(), id) != 1) {
                    throw new ChatException(ErrorCode.UNAVAILABLE, "the upload took longer than " + PENDING_GRACE.toHours() + " hours and was cleared; retry it");
                }
                return new StoredFile(id, cid, kind, name, type, size, hash, uploader, null, ctx.now(), measured.duration(), measured.waveform());
            });
            return file;
        } catch (IOException e) {
            discard(id, key, stored);
            throw new UncheckedIOException(e);   // the request's body failed: cut short or malformed
        } catch (RuntimeException | Error e) {
            discard(id, key, stored);
            throw e;
        }
    }

    /** Runs image work with one of the node's decoding permits; 503 {@code unavailable} when none frees up in 10 s. */
    private static <T> T decoding(java.util.function.Supplier<T> work) {
        try {
            if (!DECODING.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new ChatException(ErrorCode.UNAVAILABLE, "the server is busy with other images; retry in a moment");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.UNAVAILABLE, "interrupted while waiting to process the image");
        }
        try {
            return work.get();
        } finally {
            DECODING.release();
        }
    }

    /** The store's stream: its failures are the server's (500), not the client's malformed body. */
    private static final class StoreStream extends java.io.FilterOutputStream {
        StoreStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new ChatException(ErrorCode.INTERNAL, "the file store failed: " + e.getMessage(), null, e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new ChatException(ErrorCode.INTERNAL, "the file store failed: " + e.getMessage(), null, e);
            }
        }
    }

    /**
     * Records {@code userId} as the uploader of a file the server uploaded without naming one (GetStream's server SDKs
     * send the {@code user} part after the file). Server side only.
     */
    public void assignUploader(UUID fileId, String userId) {
        requireServer();
        Validate.userId("user.id", userId);
        ctx.db().inTransaction(tx -> tx.update("update file_object set uploaded_by = ? where app_id = ? and id = ? and uploaded_by is null",
                userId, app.value(), fileId));
    }

    /** Opens a file for download. Users need read access to its channel; deleted files and other apps' are not found. */
    public Download open(UUID fileId) {
        return content(get(fileId));
    }

    /**
     * Opens a file through a signed link: no caller, the signature stands for one. Fails with
     * {@code file_link_invalid} when the signature does not verify or the link expired.
     */
    public Download openSigned(UUID fileId, int version, long exp, String sig) {
        if (!ctx.db().read(tx -> FileRows.verifies(tx, app, fileId, version, exp, sig))) {
            throw new ChatException(ErrorCode.FILE_LINK_INVALID, "the link's signature does not verify");
        }
        if (ctx.clock().instant().getEpochSecond() > exp) {
            throw new ChatException(ErrorCode.FILE_LINK_EXPIRED, "the link expired at " + Instant.ofEpochSecond(exp)
                    + "; read the message again for a fresh one");
        }
        return content(ctx.db().read(tx -> find(tx, fileId).orElseThrow(() -> notFound(fileId))));
    }

    /**
     * The image of an open download resized to {@code w} x {@code h} (0 keeps the proportion; at most 4096 each) and
     * cropped as {@code crop} asks ({@code center}, {@code top}, {@code bottom}, {@code left}, {@code right}; none fits
     * it inside). Sizes up to 512 are made from the stored thumbnail. Closes {@code original}.
     */
    public Download resized(Download original, int w, int h, String crop) throws IOException {
        try (original) {
            StoredFile f = original.file();
            if (f.kind() != Kind.IMAGE) {
                throw ChatException.invalid("w", "only images are resized");
            }
            if (w < 0 || h < 0 || w > Images.MAX_SIDE || h > Images.MAX_SIDE || (w == 0 && h == 0)) {
                throw ChatException.invalid("w", "w and h must be between 1 and " + Images.MAX_SIDE + " (one of them may be left out)");
            }
            Images.Crop c = Images.Crop.of(crop);
            // the thumbnail serves a fit inside a box of at most 512 x 512 exactly as the original would; other sizes (one
            // side only, or a crop that must cover the box) may need more pixels than it has
            boolean small = c == Images.Crop.FIT && w > 0 && h > 0 && w <= Images.THUMB && h <= Images.THUMB;
            byte[] source;
            if (small) {
                Blob blob = blob(f.id());
                try (SeekableByteChannel raw = store.open(blob.key() + THUMB_SUFFIX).orElseThrow(() -> notFound(f.id()));
                     InputStream in = blob.aead().newDecryptingStream(java.nio.channels.Channels.newInputStream(raw),
                             ContentKeys.thumbAad(app, f.id(), blob.version()))) {
                    source = in.readAllBytes();
                } catch (GeneralSecurityException e) {
                    throw new ChatException(ErrorCode.INTERNAL, "the thumbnail of file " + f.id() + " failed authentication", null, null);
                }
            } else {
                source = java.nio.channels.Channels.newInputStream(original.content()).readAllBytes();
            }
            byte[] src = source;
            byte[] out = decoding(() -> Images.resized(f.id() + (small ? "/thumb" : ""), src, f.contentType(), w, h, c));
            String type = f.contentType().equals("image/jpeg") ? "image/jpeg" : "image/png";
            StoredFile sized = new StoredFile(f.id(), f.cid(), f.kind(), f.name(), type, out.length, f.sha256(), f.uploadedBy(), f.messageId(),
                    f.createdAt(), null, null);
            return new Download(sized, new Bytes(out));
        }
    }

    /** A link to the file that works without credentials until the hour after {@code ttl} from now (HMAC over app, file
     * and expiry, keyed from the app's data key: shredding the app ends its links). Reads of a message sign its links
     * afresh. */
    public Link link(UUID fileId, Duration ttl) {
        if (ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw ChatException.invalid("ttl", "a link lasts at most 7 days");
        }
        get(fileId);   // exists, and a user may read it
        FileRows.Signature s = ctx.db().read(tx -> FileRows.sign(tx, app, fileId, ctx.clock().instant(), ttl));
        return new Link(s.version(), s.exp(), s.sig());
    }

    /** The file's description, for its uploader, the server or a reader of its channel. */
    public StoredFile get(UUID fileId) {
        return ctx.db().read(tx -> {
            StoredFile file = find(tx, fileId).orElseThrow(() -> notFound(fileId));
            if (actor instanceof Actor.User u) {
                ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, file.cid(), u.userId(), ctx.now());
                l.require(Permission.READ_CHANNEL);
            }
            return file;
        });
    }

    /**
     * Deletes a file of the channel (GetStream's {@code DELETE .../file?url=}): its uploader or the server may. A file a
     * legal hold keeps is refused with {@code legal_hold}.
     */
    public void delete(Cid cid, UUID fileId) {
        String key = ctx.db().inTransaction(tx -> {
            StoredFile f = find(tx, fileId).filter(x -> x.cid().equals(cid)).orElseThrow(() -> notFound(fileId));
            if (actor instanceof Actor.User u && !u.userId().equals(f.uploadedBy())) {
                ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, u.userId(), ctx.now());
                l.require(Permission.DELETE_ANY_MESSAGE);
            }
            HoldSql.lockForDelete(tx, app);
            if (tx.one("select 1 from file_object f join channel fc on fc.pk = f.channel_pk where f.id = ? and " + HoldSql.FILE_HELD,
                    rs -> true, fileId).isPresent()) {
                throw new ChatException(ErrorCode.LEGAL_HOLD, "a legal hold keeps file " + fileId);
            }
            tx.update("update file_object set state = 'deleted' where id = ?", fileId);
            return tx.one("select storage_key from file_object where id = ?", rs -> rs.getString(1), fileId).orElseThrow();
        });
        try {
            store.delete(key);
            store.delete(key + THUMB_SUFFIX);
            ctx.db().inTransaction(tx -> tx.update("delete from file_object where id = ? and state = 'deleted'", fileId));
        } catch (IOException | RuntimeException e) {
            // the sweeper removes it later
        }
    }

    /** The app's upload settings for {@code kind} (server side). */
    public UploadPolicy policy(Kind kind) {
        Object m = ctx.db().read(tx -> AppSettings.read(tx, app)).get(kind.settingKey());
        @SuppressWarnings("unchecked")
        Map<String, ?> map = m instanceof Map<?, ?> ? (Map<String, ?>) m : null;
        return UploadPolicy.fromMap(kind.settingKey(), map);
    }

    /** Sets the app's upload settings for {@code kind}. Server side only. */
    public UploadPolicy setPolicy(Kind kind, UploadPolicy policy) {
        requireServer();
        ctx.db().inTransaction(tx -> {
            AppSettings.put(tx, app, kind.settingKey(), policy.toMap());
            return null;
        });
        return policy;
    }

    /** Bytes and files stored for the app, and its quota (null: none). */
    public record Usage(long bytes, long files, Long quotaBytes) {
    }

    public Usage usage() {
        requireServer();
        return ctx.db().read(tx -> tx.one("select coalesce(sum(size_bytes), 0), count(*) from file_object where app_id = ? and state <> 'deleted'",
                rs -> new Usage(rs.getLong(1), rs.getLong(2), quota(tx)), app.value()).orElseThrow());
    }

    /** Sets (or, with null, removes) the app's byte quota. Server side only: the operator's setting. */
    public Usage setQuota(Long bytes) {
        requireServer();
        if (bytes != null && bytes < 0) {
            throw ChatException.invalid("quota_bytes", "must be a number of bytes, or null for none");
        }
        ctx.db().inTransaction(tx -> {
            AppSettings.update(tx, app, all -> {
                if (bytes == null) {
                    all.remove(QUOTA_KEY);
                } else {
                    all.put(QUOTA_KEY, bytes);
                }
            });
            return null;
        });
        return usage();
    }

    /**
     * Removes what should no longer be stored: uploads a crash cut off, uploads no message attached in time, and files
     * whose message was deleted, erased or purged, unless a legal hold keeps them. Returns how many blobs went.
     */
    public int sweep() {
        Instant now = ctx.now();
        List<String[]> gone = ctx.db().inTransaction(tx -> {
            HoldSql.lockForDelete(tx, app);
            tx.update("update file_object f set state = 'deleted' from channel fc where fc.pk = f.channel_pk and f.app_id = ? "
                    + "and f.state = 'ready' and f.message_id is null and f.created_at < ? and not " + HoldSql.FILE_HELD, app.value(),
                    now.minus(UNATTACHED_GRACE));
            return tx.query("select f.id, f.storage_key from file_object f left join channel fc on fc.pk = f.channel_pk where f.app_id = ? and "
                            + "((f.state = 'pending' and f.created_at < ?) or (f.state = 'deleted' and (fc.pk is null or not " + HoldSql.FILE_HELD + "))) "
                            + "limit 1000",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, app.value(), now.minus(PENDING_GRACE));
        });
        int n = 0;
        for (String[] g : gone) {
            try {
                store.delete(g[1]);
                store.delete(g[1] + THUMB_SUFFIX);
                ctx.db().inTransaction(tx -> tx.update("delete from file_object where id = ?", UUID.fromString(g[0])));
                n++;
            } catch (IOException | RuntimeException e) {
                System.getLogger(Files.class.getName()).log(System.Logger.Level.WARNING, "file " + g[0] + " could not be removed yet: " + e);
            }
        }
        return n;
    }

    private Download content(StoredFile f) {
        Blob blob = blob(f.id());
        try {
            SeekableByteChannel raw = store.open(blob.key()).orElseThrow(() -> new ChatException(ErrorCode.INTERNAL,
                    "the blob of file " + f.id() + " is missing", null, null));
            try {
                return new Download(f, blob.aead().newSeekableDecryptingChannel(raw, ContentKeys.fileAad(app, f.id(), blob.version())));
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        } catch (GeneralSecurityException e) {
            throw new ChatException(ErrorCode.INTERNAL, "file " + f.id() + " failed authentication (tampered or moved)", null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a file's bytes are and the key that opens them. */
    private record Blob(int version, String key, StreamingAead aead) {
    }

    private Blob blob(UUID id) {
        return ctx.db().read(tx -> tx.one("select key_version, storage_key from file_object where id = ?",
                rs -> new Blob(rs.getInt(1), rs.getString(2), tx.keys().files(tx, app, rs.getInt(1))), id).orElseThrow(() -> notFound(id)));
    }

    /** A file row with its channel's type and id, for {@link #file}. */
    private static final String FILE_SELECT = "select f.*, c.type, c.id as channel_id from file_object f join channel c on c.pk = f.channel_pk ";

    private Optional<StoredFile> find(Tx tx, UUID id) {
        return tx.one(FILE_SELECT + "where f.app_id = ? and f.id = ? and f.state = 'ready'", rs -> file(tx, app, rs), app.value(), id);
    }

    /**
     * The app's stored files for a compliance officer (server side): those of {@code userIds}' uploads or in
     * {@code channelCids} (empty: all), uploaded in [{@code from}, {@code to}), with their SHA-256; files whose message
     * was deleted but a legal hold keeps are included. At most 10,000, oldest first.
     */
    public List<StoredFile> manifest(List<String> userIds, List<String> channelCids, Instant from, Instant to) {
        requireServer();
        return manifest(ctx, app, userIds, channelCids, from, to);
    }

    /** {@link #manifest(List, List, Instant, Instant)} for the engine's own callers (a data subject's export). */
    public static List<StoredFile> manifest(EngineContext ctx, AppId app, List<String> userIds, List<String> channelCids, Instant from, Instant to) {
        return ctx.db().read(tx -> tx.query(FILE_SELECT + "where f.app_id = ? and f.state <> 'pending' and (cardinality(?::text[]) = 0 or f.uploaded_by = any(?)) "
                        + "and (cardinality(?::text[]) = 0 or (c.type || ':' || c.id) = any(?)) and f.created_at >= coalesce(?::timestamptz, '-infinity'::timestamptz) "
                        + "and f.created_at < coalesce(?::timestamptz, 'infinity'::timestamptz) order by f.created_at, f.id limit 10000",
                rs -> file(tx, app, rs), app.value(), userIds, userIds, channelCids, channelCids, from, to));
    }

    /** Opens a file for a compliance officer (server side), including one a legal hold keeps after its message went. */
    public Download openForCompliance(UUID fileId) {
        requireServer();
        return content(ctx.db().read(tx -> tx.one(FILE_SELECT + "where f.app_id = ? and f.id = ? and f.state <> 'pending'", rs -> file(tx, app, rs), app.value(), fileId)
                .orElseThrow(() -> notFound(fileId))));
    }

    private static StoredFile file(Tx tx, AppId app, java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID id = rs.getObject("id", UUID.class);
        int version = rs.getInt("key_version");
        Map<String, Object> meta = Json.readMap(new String(tx.keys().open(tx, app, "file.meta", id.toString(), version, rs.getBytes("meta")),
                StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<Double> waveform = meta.get("waveform") instanceof List<?> l ? ((List<Number>) l).stream().map(Number::doubleValue).toList() : null;
        return new StoredFile(id, new Cid(rs.getString("type"), rs.getString("channel_id")), Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
                (String) meta.get("name"), rs.getString("content_type"), rs.getLong("size_bytes"), (String) meta.get("sha256"),
                rs.getString("uploaded_by"), rs.getString("message_id"), Tx.instant(rs, "created_at"),
                meta.get("duration") instanceof Number d ? d.doubleValue() : null, waveform);
    }

    private void requireQuota(Tx tx, long adding) {
        Long quota = quota(tx);
        if (quota == null) {
            return;
        }
        tx.one("select 1 from app where id = ? for update", rs -> true, app.value());
        long used = tx.one("select coalesce(sum(size_bytes), 0) from file_object where app_id = ? and state <> 'deleted'", rs -> rs.getLong(1), app.value())
                .orElse(0L);
        if (used + adding > quota || (adding == 0 && used >= quota)) {
            throw new ChatException(ErrorCode.UPLOAD_QUOTA_EXCEEDED, "the app's files would exceed its quota of " + quota + " bytes");
        }
    }

    private Long quota(Tx tx) {
        Object q = AppSettings.read(tx, app).get(QUOTA_KEY);
        return q instanceof Number n ? n.longValue() : null;
    }

    private void discard(UUID id, String key, boolean stored) {
        try {
            if (stored) {
                store.delete(key);
                store.delete(key + THUMB_SUFFIX);
            }
            ctx.db().inTransaction(tx -> tx.update("delete from file_object where id = ? and state = 'pending'", id));
        } catch (IOException | RuntimeException e) {
            // the sweeper removes the pending row and its blob after PENDING_GRACE
            System.getLogger(Files.class.getName()).log(System.Logger.Level.WARNING, "upload " + id + " left for the sweeper: " + e);
        }
    }

    private void requireServer() {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden("upload settings and quotas: server side only");
        }
    }

    private static ChatException notFound(UUID id) {
        return ChatException.notFound(ErrorCode.FILE_NOT_FOUND, "file " + id);
    }

    /**
     * A file name as stored: at most 255 characters, no path separators, control or bidirectional-override characters,
     * no {@code .} or {@code ..}; {@code file} when none was given.
     */
    static String name(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return "file";
        }
        Validate.text("file.name", fileName, 255);
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '/' || c == '\\' || Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT) {
                throw ChatException.invalid("file.name", "may not contain path separators, control or formatting characters (U+"
                        + String.format("%04X", (int) c) + " at index " + i + ")");
            }
        }
        String n = fileName.strip();
        if (n.equals(".") || n.equals("..")) {
            throw ChatException.invalid("file.name", "is not a file name");
        }
        if (n.endsWith(".")) {
            throw ChatException.invalid("file.name", "may not end in a dot (Windows drops it, and with it what the extension says)");
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest sha, Audio audio) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            if (audio != null) {
                audio.write(buf, 0, n);
            }
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /**
     * Whether a download of this type may be shown in the browser (images, audio, video, PDF, plain text) rather than
     * saved: never a type a browser runs or renders as a document (HTML, SVG, XML, scripts).
     */
    public static boolean shownInline(String contentType) {
        return !Sniffing.ACTIVE.contains(contentType) && (contentType.startsWith("image/") || contentType.startsWith("audio/")
                || contentType.startsWith("video/") || contentType.equals("application/pdf") || contentType.equals("text/plain"));
    }

    /** A read-only channel over bytes in memory (a resized image). */
    private static final class Bytes implements SeekableByteChannel {
        private final byte[] bytes;
        private int position;
        private boolean open = true;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(java.nio.ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, position, n);
            position += n;
            return n;
        }

        @Override
        public int write(java.nio.ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long p) {
            position = (int) Math.min(p, bytes.length);
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Counts what it reads and fails with {@code file_too_large} past the limit. */
    private static final class Limited extends java.io.FilterInputStream {
        private final long limit;
        private final Kind kind;
        private long read;

        Limited(InputStream in, long limit, Kind kind) {
            super(in);
            this.limit = limit;
            this.kind = kind;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new ChatException(ErrorCode.FILE_TOO_LARGE, "the " + kind.wire() + " is larger than " + limit + " bytes", "file", null);
            }
        }
    }
}
