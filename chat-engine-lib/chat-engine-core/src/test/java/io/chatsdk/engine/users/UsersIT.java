package io.chatsdk.engine.users;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.model.User;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsersIT extends EngineTest {

    @Test
    void upsertCreatesThenUpdatesKeepingUnsetFields() {
        AppHandle app = fx.newApp(0);
        User created = app.users().upsert(new UserInput("alice", "Alice", "https://img.example.com/a.png", null, Map.of("team", "red")));
        assertThat(created.role()).isEqualTo("user");
        assertThat(created.custom()).containsEntry("team", "red");
        User updated = app.users().upsert(UserInput.of("alice").withRole("admin"));
        assertThat(updated.name()).isEqualTo("Alice");
        assertThat(updated.image()).isEqualTo("https://img.example.com/a.png");
        assertThat(updated.role()).isEqualTo("admin");
        assertThat(updated.custom()).containsEntry("team", "red");
        assertThat(updated.createdAt()).isEqualTo(created.createdAt());
    }

    @Test
    void batchUpsertIsAllOrNothing() {
        AppHandle app = fx.newApp(0);
        assertThatThrownBy(() -> app.users().upsertAll(List.of(UserInput.of("ok"), UserInput.of("not ok"))))
                .extracting("field").isEqualTo("users[1].id");
        assertThat(app.users().find("ok")).isEmpty();
        assertThatThrownBy(() -> app.users().upsertAll(List.of())).extracting("field").isEqualTo("users");
    }

    @Test
    void rejectsBadInput() {
        AppHandle app = fx.newApp(0);
        assertThatThrownBy(() -> app.users().upsert(UserInput.of("x".repeat(256)))).extracting("field").isEqualTo("users[0].id");
        assertThatThrownBy(() -> app.users().upsert(UserInput.of("bob").withName("B\uDC00b"))).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> app.users().upsert(UserInput.of("bob").withRole("Super User"))).extracting("field").isEqualTo("users[0].role");
        assertThatThrownBy(() -> app.users().upsert(UserInput.of("bob").withCustom(Map.of("role", "admin")))).extracting("field").isEqualTo("users[0].custom.role");
        assertThatThrownBy(() -> app.as("bob").users().upsert(UserInput.of("bob"))).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void lifecycleDeactivateBanRevoke() {
        AppHandle app = fx.newApp(1);
        assertThat(app.users().deactivate("u1").deactivated()).isTrue();
        assertThat(app.users().reactivate("u1").deactivated()).isFalse();
        Instant until = Instant.now().plusSeconds(3600);
        User banned = app.users().ban("u1", until, "spam");
        assertThat(banned.bannedAt(Instant.now())).isTrue();
        assertThat(banned.bannedAt(until.plusSeconds(1))).isFalse();
        assertThat(app.users().unban("u1").banned()).isFalse();
        Instant cutoff = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(app.users().revokeTokensIssuedBefore("u1", cutoff).revokeTokensIssuedBefore()).isEqualTo(cutoff);
        app.users().touch("u1");
        assertThat(app.users().get("u1").lastActiveAt()).isNotNull();
        assertThatThrownBy(() -> app.users().deactivate("ghost")).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
        assertThat(fx.events(app, e -> e.type().startsWith("user."))).extracting("type")
                .containsExactly("user.deactivated", "user.reactivated", "user.banned", "user.unbanned", "user.updated");
    }

    @Test
    void queryWithFiltersAndSorts() {
        AppHandle app = fx.newApp(0);
        app.users().upsertAll(List.of(new UserInput("ann", "Ann Lee", null, "admin", Map.of("dept", "ops")),
                new UserInput("ben", "Ben Stone", null, null, Map.of("dept", "dev")),
                new UserInput("cat", "Cat Annan", null, null, Map.of("dept", "dev"))));
        app.users().ban("cat", null, null);
        assertThat(app.users().query(Map.of("dept", "dev"), List.of(SortField.asc("id")), 10, 0)).extracting(User::id).containsExactly("ben", "cat");
        assertThat(app.users().query(Map.of("role", "admin"), null, 10, 0)).extracting(User::id).containsExactly("ann");
        assertThat(app.users().query(Map.of("banned", true), null, 10, 0)).extracting(User::id).containsExactly("cat");
        assertThat(app.users().query(Map.of("name", Map.of("$autocomplete", "ann")), List.of(SortField.asc("id")), 10, 0))
                .extracting(User::id).containsExactly("ann", "cat");
        assertThat(app.users().query(Map.of("id", Map.of("$in", List.of("ann", "ben"))), List.of(SortField.desc("id")), 10, 0))
                .extracting(User::id).containsExactly("ben", "ann");
        assertThat(app.users().query(Map.of(), List.of(SortField.asc("id")), 1, 1)).extracting(User::id).containsExactly("ben");
        assertThatThrownBy(() -> app.users().query(Map.of("role", Map.of("$foo", 1)), null, 10, 0)).hasMessageContaining("unknown operator");
        assertThatThrownBy(() -> app.users().query(Map.of(), List.of(SortField.asc("password")), 10, 0)).extracting("field").isEqualTo("sort");
        AppHandle other = fx.newApp(0);
        assertThat(other.users().query(Map.of("id", "ann"), null, 10, 0)).isEmpty();
    }
}
