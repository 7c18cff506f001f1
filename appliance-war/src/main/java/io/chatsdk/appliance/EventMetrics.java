package io.chatsdk.appliance;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.spi.EventBus;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Application metrics at {@code /metrics?scope=application}: {@code chatsdk_events_total{type=...}} counts the committed
 * events the engine published (messages sent, reactions, member changes, ...), clients' custom events under
 * {@code type="custom"}. Payara adds the base and vendor metrics.
 */
@ApplicationScoped
public class EventMetrics {
    @Inject
    MetricRegistry registry;

    private EventBus.Subscription subscription;

    void start(ChatEngine engine) {
        // clients choose custom event types, so they share one tag value: a tag per type would let them grow the registry
        subscription = engine.eventBus().subscribe(e -> registry.counter("chatsdk_events_total",
                new Tag("type", io.chatsdk.engine.event.EventType.of(e.type()).map(io.chatsdk.engine.event.EventType::wireName).orElse("custom"))).inc());
    }

    @PreDestroy
    void stop() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
