package io.chatsdk.engine.e2ee;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.math.BigInteger;

/**
 * Verifies XEdDSA signatures (signal.org/docs/specifications/xeddsa) as the Signal protocol makes them: a Curve25519
 * identity key signs with a 64-byte Ed25519-style signature whose last byte carries the sign bit of the Edwards form
 * of the key. Verification converts the Montgomery {@code u} to Edwards {@code y = (u - 1) / (u + 1) mod p}, takes the
 * sign bit from the signature, and runs Bouncy Castle's Ed25519 verification. Written from the specification so that
 * the server never links libsignal (AGPLv3). Thread-safe.
 */
final class XEdDSA {
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private XEdDSA() {
    }

    /** True when {@code signature} is {@code publicKey}'s (32-byte Montgomery u, little-endian) XEdDSA signature of {@code message}. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != 32 || signature == null || signature.length != 64 || message == null) {
            return false;
        }
        byte[] le = publicKey.clone();
        le[31] &= 0x7F;   // the top bit of u is not part of the field element
        BigInteger u = new BigInteger(1, reverse(le)).mod(P);
        BigInteger uPlusOne = u.add(BigInteger.ONE).mod(P);
        if (uPlusOne.signum() == 0) {
            return false;   // u = -1 has no Edwards point
        }
        BigInteger y = u.subtract(BigInteger.ONE).mod(P).multiply(uPlusOne.modInverse(P)).mod(P);
        byte[] edwards = reverse(fixed(y));
        edwards[31] |= (byte) (signature[63] & 0x80);   // the sign bit of x travels in the signature
        byte[] s = signature.clone();
        s[63] &= 0x7F;
        if ((s[63] & 0xE0) != 0) {
            return false;   // s must be below 2^253
        }
        try {
            return Ed25519.verify(s, 0, edwards, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;   // a point that does not decode
        }
    }

    /** Whether a 32-byte little-endian Montgomery {@code u} is in its one canonical form: the top bit clear and below p. */
    static boolean canonical(byte[] u) {
        return u.length == 32 && (u[31] & 0x80) == 0 && new BigInteger(1, reverse(u)).compareTo(P) < 0;
    }

    /** {@code b} in the other byte order (little-endian field elements, big-endian BigIntegers). */
    static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    /** {@code v} as 32 big-endian bytes. */
    static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] r = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, r, 32 - n, n);
        return r;
    }
}
