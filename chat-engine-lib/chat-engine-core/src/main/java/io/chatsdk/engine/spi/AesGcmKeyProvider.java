package io.chatsdk.engine.spi;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A {@link KeyProvider} using AES-256-GCM with a fresh 96-bit nonce per wrap; output is
 * {@code version(1) || nonce(12) || ciphertext+tag}. The key comes from the operator's configuration,
 * for example {@code KeyProvider.aesGcm(Base64.getDecoder().decode(System.getenv("CHATSDK_MASTER_KEY")))}.
 */
public final class AesGcmKeyProvider implements KeyProvider {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public AesGcmKeyProvider(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("keyProvider key must be 32 bytes (AES-256), was "
                    + (key == null ? "null" : key.length + " bytes"));
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** Decodes a base64 32-byte key, with a clear message if it is not one. */
    public static AesGcmKeyProvider fromBase64(String base64Key) {
        try {
            return new AesGcmKeyProvider(Base64.getDecoder().decode(base64Key.trim()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("master key must be 32 bytes encoded as base64", e);
        }
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] ct = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + ct.length).put(VERSION).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] context) {
        if (wrapped == null || wrapped.length < 1 + NONCE_BYTES + TAG_BITS / 8 || wrapped[0] != VERSION) {
            throw new SecurityException("wrapped value is malformed");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(wrapped, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(context);
            return cipher.doFinal(wrapped, 1 + NONCE_BYTES, wrapped.length - 1 - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecurityException("wrapped value failed authentication (wrong key, wrong context or tampered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }
}
