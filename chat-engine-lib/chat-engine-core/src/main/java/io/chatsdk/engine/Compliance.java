package io.chatsdk.engine;

import io.chatsdk.engine.internal.EngineContext;

/**
 * The compliance side of one app, for a compliance officer or the operator (server side, no user permissions):
 * legal holds, retention, data keys, exports and data subject requests. Obtain it with
 * {@link ChatEngine#compliance(AppId)}. Thread-safe.
 */
public final class Compliance {
    private final EngineContext ctx;
    private final AppId app;

    Compliance(EngineContext ctx, AppId app) {
        this.ctx = ctx;
        this.app = app;
    }

    public AppId app() {
        return app;
    }

    public LegalHolds holds() {
        return new LegalHolds(ctx, app);
    }

    public Retention retention() {
        return new Retention(ctx, app);
    }

    public DataKeys keys() {
        return new DataKeys(ctx, app);
    }
}
