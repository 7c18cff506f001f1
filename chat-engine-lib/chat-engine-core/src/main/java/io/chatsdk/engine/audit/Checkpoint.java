package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * A signed statement that chain {@link #chain()} had head {@link #hash()} at {@link #seq()}, made by
 * {@link AuditSigner#checkpoint} at {@link #at()} with the key {@link #keyId()}. Whoever holds the public key can then
 * tell whether records up to that seq were changed or removed later, even by someone able to recompute every hash.
 *
 * <p>The Ed25519 signature covers {@link #signedBytes()}: the domain tag {@code chatsdk-checkpoint-v1} and a zero
 * byte, then four fields, each a 4-byte big-endian length and UTF-8 bytes: {@code chain}, {@code seq} (decimal),
 * {@code hash} (64 lowercase hex characters) and {@code at} (ISO-8601, {@code Instant.toString()} of the value
 * truncated to microseconds). Immutable and thread-safe; byte arrays are copied in and out.
 */
public record Checkpoint(String chain, long seq, byte[] hash, Instant at, String keyId, byte[] signature) {
    /** The domain tag that starts the signed bytes, zero byte included. */
    public static final String DOMAIN_TAG = "chatsdk-checkpoint-v1\0";
    /** The length in bytes of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    public Checkpoint {
        if (chain == null || chain.isBlank()) {
            throw ChatException.invalid("chain", "is required");
        }
        if (seq < 1) {
            throw ChatException.invalid("seq", "must be 1 or more");
        }
        if (hash == null || hash.length != AuditHash.LENGTH) {
            throw ChatException.invalid("hash", "must be " + AuditHash.LENGTH + " bytes");
        }
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MICROS);
        if (Fields.parseHex(keyId, AuditPublicKey.KEY_ID_LENGTH / 2) == null) {
            throw ChatException.invalid("key_id", "must be " + AuditPublicKey.KEY_ID_LENGTH + " lowercase hex characters");
        }
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw ChatException.invalid("signature", "must be " + SIGNATURE_LENGTH + " bytes");
        }
        hash = hash.clone();
        signature = signature.clone();
    }

    /** The exact bytes the signature covers. */
    public byte[] signedBytes() {
        return signedBytes(chain, seq, hash, at);
    }

    static byte[] signedBytes(String chain, long seq, byte[] hash, Instant at) {
        return new Fields(DOMAIN_TAG).add(chain).add(seq).add(Fields.hex(hash))
                .add(at.truncatedTo(ChronoUnit.MICROS).toString()).toByteArray();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && seq == c.seq && chain.equals(c.chain) && Arrays.equals(hash, c.hash)
                && at.equals(c.at) && keyId.equals(c.keyId) && Arrays.equals(signature, c.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chain, seq, Arrays.hashCode(hash), at, keyId);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + chain + "#" + seq + " hash " + Fields.hex(hash) + " at " + at + " key " + keyId + "]";
    }
}
