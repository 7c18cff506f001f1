package io.chatsdk.engine.channels;

import io.chatsdk.engine.internal.BuiltInChannelTypes;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.ChannelType;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.ChannelTypeEntity;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.wire.Grants;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An app's channel types: the built-ins ({@code messaging}, {@code team}, {@code livestream}, {@code commerce})
 * and custom ones, each with feature flags and per-role grants. Server-side only: a user actor gets
 * {@code forbidden}. Thread-safe.
 */
public final class ChannelTypes {
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public ChannelTypes(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    public List<ChannelType> list() {
        requireServer();
        return ctx.db().read(tx -> tx.em().createNamedQuery("ChannelTypeEntity.byApp", ChannelTypeEntity.class)
                .setParameter("appId", app.value()).getResultStream().map(ChannelTypes::toModel).toList());
    }

    public ChannelType get(String name) {
        requireServer();
        Validate.channelTypeName("name", name);
        return ctx.db().read(tx -> toModel(entity(tx, name)));
    }

    /** Creates a custom type. Grants default to the {@code messaging} type's when {@code grants} is null. */
    public ChannelType create(String name, ChannelConfig config, Map<String, Set<Permission>> grants) {
        requireServer();
        Validate.channelTypeName("name", name);
        ChannelConfig cfg = config == null ? ChannelConfig.defaults() : config;
        Map<String, Set<Permission>> g = grants == null ? BuiltInChannelTypes.all()[0].grants() : grants;
        Instant now = ctx.now();
        try {
            return ctx.db().inTransaction(tx -> {
                if (tx.em().find(ChannelTypeEntity.class, ChannelTypeEntity.key(app.value(), name)) != null) {
                    throw new ChatException(ErrorCode.CONFLICT, "channel type '" + name + "' already exists", "name", null);
                }
                ChannelTypeEntity e = new ChannelTypeEntity(app.value(), name, false, Json.write(cfg.toMap()), Json.write(Grants.toWire(g)), now);
                tx.em().persist(e);
                return toModel(e);
            });
        } catch (io.chatsdk.engine.persistence.Db.UniqueViolation e) {
            throw new ChatException(ErrorCode.CONFLICT, "channel type '" + name + "' already exists", "name", e);
        }
    }

    /** Replaces the config and/or the grants; a null argument keeps the stored value. */
    public ChannelType update(String name, ChannelConfig config, Map<String, Set<Permission>> grants) {
        requireServer();
        Validate.channelTypeName("name", name);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            ChannelTypeEntity e = entity(tx, name);
            e.update(config == null ? e.config() : Json.write(config.toMap()), grants == null ? e.grants() : Json.write(Grants.toWire(grants)), now);
            return toModel(e);
        });
    }

    /** Deletes a custom type that no channel uses. Built-in types cannot be deleted. */
    public void delete(String name) {
        requireServer();
        Validate.channelTypeName("name", name);
        ctx.db().inTransaction(tx -> {
            ChannelTypeEntity e = entity(tx, name);
            if (e.builtIn()) {
                throw new ChatException(ErrorCode.CONFLICT, "built-in channel type '" + name + "' cannot be deleted", "name", null);
            }
            long used = tx.one("select count(*) from channel where app_id = ? and type = ?", rs -> rs.getLong(1), app.value(), name).orElse(0L);
            if (used > 0) {
                throw new ChatException(ErrorCode.CONFLICT, "channel type '" + name + "' still has " + used + " channels", "name", null);
            }
            tx.em().remove(e);
            return null;
        });
    }

    private ChannelTypeEntity entity(Tx tx, String name) {
        ChannelTypeEntity e = tx.em().find(ChannelTypeEntity.class, ChannelTypeEntity.key(app.value(), name));
        if (e == null) {
            throw ChatException.notFound(ErrorCode.CHANNEL_TYPE_NOT_FOUND, "channel type '" + name + "'");
        }
        return e;
    }

    private void requireServer() {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden("channel types can only be managed server-side");
        }
    }

    static ChannelType toModel(ChannelTypeEntity e) {
        return new ChannelType(e.name(), e.builtIn(), ChannelConfig.fromMap(Json.readMap(e.config())), Grants.parse("grants", Json.readMap(e.grants())),
                e.createdAt(), e.updatedAt());
    }
}
