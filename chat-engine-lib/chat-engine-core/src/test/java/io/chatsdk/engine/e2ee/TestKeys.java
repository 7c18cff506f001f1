package io.chatsdk.engine.e2ee;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Keys in libsignal's serialized forms for the server's tests, made without libsignal: an identity key pair is an
 * Ed25519 key pair whose public key is published in its Montgomery form {@code u = (1 + y) / (1 - y)}, and a signature
 * is the Ed25519 signature with the Edwards sign bit in the top bit of its last byte, which is what an XEdDSA verifier
 * accepts. (The Kotlin E2EE module's tests check the same verifier against keys libsignal made.) Kyber keys here are
 * random bytes of the right size and type: the server stores them and checks their signatures, it never uses them.
 */
public final class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final BigInteger P = XEdDSA.P;

    public final byte[] privateKey = new byte[Ed25519.SECRET_KEY_SIZE];
    private final byte[] edwards = new byte[Ed25519.PUBLIC_KEY_SIZE];
    /** {@code 0x05 || u}: the identity key as a device publishes it. */
    public final byte[] identityKey;

    public TestKeys() {
        RANDOM.nextBytes(privateKey);
        Ed25519.generatePublicKey(privateKey, 0, edwards, 0);
        byte[] yle = edwards.clone();
        yle[31] &= 0x7F;
        BigInteger y = new BigInteger(1, XEdDSA.reverse(yle));
        BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).mod(P).modInverse(P)).mod(P);
        identityKey = new byte[33];
        identityKey[0] = 0x05;
        System.arraycopy(XEdDSA.reverse(XEdDSA.fixed(u)), 0, identityKey, 1, 32);
    }

    /** This identity's XEdDSA-compatible signature of {@code message}. */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[64];
        Ed25519.sign(privateKey, 0, message, 0, message.length, sig, 0);
        sig[63] |= (byte) (edwards[31] & 0x80);
        return sig;
    }

    public static byte[] ecKey() {
        byte[] k = new byte[33];
        RANDOM.nextBytes(k);
        k[0] = 0x05;
        return k;
    }

    public static byte[] kyberKey() {
        byte[] k = new byte[1569];
        RANDOM.nextBytes(k);
        k[0] = 0x08;
        return k;
    }

    public KeyDirectory.SignedKey signedPreKey(int id) {
        byte[] k = ecKey();
        return new KeyDirectory.SignedKey(id, k, sign(k));
    }

    public KeyDirectory.SignedKey kyber(int id) {
        byte[] k = kyberKey();
        return new KeyDirectory.SignedKey(id, k, sign(k));
    }

    /** A complete first upload: signed prekey, last-resort Kyber key, {@code ec} one-time EC and {@code pq} one-time Kyber keys. */
    public KeyDirectory.DeviceKeys device(int registrationId, int ec, int pq) {
        java.util.List<KeyDirectory.OneTimeKey> ecKeys = new java.util.ArrayList<>();
        for (int i = 1; i <= ec; i++) {
            ecKeys.add(new KeyDirectory.OneTimeKey(i, ecKey()));
        }
        java.util.List<KeyDirectory.SignedKey> pqKeys = new java.util.ArrayList<>();
        for (int i = 1; i <= pq; i++) {
            pqKeys.add(kyber(100 + i));
        }
        return new KeyDirectory.DeviceKeys(registrationId, identityKey, signedPreKey(1), kyber(999), ecKeys, pqKeys);
    }
}
