package io.chatsdk.engine.spi;

class InProcessEventBusTest extends EventBusContract {
    @Override
    protected EventBus newBus() {
        return new InProcessEventBus();
    }
}
