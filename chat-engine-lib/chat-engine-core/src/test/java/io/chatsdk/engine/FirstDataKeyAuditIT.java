package io.chatsdk.engine;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.audit.AuditScope;
import io.chatsdk.engine.testing.EngineTest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An app's first data key is created in a transaction of its own, inside the request that first seals something. That
 * transaction is the key's, not the request's: it must not commit the request's audit record, which belongs to the
 * request's own transaction and must not exist when that transaction fails.
 */
class FirstDataKeyAuditIT extends EngineTest {

    @Test
    void aRequestThatFailsAfterItsAppsFirstSealedWriteLeavesNoRecordOfSuccess() {
        AppHandle app = fx.newApp(0);
        String keys = "select count(*) from app_data_key where app_id = '" + app.id().value() + "'";
        String records = "select (select count(*) from audit_pending where action = 'test.first-key')"
                + " + (select count(*) from audit_log where action = 'test.first-key')";
        assertThat(fx.count(keys)).as("the app's data keys before").isZero();
        AuditEntry entry = new AuditEntry(app.id(), "user", "u1", "user", "test.first-key", "message", "k1", null, null, true, null, Map.of());
        try (AuditScope scope = AuditScope.open(entry)) {
            assertThatThrownBy(() -> fx.engine.ctx.db().inTransaction(tx -> {
                tx.keys().seal(tx, app.id(), "test", "k1", "content".getBytes(StandardCharsets.UTF_8));
                tx.update("update app set name = name where id = ?", app.id().value());   // the request's own write
                throw new IllegalStateException("the request fails after its first sealed write");
            })).hasMessageContaining("fails after");
            assertThat(scope.written()).as("the failed request's record counted as written").isFalse();
            assertThat(fx.count(records)).as("records of the failed request").isZero();
            // the same request's next transaction that writes commits its record, once
            fx.engine.ctx.db().inTransaction(tx -> {
                tx.keys().seal(tx, app.id(), "test", "k2", "content".getBytes(StandardCharsets.UTF_8));
                return tx.update("update app set name = name where id = ?", app.id().value());
            });
            assertThat(scope.written()).isTrue();
        }
        assertThat(fx.count(keys)).as("the key, created in its own transaction, stays").isEqualTo(1);
        assertThat(fx.count(records)).as("records of the request").isEqualTo(1);
    }
}
