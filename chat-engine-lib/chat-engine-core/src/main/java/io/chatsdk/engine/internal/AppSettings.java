package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An app's settings document ({@code app.settings}, JSON): one entry per feature (redaction, webhooks, the
 * before-send hook, push). Features read it and change their own entry here, so concurrent changes of different
 * entries do not overwrite each other.
 */
public final class AppSettings {
    private AppSettings() {
    }

    /** The app's settings; {@code app_not_found} for an unknown app. */
    public static Map<String, Object> read(Tx tx, AppId app) {
        return tx.one("select settings from app where id = ?", rs -> Json.readMap(rs.getString(1)), app.value())
                .orElseThrow(() -> ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + app));
    }

    /**
     * The app's settings, read under a share lock of the app row: a change of them waits until this transaction ends,
     * and this one sees any change committed before it (what a job that acts on a switch needs).
     */
    public static Map<String, Object> readShared(Tx tx, AppId app) {
        return tx.one("select settings from app where id = ? for share", rs -> Json.readMap(rs.getString(1)), app.value())
                .orElseThrow(() -> ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + app));
    }

    /** Sets entry {@code key} to {@code value} (removes it when null), under the app row's lock. */
    public static void put(Tx tx, AppId app, String key, Object value) {
        update(tx, app, all -> {
            if (value == null) {
                all.remove(key);
            } else {
                all.put(key, value);
            }
        });
    }

    /**
     * Changes the app's settings document under the app row's lock, taken before the read, so that a change computed
     * from the current value (a partial update) cannot overwrite a concurrent one; {@code app_not_found} for an unknown
     * app.
     */
    public static void update(Tx tx, AppId app, java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> all = new LinkedHashMap<>(tx.one("select settings from app where id = ? for update", rs -> Json.readMap(rs.getString(1)),
                app.value()).orElseThrow(() -> ChatException.notFound(ErrorCode.APP_NOT_FOUND, "app " + app)));
        change.accept(all);
        tx.update("update app set settings = ? where id = ?", Json.write(all), app.value());
    }
}
