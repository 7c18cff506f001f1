package io.chatsdk.engine.model;

import io.chatsdk.engine.types.AppId;

/**
 * An app's API key and secret, returned once at creation and on request to trusted code that signs or
 * verifies tokens. {@link #toString()} masks the secret so it cannot leak into logs by accident.
 */
public record AppCredentials(AppId appId, String apiKey, String apiSecret) {
    @Override
    public String toString() {
        return "AppCredentials[appId=" + appId + ", apiKey=" + apiKey + ", apiSecret=****]";
    }
}
