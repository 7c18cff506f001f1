package io.chatsdk.engine.internal;

import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.redact.DetectorKind;
import io.chatsdk.engine.redact.FieldFinding;
import io.chatsdk.engine.redact.RedactionPolicy;
import io.chatsdk.engine.redact.RedactionSettings;
import io.chatsdk.engine.redact.Redactor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Each app's {@link Redactor}, built from the {@code redaction} entry of the app's settings and cached per node for
 * {@link #TTL} (a change made on this node applies at once). Applies the policy to a message's content before it is
 * sealed, stored or published. Thread-safe.
 */
public final class Redactors {
    public static final Duration TTL = Duration.ofSeconds(10);
    private final NodeCache<UUID, Redactor> cache;

    public Redactors(Clock clock) {
        this.cache = new NodeCache<>(clock, TTL);
    }

    public Redactor of(Tx tx, AppId app) {
        return cache.get(app.value(), () -> new Redactor(settings(AppSettings.read(tx, app))));
    }

    @SuppressWarnings("unchecked")
    static RedactionSettings settings(Map<String, Object> appSettings) {
        Object r = appSettings.get("redaction");
        return r instanceof Map<?, ?> m ? RedactionSettings.fromMap((Map<String, ?>) m) : RedactionSettings.DEFAULT;
    }

    /** Stores an app's settings and drops this node's cached redactor. */
    public void set(Tx tx, AppId app, RedactionSettings settings) {
        AppSettings.put(tx, app, "redaction", settings.toMap());
        cache.forget(app.value());
    }

    /**
     * Applies the app's policy to any JSON-like value (a custom event's fields): masked under {@code mask}, refused
     * with {@code sensitive_data} under {@code reject}, untouched under {@code off}.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> applyValue(Tx tx, AppId app, String path, Map<String, Object> value) {
        Redactor r = of(tx, app);
        if (r.settings().policy() == RedactionPolicy.OFF) {
            return value;
        }
        Redactor.ValueResult result = r.redactValue(path, value);
        if (r.settings().policy() == RedactionPolicy.REJECT && result.hasFindings()) {
            throw refusal(result.findings());
        }
        return (Map<String, Object>) result.value();
    }

    private static ChatException refusal(List<FieldFinding> all) {
        TreeSet<String> kinds = new TreeSet<>();
        TreeSet<String> fields = new TreeSet<>();
        for (FieldFinding f : all) {
            kinds.add(f.finding().kind() == DetectorKind.CUSTOM ? f.finding().patternName() : f.finding().kind().wire());
            fields.add(f.path());
        }
        return new ChatException(ErrorCode.SENSITIVE_DATA, "the message contains sensitive data (" + String.join(", ", kinds)
                + ") in " + String.join(", ", fields) + "; this app rejects such messages", fields.first(), null);
    }

    /**
     * Applies the app's policy to a message's content: {@code off} leaves it, {@code mask} masks what was found,
     * {@code reject} refuses the message with {@code sensitive_data}, naming the fields and kinds (never the values).
     */
    @SuppressWarnings("unchecked")
    public MessageContent apply(Tx tx, AppId app, MessageContent content) {
        Redactor r = of(tx, app);
        if (r.settings().policy() == RedactionPolicy.OFF) {
            return content;
        }
        Redactor.Result text = r.redact(content.text());
        Redactor.ValueResult atts = r.redactValue("attachments", content.attachments());
        Redactor.ValueResult custom = r.redactValue("custom", content.custom());
        if (r.settings().policy() == RedactionPolicy.REJECT && (text.hasFindings() || atts.hasFindings() || custom.hasFindings())) {
            List<FieldFinding> all = new ArrayList<>();
            text.findings().forEach(f -> all.add(new FieldFinding("text", f)));
            all.addAll(atts.findings());
            all.addAll(custom.findings());
            throw refusal(all);
        }
        return new MessageContent(text.text(), (List<Map<String, Object>>) atts.value(), (Map<String, Object>) custom.value());
    }
}
