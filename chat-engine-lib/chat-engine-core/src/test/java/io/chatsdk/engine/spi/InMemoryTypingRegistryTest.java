package io.chatsdk.engine.spi;

import java.time.Clock;

class InMemoryTypingRegistryTest extends TypingRegistryContract {
    @Override
    protected TypingRegistry newRegistry() {
        return new InMemoryTypingRegistry(Clock.systemUTC());
    }
}
