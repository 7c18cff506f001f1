package io.chatsdk.engine.spi;

class InMemoryPresenceRegistryTest extends PresenceRegistryContract {
    @Override
    protected PresenceRegistry newRegistry() {
        return new InMemoryPresenceRegistry();
    }
}
