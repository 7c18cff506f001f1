package io.chatsdk.appliance;

import io.chatsdk.connectors.fcm.FcmPushGateway;
import io.chatsdk.connectors.fcm.LocalEndpointTransport;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.types.AppId;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The appliance's push gateways: one {@link FcmPushGateway} per app with a Firebase service-account key, either
 * uploaded through the operator API (the console's push credentials, sealed in the database; it comes first) or a file
 * in the credentials directory ({@code CHATSDK_FCM_CREDENTIALS_DIR}, default {@code data/fcm}) as {@code <app id>.json}.
 * An app without either has no push. An uploaded key is looked at again at most every {@link #RECHECK} too. A file is looked at again at most every {@link #RECHECK}: a new, replaced or removed
 * file takes effect without a restart. A file that is not a service-account key is logged (its path and the
 * problem, never its content) once per version, and the app has no push until it is fixed.
 *
 * <p>{@code CHATSDK_FCM_ENDPOINT} ({@code http://127.0.0.1:port}) sends every FCM and token call to a local stand-in
 * instead of Google: for tests only, loopback only.
 */
final class FcmGateways implements Function<AppId, PushGateway>, AutoCloseable {
    static final Duration RECHECK = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(FcmGateways.class.getName());

    private record Entry(FileTime modified, long size, FcmPushGateway gateway, Instant checkedAt, Instant storedAt, boolean failing) {
        Entry(FileTime modified, long size, FcmPushGateway gateway, Instant checkedAt) {
            this(modified, size, gateway, checkedAt, null, false);
        }

        Entry(FileTime modified, long size, FcmPushGateway gateway, Instant checkedAt, Instant storedAt) {
            this(modified, size, gateway, checkedAt, storedAt, false);
        }
    }

    private final Path dir;
    private final com.google.api.client.http.HttpTransport localEndpoint;
    private final Clock clock;
    private final Map<AppId, Entry> entries = new ConcurrentHashMap<>();
    private volatile Function<AppId, io.chatsdk.engine.delivery.PushCredentials> stored;

    /** Reads keys uploaded through the operator API, before files; set once the engine is built. */
    void useStoredCredentials(Function<AppId, io.chatsdk.engine.delivery.PushCredentials> credentials) {
        this.stored = credentials;
    }

    /** Throws {@link IllegalArgumentException} for a local endpoint that is not an {@code http://} loopback address. */
    FcmGateways(Path dir, URI localEndpoint, Clock clock) {
        this.dir = dir;
        this.localEndpoint = localEndpoint == null ? null : LocalEndpointTransport.to(localEndpoint);
        this.clock = clock;
    }

    /** The app's gateway, or null when it has no (valid) service-account file. */
    @Override
    public PushGateway apply(AppId app) {
        Instant now = clock.instant();
        Entry e = entries.get(app);
        if (e != null && e.checkedAt().plus(RECHECK).isAfter(now)) {
            return e.gateway();
        }
        return entries.compute(app, (id, old) -> refresh(id, old, now)).gateway();
    }

    private Entry refresh(AppId app, Entry old, Instant now) {
        Function<AppId, io.chatsdk.engine.delivery.PushCredentials> credentials = stored;
        if (credentials != null) {
            try {
                io.chatsdk.engine.delivery.PushCredentials keys = credentials.apply(app);
                java.util.Optional<Instant> at = keys.fcmUpdatedAt();
                if (at.isPresent()) {
                    return fromStored(app, old, now, at.get(), keys);
                }
            } catch (io.chatsdk.engine.types.ChatException gone) {
                if (gone.code() != io.chatsdk.engine.types.ErrorCode.APP_NOT_FOUND && gone.code() != io.chatsdk.engine.types.ErrorCode.CONTENT_ERASED) {
                    return unchanged(app, old, now, gone);
                }
                // the app is gone, or its keys were destroyed: no stored key; a file, if there is one, decides
            } catch (RuntimeException e) {
                return unchanged(app, old, now, e);
            }
        }
        if (old != null && old.storedAt() != null) {
            closeGateway(old);   // the stored key was deleted: a file, if there is one, takes over
            old = null;
        }
        Path file = dir.resolve(app + ".json");
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException missing) {
            closeGateway(old);
            return new Entry(null, -1, null, now);
        }
        if (old != null && modified.equals(old.modified()) && size == old.size()) {
            return new Entry(modified, size, old.gateway(), now);
        }
        closeGateway(old);   // firebase-admin allows one FirebaseApp per name: the old one goes first
        try {
            FcmPushGateway.Builder b = FcmPushGateway.builder(app.toString()).serviceAccount(file)
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10));
            if (localEndpoint != null) {
                b.httpTransport(localEndpoint);
            }
            FcmPushGateway gateway = b.build();
            LOG.log(System.Logger.Level.INFO, "push for app " + app + " through Firebase project " + gateway.projectId());
            return new Entry(modified, size, gateway, now);
        } catch (RuntimeException bad) {
            LOG.log(System.Logger.Level.WARNING, "no push for app " + app + ": " + withoutCauseText(bad));
            return new Entry(modified, size, null, now);
        }
    }

    /**
     * The database could not be asked (a pool timeout, a restart): the current gateway, stored or file, stays until the
     * next check rather than push stopping for everyone. Logged once per app until a check succeeds.
     */
    private Entry unchanged(AppId app, Entry old, Instant now, RuntimeException e) {
        if (old == null || !old.failing()) {
            LOG.log(System.Logger.Level.WARNING, "could not check the stored push key of app " + app + ", keeping the current gateway: "
                    + e.getClass().getSimpleName());
        }
        return old == null ? new Entry(null, -1, null, now, null, true)
                : new Entry(old.modified(), old.size(), old.gateway(), now, old.storedAt(), true);
    }

    private Entry fromStored(AppId app, Entry old, Instant now, Instant storedAt, io.chatsdk.engine.delivery.PushCredentials credentials) {
        if (old != null && storedAt.equals(old.storedAt())) {
            return new Entry(null, -1, old.gateway(), now, storedAt);
        }
        // read first: if the database cannot answer, the caller keeps the old gateway open
        byte[] json = credentials.openFcm().map(io.chatsdk.engine.delivery.PushCredentials.Stored::json).orElse(null);
        closeGateway(old);   // firebase-admin allows one FirebaseApp per name: the old one goes first
        if (json == null) {
            return new Entry(null, -1, null, now);
        }
        try (java.io.InputStream in = new java.io.ByteArrayInputStream(json)) {
            FcmPushGateway.Builder b = FcmPushGateway.builder(app.toString()).serviceAccount(in)
                    .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10));
            if (localEndpoint != null) {
                b.httpTransport(localEndpoint);
            }
            FcmPushGateway gateway = b.build();
            LOG.log(System.Logger.Level.INFO, "push for app " + app + " through Firebase project " + gateway.projectId() + " (uploaded key)");
            return new Entry(null, -1, gateway, now, storedAt);
        } catch (RuntimeException | java.io.IOException bad) {
            LOG.log(System.Logger.Level.WARNING, "no push for app " + app + " from its uploaded key: " + bad.getClass().getSimpleName());
            return new Entry(null, -1, null, now, storedAt);
        } finally {
            java.util.Arrays.fill(json, (byte) 0);
        }
    }

    /** The message without its cause's text, which a JSON parser may fill with a piece of the (secret) file. */
    private static String withoutCauseText(RuntimeException e) {
        String msg = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? msg : msg.replace(cause.getMessage(), cause.getClass().getSimpleName());
    }

    private static void closeGateway(Entry e) {
        if (e != null && e.gateway() != null) {
            e.gateway().close();
        }
    }

    @Override
    public void close() {
        entries.values().forEach(FcmGateways::closeGateway);
        entries.clear();
    }
}
