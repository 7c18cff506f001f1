package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pkcs12KeyProviderTest {
    static final char[] PASSWORD = "correct horse battery".toCharArray();
    static final byte[] CONTEXT = "chatsdk:dek:app-1:1".getBytes(StandardCharsets.UTF_8);

    @Test
    void createsAKeystoreThatSurvivesReopening(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.p12");
        byte[] wrapped = Pkcs12KeyProvider.open(file, PASSWORD).wrap("data key".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Pkcs12KeyProvider reopened = Pkcs12KeyProvider.open(file, PASSWORD);
        assertThat(new String(reopened.unwrap(wrapped, CONTEXT), StandardCharsets.UTF_8)).isEqualTo("data key");
        assertThat(reopened.versions()).containsExactly(1);
    }

    @Test
    void rotationWrapsWithTheNewKeyAndStillUnwrapsTheOld(@TempDir Path dir) {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeyProvider p = Pkcs12KeyProvider.open(file, PASSWORD);
        byte[] old = p.wrap(new byte[] {1, 2, 3}, CONTEXT);
        assertThat(p.rotate()).isEqualTo(2);
        byte[] fresh = p.wrap(new byte[] {4, 5, 6}, CONTEXT);
        assertThat(fresh[4]).isEqualTo((byte) 2);
        Pkcs12KeyProvider reopened = Pkcs12KeyProvider.open(file, PASSWORD);
        assertThat(reopened.versions()).containsExactly(1, 2);
        assertThat(reopened.unwrap(old, CONTEXT)).containsExactly(1, 2, 3);
        assertThat(reopened.unwrap(fresh, CONTEXT)).containsExactly(4, 5, 6);
    }

    @Test
    void wrongPasswordTamperingAndOtherContextsAreRefused(@TempDir Path dir) {
        Path file = dir.resolve("keys.p12");
        Pkcs12KeyProvider p = Pkcs12KeyProvider.open(file, PASSWORD);
        byte[] wrapped = p.wrap(new byte[] {9}, CONTEXT);
        assertThatThrownBy(() -> Pkcs12KeyProvider.open(file, "wrong password".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong password");
        assertThatThrownBy(() -> Pkcs12KeyProvider.open(dir.resolve("other.p12"), "short".toCharArray()))
                .hasMessageContaining("at least 8 characters");
        assertThatThrownBy(() -> p.unwrap(wrapped, "chatsdk:dek:app-2:1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SecurityException.class);
        byte[] flipped = wrapped.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> p.unwrap(flipped, CONTEXT)).isInstanceOf(SecurityException.class);
        byte[] unknownVersion = wrapped.clone();
        unknownVersion[4] = 7;
        assertThatThrownBy(() -> p.unwrap(unknownVersion, CONTEXT)).isInstanceOf(SecurityException.class).hasMessageContaining("version 7");
        Pkcs12KeyProvider another = Pkcs12KeyProvider.open(dir.resolve("another.p12"), PASSWORD);
        assertThatThrownBy(() -> another.unwrap(wrapped, CONTEXT)).isInstanceOf(SecurityException.class);
    }
}
