package io.chatsdk.engine.users;

import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;

import java.time.Instant;
import java.util.List;

/**
 * Push devices of an app's users: a user registers, lists and removes their own; the server acts for a named user.
 * A token already registered by another user of the app moves to the new user (a phone changed hands). Thread-safe.
 */
public final class Devices {
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    /** A device: its push token, the provider ({@code firebase}) and when it was registered. */
    public record Device(String id, String userId, String provider, Instant createdAt) {
    }

    public Devices(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    public Device add(String id, String provider, String serverSideUserId) {
        String user = user(serverSideUserId);
        token(id);
        if (!"firebase".equals(provider)) {
            throw ChatException.invalid("push_provider", "must be firebase");
        }
        Instant now = ctx.now();
        ctx.db().inTransaction(tx -> {
            Users.requireExist(tx, app, "user_id", List.of(user));
            return tx.update("insert into device (app_id, id, user_id, provider, created_at) values (?, ?, ?, ?, ?) "
                    + "on conflict (app_id, id) do update set user_id = excluded.user_id, provider = excluded.provider, created_at = excluded.created_at",
                    app.value(), id, user, provider, now);
        });
        return new Device(id, user, provider, now);
    }

    public List<Device> list(String serverSideUserId) {
        String user = user(serverSideUserId);
        return ctx.db().read(tx -> tx.query("select id, user_id, provider, created_at from device where app_id = ? and user_id = ? order by created_at",
                rs -> new Device(rs.getString(1), rs.getString(2), rs.getString(3), Tx.instant(rs, "created_at")), app.value(), user));
    }

    /** Removes one of the user's devices; {@code device_not_found} when the user has no such device. */
    public void remove(String id, String serverSideUserId) {
        String user = user(serverSideUserId);
        token(id);
        if (ctx.db().inTransaction(tx -> tx.update("delete from device where app_id = ? and id = ? and user_id = ?", app.value(), id, user)) == 0) {
            throw ChatException.notFound(ErrorCode.NOT_FOUND, "device of user '" + user + "'");
        }
    }

    private static void token(String id) {
        if (id == null || id.isEmpty() || id.length() > 512 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
            throw ChatException.invalid("id", "a push token: 1-512 printable ASCII characters");
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
