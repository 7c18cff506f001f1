package io.chatsdk.engine.officers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6 digits, what every
 * authenticator app reads from an {@code otpauth://} link. Stateless; replay protection is the caller's (it keeps the
 * newest step accepted).
 */
public final class Totp {
    /** The length of a step, in seconds. */
    public static final int STEP_SECONDS = 30;
    /** Codes of this many steps before or after now are accepted (clock drift, a code typed at a step's end). */
    public static final int WINDOW = 1;

    private Totp() {
    }

    /** The step {@code at} falls in. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code of {@code step}. */
    public static String code(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The step whose code {@code code} is, within {@link #WINDOW} of {@code now} and after {@code lastStep}, or -1.
     * Compares every candidate in constant time.
     */
    public static long match(byte[] secret, String code, Instant now, long lastStep) {
        if (code == null || !code.matches("[0-9]{6}")) {
            return -1;
        }
        long current = step(now);
        long found = -1;
        for (long s = current - WINDOW; s <= current + WINDOW; s++) {
            boolean same = java.security.MessageDigest.isEqual(code(secret, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    code.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (same && s > lastStep && found < 0) {
                found = s;
            }
        }
        return found;
    }
}
