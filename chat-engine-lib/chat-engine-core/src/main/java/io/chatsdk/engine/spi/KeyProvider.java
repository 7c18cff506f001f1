package io.chatsdk.engine.spi;

/**
 * Wraps and unwraps small secrets (app API secrets today, tenant data keys later) under a key-encryption key
 * the engine never stores. A KMS or Vault adapter implements these two calls.
 *
 * <p>Thread-safe; calls may block on a remote key service. {@code context} is bound into the ciphertext
 * (associated data), so a wrapped value copied to another app or field does not unwrap.
 */
public interface KeyProvider {

    byte[] wrap(byte[] plaintext, byte[] context);

    /** Throws {@link SecurityException} if the value was tampered with or wrapped under another context or key. */
    byte[] unwrap(byte[] wrapped, byte[] context);

    /** An AES-256-GCM provider over a 32-byte key held in memory; see {@link AesGcmKeyProvider}. */
    static KeyProvider aesGcm(byte[] key) {
        return new AesGcmKeyProvider(key);
    }
}
