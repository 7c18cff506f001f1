package io.chatsdk.appliance;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.spi.AesGcmKeyProvider;
import io.chatsdk.jakarta.ChatApiSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Wires the engine and the API settings from the appliance's configuration. */
@ApplicationScoped
public class EngineProducer {
    @Inject
    ApplianceConfig config;

    @Inject
    Database database;

    // ChatEngine and ChatApiSettings are final, so they cannot be proxied: @Singleton, not @ApplicationScoped.
    @Produces
    @Singleton
    ChatEngine engine() {
        return ChatEngine.builder()
                .dataSource(database.dataSource())
                .keyProvider(AesGcmKeyProvider.fromBase64(config.masterKey()))
                .build();
    }

    void close(@Disposes ChatEngine engine) {
        engine.close();
    }

    @Produces
    @Singleton
    ChatApiSettings settings() {
        return config.apiSettings();
    }
}
