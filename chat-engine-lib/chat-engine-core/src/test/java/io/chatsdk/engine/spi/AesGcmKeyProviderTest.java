package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesGcmKeyProviderTest {
    private final byte[] key = new byte[32];
    private final KeyProvider provider = KeyProvider.aesGcm(key);
    private final byte[] ctx = "app-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTripWithFreshNonces() {
        byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);
        byte[] a = provider.wrap(secret, ctx);
        byte[] b = provider.wrap(secret, ctx);
        assertThat(a).isNotEqualTo(b);
        assertThat(provider.unwrap(a, ctx)).isEqualTo(secret);
    }

    @Test
    void tamperingOrWrongContextFails() {
        byte[] wrapped = provider.wrap("s3cret".getBytes(StandardCharsets.UTF_8), ctx);
        wrapped[wrapped.length - 1] ^= 1;
        assertThatThrownBy(() -> provider.unwrap(wrapped, ctx)).isInstanceOf(SecurityException.class);
        byte[] fresh = provider.wrap("s3cret".getBytes(StandardCharsets.UTF_8), ctx);
        assertThatThrownBy(() -> provider.unwrap(fresh, "app-2".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> provider.unwrap(new byte[3], ctx)).hasMessage("wrapped value is malformed");
    }

    @Test
    void keyMustBe32Bytes() {
        assertThatThrownBy(() -> KeyProvider.aesGcm(new byte[16])).hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> AesGcmKeyProvider.fromBase64("not base64!")).hasMessageContaining("base64");
        assertThat(AesGcmKeyProvider.fromBase64(Base64.getEncoder().encodeToString(new byte[32]))).isNotNull();
    }
}
