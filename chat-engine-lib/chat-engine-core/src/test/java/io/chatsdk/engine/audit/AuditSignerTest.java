package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditSignerTest {
    private static final AuditSigner SIGNER = AuditExportFixture.SIGNER;
    private static final Instant AT = Instant.parse("2025-05-06T07:08:09.000001Z");
    private static final byte[] HASH = HexFormat.of().parseHex("00112233445566778899aabbccddeeff"
            + "00112233445566778899aabbccddeeff");

    @Test
    void aCheckpointVerifiesWithThePublicKeyOnly() {
        Checkpoint cp = SIGNER.checkpoint("app-1", 10, HASH, AT);

        AuditPublicKey publicKey = AuditPublicKey.fromPem(SIGNER.publicKey().toPem());

        assertThat(publicKey.verify(cp)).isTrue();
        assertThat(cp.keyId()).isEqualTo(publicKey.keyId());
        assertThat(cp.signature()).hasSize(64);
    }

    @Test
    void anyChangeToACheckpointBreaksItsSignature() {
        Checkpoint cp = SIGNER.checkpoint("app-1", 10, HASH, AT);
        byte[] otherHash = HASH.clone();
        otherHash[31] ^= 1;

        assertThat(SIGNER.publicKey().verify(withSeq(cp, 11))).isFalse();
        assertThat(SIGNER.publicKey().verify(new Checkpoint("app-2", 10, HASH, AT, cp.keyId(), cp.signature())))
                .isFalse();
        assertThat(SIGNER.publicKey().verify(new Checkpoint("app-1", 10, otherHash, AT, cp.keyId(), cp.signature())))
                .isFalse();
        assertThat(SIGNER.publicKey().verify(new Checkpoint("app-1", 10, HASH, AT.plusNanos(1000), cp.keyId(),
                cp.signature()))).isFalse();
        assertThat(AuditExportFixture.OTHER_SIGNER.publicKey().verify(cp)).isFalse();
    }

    @Test
    void theSignedBytesAreTheDocumentedEncoding() {
        Checkpoint cp = SIGNER.checkpoint("app-1", 10, HASH, AT.plusNanos(999));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("chatsdk-checkpoint-v1\0".getBytes(StandardCharsets.US_ASCII));
        for (String field : new String[] {"app-1", "10", HexFormat.of().formatHex(HASH), "2025-05-06T07:08:09.000001Z"}) {
            byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
            expected.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
            expected.writeBytes(utf8);
        }

        assertThat(cp.signedBytes()).isEqualTo(expected.toByteArray());
        assertThat(cp.at()).isEqualTo(AT);
    }

    @Test
    void keysAreStandardPemThatTheJdkReadsAndItsSignaturesInteroperate() throws Exception {
        String privatePem = SIGNER.privateKeyPem();
        String publicPem = SIGNER.publicKey().toPem();
        assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----").contains("-----END PRIVATE KEY-----");
        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----").contains("-----END PUBLIC KEY-----");

        KeyFactory jdk = KeyFactory.getInstance("Ed25519");
        var jdkPublic = jdk.generatePublic(new X509EncodedKeySpec(der(publicPem)));
        var jdkPrivate = jdk.generatePrivate(new PKCS8EncodedKeySpec(der(privatePem)));

        Checkpoint cp = SIGNER.checkpoint("app-1", 10, HASH, AT);
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(jdkPublic);
        verify.update(cp.signedBytes());
        assertThat(verify.verify(cp.signature())).isTrue();

        Signature sign = Signature.getInstance("Ed25519");
        sign.initSign(jdkPrivate);
        sign.update(cp.signedBytes());
        assertThat(sign.sign()).isEqualTo(cp.signature()); // Ed25519 is deterministic: same key, same signature
    }

    @Test
    void thePrivateKeyIsPlainPkcs8V1WhichOpenSsl3Reads() {
        // Version 1 Ed25519 PKCS#8 is always 48 bytes; the v2 form with the public key (which OpenSSL 3.0 refuses)
        // is longer.
        assertThat(der(SIGNER.privateKeyPem())).hasSize(48);
    }

    @Test
    void aKeyMadeByTheJdkCanBeUsedToSign() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";

        Checkpoint cp = AuditSigner.fromPem(pem).checkpoint("app-1", 1, HASH, AT);

        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(pair.getPublic());
        verify.update(cp.signedBytes());
        assertThat(verify.verify(cp.signature())).isTrue();
    }

    @Test
    void thePrivateKeyRoundTripsThroughPem() {
        AuditSigner again = AuditSigner.fromPem(SIGNER.privateKeyPem());

        assertThat(again.keyId()).isEqualTo(SIGNER.keyId());
        assertThat(again.publicKey()).isEqualTo(SIGNER.publicKey());
        assertThat(again.sign(new byte[] {1, 2})).isEqualTo(SIGNER.sign(new byte[] {1, 2}));
    }

    @Test
    void theKeyIdIsTheStartOfTheSha256OfTheRawPublicKey() throws Exception {
        byte[] raw = SIGNER.publicKey().raw();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)).substring(0, 16);

        assertThat(raw).hasSize(32);
        assertThat(SIGNER.keyId()).isEqualTo(expected);
        assertThat(AuditSigner.generate(new SecureRandom()).keyId()).isNotEqualTo(expected);
    }

    @Test
    void badPemIsRejectedByName() throws Exception {
        assertRejected(() -> AuditPublicKey.fromPem("not a key"), "public_key");
        assertRejected(() -> AuditPublicKey.fromPem(SIGNER.privateKeyPem()), "public_key");
        assertRejected(() -> AuditSigner.fromPem(SIGNER.publicKey().toPem()), "private_key");
        assertRejected(() -> AuditPublicKey.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
                "public_key");
        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded();
        String rsaPem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa)
                + "\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> AuditPublicKey.fromPem(rsaPem)).isInstanceOf(ChatException.class)
                .hasMessageContaining("not an Ed25519 key");
    }

    @Test
    void badCheckpointFieldsAreRejectedByName() {
        Checkpoint cp = SIGNER.checkpoint("app-1", 10, HASH, AT);
        assertRejected(() -> new Checkpoint("app-1", 0, HASH, AT, cp.keyId(), cp.signature()), "seq");
        assertRejected(() -> new Checkpoint("app-1", 1, new byte[3], AT, cp.keyId(), cp.signature()), "hash");
        assertRejected(() -> new Checkpoint("app-1", 1, HASH, AT, "ABCDEF0123456789", cp.signature()), "key_id");
        assertRejected(() -> new Checkpoint("app-1", 1, HASH, AT, cp.keyId(), new byte[63]), "signature");
        assertRejected(() -> new Checkpoint("", 1, HASH, AT, cp.keyId(), cp.signature()), "chain");
    }

    @Test
    void nothingPrintsTheKey() {
        assertThat(SIGNER.toString()).isEqualTo("AuditSigner[" + SIGNER.keyId() + "]");
        assertThat(SIGNER.publicKey().toString()).isEqualTo("AuditPublicKey[" + SIGNER.keyId() + "]");
    }

    private static Checkpoint withSeq(Checkpoint cp, long seq) {
        return new Checkpoint(cp.chain(), seq, cp.hash(), cp.at(), cp.keyId(), cp.signature());
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(ChatException.class).extracting("field").isEqualTo(field);
    }
}
