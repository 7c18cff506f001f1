package io.chatsdk.engine.model;

import java.util.Map;

/**
 * What an upsert sets. A {@code null} name, image or role keeps the stored value on update
 * (role defaults to {@code user} on create); {@code custom} replaces the stored custom data when non-null.
 */
public record UserInput(String id, String name, String image, String role, Map<String, Object> custom) {
    public static UserInput of(String id) {
        return new UserInput(id, null, null, null, null);
    }

    public UserInput withName(String name) {
        return new UserInput(id, name, image, role, custom);
    }

    public UserInput withRole(String role) {
        return new UserInput(id, name, image, role, custom);
    }

    public UserInput withCustom(Map<String, Object> custom) {
        return new UserInput(id, name, image, role, custom);
    }
}
