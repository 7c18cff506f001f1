package io.chatsdk.appliance;

import io.chatsdk.engine.ChatEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** MicroProfile Health: {@code /health/ready} needs the database; {@code /health/live} needs the engine. */
@ApplicationScoped
public class HealthChecks {
    @Inject
    Database database;

    @Inject
    ChatEngine engine;

    @Produces
    @Readiness
    HealthCheck database() {
        return () -> HealthCheckResponse.named("database").status(database.ping()).build();
    }

    @Produces
    @Liveness
    HealthCheck engine() {
        return () -> HealthCheckResponse.named("engine").status(engine != null && engine.eventBus() != null).build();
    }
}
