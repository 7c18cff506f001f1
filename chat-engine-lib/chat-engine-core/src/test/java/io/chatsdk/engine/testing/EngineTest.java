package io.chatsdk.engine.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of integration tests that need one engine on a fresh embedded-PostgreSQL database per test class. */
public abstract class EngineTest {
    protected static EngineFixture fx;

    @BeforeAll
    static void startEngine() {
        fx = new EngineFixture();
    }

    @AfterAll
    static void stopEngine() {
        fx.close();
    }
}
