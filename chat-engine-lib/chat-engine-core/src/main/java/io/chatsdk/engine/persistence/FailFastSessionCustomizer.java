package io.chatsdk.engine.persistence;

import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.Session;
import org.eclipse.persistence.sessions.SessionCustomizer;

/**
 * Turns off EclipseLink's own retries when a connection fails (by default it retries three times, 5 s apart, while
 * holding the caller). The pool already waits for a connection up to its timeout; after that the engine answers
 * {@code unavailable} at once and the client retries, which keeps an outage's failures quick and bounded.
 */
public final class FailFastSessionCustomizer implements SessionCustomizer {
    @Override
    public void customize(Session session) {
        if (session.getDatasourceLogin() instanceof DatabaseLogin login) {
            login.setQueryRetryAttemptCount(0);
            login.setDelayBetweenConnectionAttempts(0);
        }
    }
}
