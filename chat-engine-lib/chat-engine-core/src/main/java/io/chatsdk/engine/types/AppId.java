package io.chatsdk.engine.types;

import java.util.Objects;
import java.util.UUID;

/** Identifies an app (a tenant). Everything else in the engine belongs to exactly one app. */
public record AppId(UUID value) {
    public AppId {
        Objects.requireNonNull(value, "value");
    }

    /** Parses the canonical UUID form, with a validation error naming {@code app_id} on bad input. */
    public static AppId parse(String text) {
        try {
            return new AppId(UUID.fromString(Objects.requireNonNull(text, "app_id")));
        } catch (IllegalArgumentException e) {
            throw ChatException.invalid("app_id", "is not a UUID");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
