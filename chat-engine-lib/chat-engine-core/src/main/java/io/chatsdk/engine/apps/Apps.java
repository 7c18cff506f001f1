package io.chatsdk.engine.apps;

import io.chatsdk.engine.internal.BuiltInChannelTypes;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.model.App;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.persistence.AppEntity;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operator's view of apps (tenants): create, list, disable, rotate secrets. Not tenant-scoped; expose it
 * only to operators. API secrets are stored wrapped by the engine's {@link io.chatsdk.engine.spi.KeyProvider}
 * and returned only through {@link #credentials}. Thread-safe.
 */
public final class Apps {
    private static final char[] KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final EngineContext ctx;

    public Apps(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Creates an app with fresh credentials and the built-in channel types. The secret is shown only here and via {@link #credentials}. */
    public AppCredentials create(String name) {
        Validate.text("name", name, 100);
        if (name == null || name.isBlank()) {
            throw ChatException.invalid("name", "is required");
        }
        AppId id = new AppId(ctx.ids().next());
        String apiKey = random(KEY_ALPHABET, 12);
        String secret = random(SECRET_ALPHABET, 64);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            AppEntity e = new AppEntity(id.value(), name.strip(), apiKey, wrap(id, secret), now);
            tx.em().persist(e);
            tx.em().flush();
            BuiltInChannelTypes.seed(tx, id, now);
            // card numbers are masked from the first message on; an operator may choose otherwise
            io.chatsdk.engine.internal.AppSettings.put(tx, id, "redaction", io.chatsdk.engine.redact.RedactionSettings.NEW_APP.toMap());
            // a user token without exp would be valid for ever: new apps refuse them
            io.chatsdk.engine.internal.AppSettings.put(tx, id, REQUIRE_TOKEN_EXPIRY, true);
            return new AppCredentials(id, apiKey, secret);
        });
    }

    public App get(AppId id) {
        return find(id).orElseThrow(() -> ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + id));
    }

    public Optional<App> find(AppId id) {
        return ctx.db().read(tx -> Optional.ofNullable(tx.em().find(AppEntity.class, id.value())).map(Apps::toApp));
    }

    /** Resolves the app an API key names, or empty. Disabled apps are returned; callers check {@link App#disabled()}. */
    public Optional<App> findByApiKey(String apiKey) {
        if (apiKey == null || apiKey.isEmpty() || apiKey.length() > 64) {
            return Optional.empty();
        }
        return ctx.db().read(tx -> tx.em().createNamedQuery("AppEntity.byApiKey", AppEntity.class)
                .setParameter("apiKey", apiKey).getResultStream().findFirst().map(Apps::toApp));
    }

    public List<App> list() {
        return ctx.db().read(tx -> tx.em().createNamedQuery("AppEntity.all", AppEntity.class).getResultList().stream().map(Apps::toApp).toList());
    }

    /**
     * The app's current API key and secret, for code that signs or verifies tokens. The previous secret
     * during a rotation's grace period is in {@link #previousSecret}.
     */
    public AppCredentials credentials(AppId id) {
        return ctx.db().read(tx -> {
            AppEntity e = entity(tx.em(), id);
            return new AppCredentials(id, e.apiKey(), unwrap(id, e.secretCiphertext()));
        });
    }

    /** The secret replaced by the last rotation, while its grace period lasts. */
    public Optional<String> previousSecret(AppId id) {
        return previousSecretGrace(id).map(PreviousSecret::secret);
    }

    /** A secret replaced by a rotation, and the end of its grace period (after which it is refused). */
    public record PreviousSecret(String secret, Instant expiresAt) {
        @Override
        public String toString() {
            return "PreviousSecret[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * The secret replaced by the last rotation with the end of its grace period, while that lasts: a cache of the secret
     * must stop honouring it at that time, however fresh the cache is.
     */
    public Optional<PreviousSecret> previousSecretGrace(AppId id) {
        Instant now = ctx.now();
        return ctx.db().read(tx -> {
            AppEntity e = entity(tx.em(), id);
            byte[] prev = e.previousSecretCiphertext();
            Instant until = e.previousSecretExpiresAt();
            if (prev == null || until == null || !until.isAfter(now)) {
                return Optional.<PreviousSecret>empty();
            }
            return Optional.of(new PreviousSecret(unwrap(id, prev), until));
        });
    }

    /** Issues a new secret. The old one keeps working for {@code grace} (zero ends it at once). */
    public AppCredentials rotateSecret(AppId id, Duration grace) {
        if (grace == null || grace.isNegative() || grace.compareTo(Duration.ofDays(30)) > 0) {
            throw ChatException.invalid("grace", "must be between 0 and 30 days");
        }
        String secret = random(SECRET_ALPHABET, 64);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            AppEntity e = entity(tx.em(), id);
            e.rotateSecret(wrap(id, secret), now.plus(grace), now);
            return new AppCredentials(id, e.apiKey(), secret);
        });
    }

    public App setDisabled(AppId id, boolean disabled) {
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            AppEntity e = entity(tx.em(), id);
            e.setDisabled(disabled, now);
            return toApp(e);
        });
    }

    /** Rejects every token of the app issued before {@code before} (GetStream's {@code revoke_tokens_issued_before}). */
    /** The app setting that makes user tokens without {@code exp} invalid (true for apps made since 2026-12-03). */
    public static final String REQUIRE_TOKEN_EXPIRY = "require_token_expiry";

    /** Whether the app refuses user tokens without {@code exp}. */
    public static boolean requiresTokenExpiry(App app) {
        return Boolean.TRUE.equals(app.settings().get(REQUIRE_TOKEN_EXPIRY));
    }

    /** Makes the app refuse (or accept again) user tokens without {@code exp}; server tokens are not affected. */
    public App setRequireTokenExpiry(AppId id, boolean required) {
        ctx.db().inTransaction(tx -> {
            io.chatsdk.engine.internal.AppSettings.put(tx, id, REQUIRE_TOKEN_EXPIRY, required);
            return null;
        });
        return get(id);
    }

    public App revokeTokensIssuedBefore(AppId id, Instant before) {
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            AppEntity e = entity(tx.em(), id);
            e.revokeTokensIssuedBefore(before, now);
            return toApp(e);
        });
    }

    private AppEntity entity(jakarta.persistence.EntityManager em, AppId id) {
        AppEntity e = em.find(AppEntity.class, id.value());
        if (e == null) {
            throw ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + id);
        }
        return e;
    }

    private static App toApp(AppEntity e) {
        return new App(new AppId(e.id()), e.name(), e.apiKey(),
                Json.readMap(e.settings()), e.disabled(), e.revokeTokensIssuedBefore(),
                e.createdAt(), e.updatedAt(), e.keysDestroyedAt());
    }

    private byte[] wrap(AppId id, String secret) {
        return ctx.keys().wrap(secret.getBytes(StandardCharsets.UTF_8), context(id));
    }

    private String unwrap(AppId id, byte[] wrapped) {
        return new String(ctx.keys().unwrap(wrapped, context(id)), StandardCharsets.UTF_8);
    }

    private static byte[] context(AppId id) {
        return ("chatsdk/app-secret/" + id).getBytes(StandardCharsets.UTF_8);
    }

    private String random(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[ctx.random().nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
