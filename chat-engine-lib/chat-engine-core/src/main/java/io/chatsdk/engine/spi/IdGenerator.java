package io.chatsdk.engine.spi;

import com.github.f4b6a3.uuid.UuidCreator;

import java.util.UUID;

/**
 * Makes the engine's ids. The default makes time-ordered UUIDv7s (uuid-creator), which keep B-tree inserts
 * local. Tests may inject a deterministic generator. Thread-safe.
 */
@FunctionalInterface
public interface IdGenerator {
    UUID next();

    static IdGenerator uuidV7() {
        return UuidCreator::getTimeOrderedEpoch;
    }
}
