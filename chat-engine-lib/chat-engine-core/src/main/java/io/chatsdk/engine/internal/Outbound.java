package io.chatsdk.engine.internal;

import io.chatsdk.engine.types.ChatException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;

/** What webhooks and the before-send hook share about calls to an app's servers: which URLs, and the signature. */
public final class Outbound {
    private Outbound() {
    }

    /** An absolute http(s) URL without credentials, at most 2048 characters; otherwise a {@code validation_error} on {@code url}. */
    public static URI requireUrl(URI url) {
        if (url == null || !url.isAbsolute() || url.getHost() == null || !Set.of("http", "https").contains(url.getScheme())
                || url.getUserInfo() != null || url.toString().length() > 2048) {
            throw ChatException.invalid("url", "must be an absolute http(s) URL without credentials, at most 2048 characters");
        }
        return url;
    }

    /** Hex HMAC-SHA256 of {@code body} keyed with the app's API secret, as sent in {@code X-Signature}. */
    public static String sign(String secret, byte[] body) {
        return hmacHex(secret.getBytes(StandardCharsets.UTF_8), body);
    }

    /** Hex HMAC-SHA256 of {@code data} under {@code key}. */
    public static String hmacHex(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }
}
