package io.chatsdk.jakarta;

import io.chatsdk.engine.model.App;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #14 item 2: unknown API keys are cached as unknown, so a flood of made-up keys does not query per request. */
class AppDirectoryTest {
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void anUnknownKeyCostsOneLookupPerCachePeriod() {
        AtomicInteger lookups = new AtomicInteger();
        MovableClock clock = new MovableClock();
        AppDirectory apps = new AppDirectory((key, now) -> {
            lookups.incrementAndGet();
            return Optional.empty();
        }, Duration.ofSeconds(10), clock);
        for (int i = 0; i < 1_000; i++) {
            assertThat(apps.byApiKey("made-up")).isEmpty();
        }
        assertThat(lookups).hasValue(1);
        clock.now = clock.now.plusSeconds(11);
        assertThat(apps.byApiKey("made-up")).isEmpty();
        assertThat(lookups).hasValue(2);
        apps.invalidate("made-up");
        apps.byApiKey("made-up");
        assertThat(lookups).hasValue(3);
    }

    @Test
    void aKnownKeyIsCachedAndAFloodOfOthersDoesNotEvictItAllAtOnce() {
        AtomicInteger lookups = new AtomicInteger();
        App app = new App(AppId.parse("00000000-0000-0000-0000-0000000000b1"), "acme", "known", java.util.Map.of(), false, null, Instant.EPOCH, Instant.EPOCH, null);
        AppDirectory apps = new AppDirectory((key, now) -> {
            lookups.incrementAndGet();
            return key.equals("known") ? Optional.of(new AppDirectory.Entry(app, "secret", null, now)) : Optional.empty();
        }, Duration.ofMinutes(5), Clock.systemUTC());
        assertThat(apps.byApiKey("known")).isPresent();
        for (int i = 0; i < 20_000; i++) {
            apps.byApiKey("made-up-" + i);
            if (i % 100 == 0) {
                apps.byApiKey("known");   // in use: a bounded cache keeps what is used
            }
        }
        int before = lookups.get();
        assertThat(apps.byApiKey("known")).isPresent();
        assertThat(lookups.get()).as("the known key was still cached").isEqualTo(before);
        assertThat(apps.cached("known")).isPresent();
    }

    /**
     * A look-up that read the app before a rotation and finished after this node invalidated the key must not put the
     * old secret back in the cache, where it would count as current for a whole cache period.
     */
    @Test
    void aLookUpThatStartedBeforeAnInvalidationDoesNotCacheWhatItRead() throws Exception {
        App app = new App(AppId.parse("00000000-0000-0000-0000-0000000000b2"), "acme", "rotating", java.util.Map.of(), false, null, Instant.EPOCH, Instant.EPOCH, null);
        java.util.concurrent.atomic.AtomicReference<String> secret = new java.util.concurrent.atomic.AtomicReference<>("old-secret");
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch rotated = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        AppDirectory apps = new AppDirectory((key, now) -> {
            String read = secret.get();   // the database's answer, before the rotation commits
            if (lookups.incrementAndGet() == 1) {
                reading.countDown();
                try {
                    if (!rotated.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the rotation never came");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return Optional.of(new AppDirectory.Entry(app, read, null, now));
        }, Duration.ofSeconds(30), new MovableClock());
        java.util.concurrent.CompletableFuture<Optional<AppDirectory.Entry>> slow =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> apps.byApiKey("rotating"));
        assertThat(reading.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the slow look-up began").isTrue();
        secret.set("new-secret");      // the rotation commits
        apps.invalidate("rotating");   // and this node forgets the key
        rotated.countDown();
        assertThat(slow.get(30, java.util.concurrent.TimeUnit.SECONDS).orElseThrow().secret()).as("the slow request's own answer").isEqualTo("old-secret");
        assertThat(apps.byApiKey("rotating").orElseThrow().secret()).isEqualTo("new-secret");
        assertThat(lookups).as("the old read was not cached").hasValue(2);
    }
}
