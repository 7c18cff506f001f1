package io.chatsdk.engine.model;

import java.util.List;
import java.util.Map;

/**
 * Data for creating or updating a channel. On get-or-create, {@code members} are added when the channel is
 * created; {@code createdBy} is required for server-side creation and ignored for users (the user is the creator).
 */
public record ChannelInput(
        String name,
        String image,
        Map<String, Object> custom,
        List<String> members,
        String createdBy,
        Map<String, Object> configOverrides) {

    public static ChannelInput empty() {
        return new ChannelInput(null, null, null, List.of(), null, null);
    }

    public static ChannelInput withMembers(String createdBy, List<String> members) {
        return new ChannelInput(null, null, null, members, createdBy, null);
    }

    public ChannelInput withName(String name) {
        return new ChannelInput(name, image, custom, members, createdBy, configOverrides);
    }

    public ChannelInput withCustom(Map<String, Object> custom) {
        return new ChannelInput(name, image, custom, members, createdBy, configOverrides);
    }

    public ChannelInput withConfigOverrides(Map<String, Object> overrides) {
        return new ChannelInput(name, image, custom, members, createdBy, overrides);
    }
}
