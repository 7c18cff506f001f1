package io.chatsdk.connectors.fcm;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalEndpointTransportTest {

    @Test
    void acceptsOnlyPlainHttpOnLoopbackBecauseTokensTravelInTheClear() {
        assertThatCode(() -> LocalEndpointTransport.to(URI.create("http://127.0.0.1:8080"))).doesNotThrowAnyException();
        assertThatCode(() -> LocalEndpointTransport.to(URI.create("http://localhost:8080"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> LocalEndpointTransport.to(URI.create("http://192.0.2.10:8080")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> LocalEndpointTransport.to(URI.create("https://127.0.0.1:8443")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
    }
}
