package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * Signs audit checkpoints and export end lines with an Ed25519 private key (Bouncy Castle's lightweight API, so no
 * JCE provider is registered). The key is written and read as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----});
 * auditors get only {@link #publicKey()}.
 *
 * <pre>{@code
 * AuditSigner signer = AuditSigner.generate(new SecureRandom());
 * Files.writeString(keyFile, signer.privateKeyPem());       // keep it secret, mode 600
 * Checkpoint cp = signer.checkpoint(head.chain(), head.seq(), head.hash(), clock.instant());
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the key id only, never the key.
 */
public final class AuditSigner {
    private final Ed25519PrivateKeyParameters key;
    private final AuditPublicKey publicKey;

    private AuditSigner(Ed25519PrivateKeyParameters key) {
        this.key = key;
        this.publicKey = new AuditPublicKey(key.generatePublicKey());
    }

    /** A new key pair from {@code random}. */
    public static AuditSigner generate(SecureRandom random) {
        return new AuditSigner(new Ed25519PrivateKeyParameters(Objects.requireNonNull(random, "random")));
    }

    /** Reads a PKCS#8 {@code PRIVATE KEY} PEM; throws a validation {@link ChatException} unless it is Ed25519. */
    public static AuditSigner fromPem(String pem) {
        try {
            PemObject object = new PemReader(new StringReader(Objects.requireNonNull(pem, "pem"))).readPemObject();
            if (object == null || !"PRIVATE KEY".equals(object.getType())) {
                throw ChatException.invalid("private_key", "is not a PEM block of type PRIVATE KEY (PKCS#8)");
            }
            AsymmetricKeyParameter parsed = PrivateKeyFactory.createKey(object.getContent());
            if (!(parsed instanceof Ed25519PrivateKeyParameters ed)) {
                throw ChatException.invalid("private_key", "is not an Ed25519 key");
            }
            return new AuditSigner(ed);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ChatException c) {
                throw c;
            }
            throw new ChatException(ErrorCode.VALIDATION, "private_key: is not a readable Ed25519 PKCS#8 PEM",
                    "private_key", e);
        }
    }

    /** The private key as PKCS#8 PEM. Treat the result as a secret. */
    public String privateKeyPem() {
        try {
            // PKCS#8 v1 (RFC 8410), without the optional public key that Bouncy Castle's factory adds: OpenSSL 3.0
            // refuses that v2 form, and the public key follows from the private one anyway.
            PrivateKeyInfo withPublicKey = PrivateKeyInfoFactory.createPrivateKeyInfo(key);
            PrivateKeyInfo info = new PrivateKeyInfo(withPublicKey.getPrivateKeyAlgorithm(),
                    withPublicKey.parsePrivateKey());
            return AuditPublicKey.pem("PRIVATE KEY", info.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public AuditPublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return publicKey.keyId();
    }

    /** Signs that {@code chain} had head {@code hash} at {@code seq}, at time {@code at}. */
    public Checkpoint checkpoint(String chain, long seq, byte[] hash, Instant at) {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        return new Checkpoint(chain, seq, hash, at, keyId(), sign(Checkpoint.signedBytes(chain, seq, hash, at)));
    }

    /** A checkpoint of a sealed record: its chain, seq and hash. */
    public Checkpoint checkpoint(AuditRecord head, Instant at) {
        if (!head.sealed()) {
            throw new IllegalArgumentException("audit record " + head.chain() + "#" + head.seq() + " is not sealed");
        }
        return checkpoint(head.chain(), head.seq(), head.hash(), at);
    }

    /** The Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "AuditSigner[" + keyId() + "]";
    }
}
