package io.chatsdk.engine.e2ee;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class XEdDSATest {
    private static final HexFormat HEX = HexFormat.of();
    /** libsignal's own XEdDSA test vector (rust/core curve25519 tests): a signed prekey and its signature; sign bit 1. */
    private static final byte[] PUB = HEX.parseHex("ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64");
    private static final byte[] MSG = HEX.parseHex("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a");
    private static final byte[] SIG = HEX.parseHex("5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfb"
            + "ede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88");

    @Test
    void acceptsLibsignalsVectorAndRefusesEveryFlippedBit() {
        assertThat(XEdDSA.verify(PUB, MSG, SIG)).isTrue();
        for (int i = 0; i < 64; i++) {
            byte[] t = SIG.clone();
            t[i] ^= 1;
            assertThat(XEdDSA.verify(PUB, MSG, t)).as("signature byte %d flipped", i).isFalse();
        }
        byte[] m = MSG.clone();
        m[7] ^= 1;
        assertThat(XEdDSA.verify(PUB, m, SIG)).isFalse();
        byte[] p = PUB.clone();
        p[3] ^= 1;
        assertThat(XEdDSA.verify(p, MSG, SIG)).isFalse();
    }

    @Test
    void acceptsSignaturesOfBothSignsFromTheTestSigner() {
        int[] signs = new int[2];
        for (int i = 0; i < 40; i++) {
            TestKeys keys = new TestKeys();
            byte[] prekey = TestKeys.ecKey();
            byte[] sig = keys.sign(prekey);
            signs[(sig[63] & 0x80) == 0 ? 0 : 1]++;
            byte[] u = java.util.Arrays.copyOfRange(keys.identityKey, 1, 33);
            assertThat(XEdDSA.verify(u, prekey, sig)).isTrue();
            assertThat(XEdDSA.verify(u, TestKeys.ecKey(), sig)).isFalse();
        }
        assertThat(signs[0]).as("sign bit 0 seen").isPositive();
        assertThat(signs[1]).as("sign bit 1 seen").isPositive();
    }

    @Test
    void refusesMalformedInput() {
        assertThat(XEdDSA.verify(new byte[31], MSG, SIG)).isFalse();
        assertThat(XEdDSA.verify(PUB, MSG, new byte[63])).isFalse();
        assertThat(XEdDSA.verify(null, MSG, SIG)).isFalse();
        byte[] minusOne = HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"); // u = p - 1
        assertThat(XEdDSA.verify(minusOne, MSG, SIG)).isFalse();
        byte[] bigS = SIG.clone();
        bigS[63] |= 0x60;
        assertThat(XEdDSA.verify(PUB, MSG, bigS)).isFalse();
    }
}
