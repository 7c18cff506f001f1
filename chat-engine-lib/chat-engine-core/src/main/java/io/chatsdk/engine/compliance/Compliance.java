package io.chatsdk.engine.compliance;

import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.redact.RedactionSettings;
import io.chatsdk.engine.types.AppId;

import java.util.Map;

/**
 * The compliance side of one app, for a compliance officer or the operator (server side, no user permissions):
 * legal holds, retention, data keys, exports and data subject requests. Obtain it with
 * {@code engine.app(appId).compliance()}. Thread-safe.
 */
public final class Compliance {
    private final EngineContext ctx;
    private final AppId app;
    private final ExportJobs.Runner exportRunner;

    public Compliance(EngineContext ctx, AppId app) {
        this(ctx, app, null);
    }

    /** With the engine's export job runner ({@code null} when the engine keeps no files). */
    public Compliance(EngineContext ctx, AppId app, ExportJobs.Runner exportRunner) {
        this.ctx = ctx;
        this.app = app;
        this.exportRunner = exportRunner;
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

    public ComplianceExport exports() {
        return new ComplianceExport(ctx, app);
    }

    /**
     * Exports and data subject exports as background jobs with progress, kept sealed for a day. Needs the engine's
     * {@code blobStore}; without one, {@code feature_disabled} (the streaming {@link #exports()} still work).
     */
    public ExportJobs exportJobs() {
        if (exportRunner == null) {
            throw new io.chatsdk.engine.types.ChatException(io.chatsdk.engine.types.ErrorCode.FEATURE_DISABLED,
                    "export jobs keep their files in the engine's blob store, and this engine has none: ChatEngine.builder().blobStore(...)");
        }
        return exportRunner.of(app);
    }

    public DataSubjects dataSubjects() {
        return new DataSubjects(ctx, app, exportRunner == null ? null : user -> exportRunner.of(app).forgetDataSubject(user));
    }

    /** The app's PAN/PHI redaction settings (policy {@code off} until set). */
    public RedactionSettings redaction() {
        return ctx.db().read(tx -> ctx.redactors().of(tx, app).settings());
    }

    /**
     * Applies the app's redaction policy to a value about to be published without being stored (a client's custom
     * event): masked, refused with {@code sensitive_data}, or returned as it is when the policy is {@code off}.
     */
    public Map<String, Object> redact(String path, Map<String, Object> value) {
        return ctx.db().read(tx -> ctx.redactors().applyValue(tx, app, path, value));
    }

    /** Replaces the app's redaction settings; applies to messages sent or edited from now on (other nodes within 10 s). */
    public RedactionSettings setRedaction(RedactionSettings settings) {
        ctx.db().inTransaction(tx -> {
            ctx.redactors().set(tx, app, settings);
            return null;
        });
        ctx.audit().record(io.chatsdk.engine.audit.AuditEntry.system(app, "redaction.set", "app", app.toString(),
                Map.of("policy", settings.policy().wire())));
        return settings;
    }
}
