package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Ed25519 public key that checks audit checkpoints and export end lines: all an auditor needs, since it cannot
 * sign. Written and read as an X.509 SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}), which
 * {@code openssl pkey -pubin -in audit-signing.pub -text} reads too.
 *
 * <p>{@link #keyId()} is the first 16 hex characters of SHA-256 over the raw 32-byte public key; exports name the key
 * that signed each line by it. Immutable and thread-safe.
 */
public final class AuditPublicKey {
    /** The length in characters of a key id. */
    public static final int KEY_ID_LENGTH = 16;

    private final Ed25519PublicKeyParameters key;
    private final String keyId;

    AuditPublicKey(Ed25519PublicKeyParameters key) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = keyIdOf(key.getEncoded());
    }

    /** Reads a {@code PUBLIC KEY} PEM; throws a validation {@link ChatException} on anything but an Ed25519 key. */
    public static AuditPublicKey fromPem(String pem) {
        try {
            PemObject object = new PemReader(new StringReader(Objects.requireNonNull(pem, "pem"))).readPemObject();
            if (object == null || !"PUBLIC KEY".equals(object.getType())) {
                throw ChatException.invalid("public_key", "is not a PEM block of type PUBLIC KEY");
            }
            AsymmetricKeyParameter parsed = PublicKeyFactory.createKey(object.getContent());
            if (!(parsed instanceof Ed25519PublicKeyParameters ed)) {
                throw ChatException.invalid("public_key", "is not an Ed25519 key");
            }
            return new AuditPublicKey(ed);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ChatException c) {
                throw c;
            }
            throw new ChatException(ErrorCode.VALIDATION, "public_key: is not a readable Ed25519 public key PEM",
                    "public_key", e);
        }
    }

    /** The key as an X.509 SubjectPublicKeyInfo PEM. */
    public String toPem() {
        try {
            return pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first 16 lowercase hex characters of SHA-256 over {@link #raw()}. */
    public String keyId() {
        return keyId;
    }

    /** The raw 32-byte Ed25519 public key (RFC 8032 encoding). */
    public byte[] raw() {
        return key.getEncoded();
    }

    /** Whether {@code checkpoint} names this key and its signature is valid under it. */
    public boolean verify(Checkpoint checkpoint) {
        return keyId.equals(checkpoint.keyId()) && verify(checkpoint.signedBytes(), checkpoint.signature());
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} under this key. */
    public boolean verify(byte[] message, byte[] signature) {
        // A new signer per call: Ed25519Signer buffers the message and is not thread-safe.
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditPublicKey k && Arrays.equals(raw(), k.raw());
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "AuditPublicKey[" + keyId + "]";
    }

    static String keyIdOf(byte[] rawPublicKey) {
        return Fields.hex(AuditHash.sha256(rawPublicKey)).substring(0, KEY_ID_LENGTH);
    }

    static String pem(String type, byte[] der) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return text.toString();
    }
}
