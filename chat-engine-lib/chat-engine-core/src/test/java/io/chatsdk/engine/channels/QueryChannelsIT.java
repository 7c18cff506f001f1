package io.chatsdk.engine.channels;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.ChannelQuery;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.testing.EngineFixture;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryChannelsIT {
    static EngineFixture fx;
    static AppHandle app;

    @BeforeAll
    static void start() {
        fx = new EngineFixture();
        app = fx.newApp(4);
        app.channels().getOrCreate("messaging", "alpha", ChannelInput.withMembers("u1", List.of("u2")).withName("Alpha Team")
                .withCustom(Map.of("region", "eu", "priority", 3)));
        app.channels().getOrCreate("messaging", "beta", ChannelInput.withMembers("u1", List.of("u3")).withName("Beta Squad")
                .withCustom(Map.of("region", "us", "priority", 1)));
        app.channels().getOrCreate("team", "gamma", ChannelInput.withMembers("u2", List.of("u3", "u4")).withName("Gamma"));
        app.as("u2").messages().send(new Cid("messaging", "alpha"), NewMessage.text("new in alpha"));
        app.as("u3").messages().send(new Cid("team", "gamma"), NewMessage.text("new in gamma"));
        app.channels().freeze(new Cid("team", "gamma"), true);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static List<String> ids(List<Channel> channels) {
        return channels.stream().map(c -> c.cid().id()).toList();
    }

    private static List<String> query(Map<String, Object> filter, SortField... sort) {
        return ids(app.channels().query(ChannelQuery.of(filter).sortedBy(sort)));
    }

    @Test
    void operatorsOnBuiltInFields() {
        assertThat(query(Map.of("type", "messaging"), SortField.asc("created_at"))).containsExactly("alpha", "beta");
        assertThat(query(Map.of("type", Map.of("$ne", "messaging")))).containsExactly("gamma");
        assertThat(query(Map.of("cid", Map.of("$in", List.of("messaging:beta", "team:gamma"))), SortField.asc("created_at"))).containsExactly("beta", "gamma");
        assertThat(query(Map.of("id", Map.of("$nin", List.of("alpha"))), SortField.asc("created_at"))).containsExactly("beta", "gamma");
        assertThat(query(Map.of("frozen", true))).containsExactly("gamma");
        assertThat(query(Map.of("member_count", Map.of("$gte", 3)))).containsExactly("gamma");
        assertThat(query(Map.of("member_count", Map.of("$lt", 3)), SortField.asc("created_at"))).containsExactly("alpha", "beta");
        assertThat(query(Map.of("last_message_at", Map.of("$exists", false)))).containsExactly("beta");
        assertThat(query(Map.of("created_at", Map.of("$gt", "2000-01-01T00:00:00Z")))).hasSize(3);
        assertThat(query(Map.of("name", Map.of("$autocomplete", "squ")))).containsExactly("beta");
        assertThat(query(Map.of("name", Map.of("$autocomplete", "alp")))).containsExactly("alpha");
        assertThat(query(Map.of("$or", List.of(Map.of("id", "alpha"), Map.of("id", "gamma"))), SortField.asc("created_at"))).containsExactly("alpha", "gamma");
        assertThat(query(Map.of("$and", List.of(Map.of("type", "messaging"), Map.of("name", "Beta Squad"))))).containsExactly("beta");
    }

    @Test
    void membersAndCustomFields() {
        assertThat(query(Map.of("members", Map.of("$in", List.of("u4"))))).containsExactly("gamma");
        assertThat(query(Map.of("members", Map.of("$nin", List.of("u1"))))).containsExactly("gamma");
        assertThat(query(Map.of("members", Map.of("$eq", List.of("u1", "u2"))))).containsExactly("alpha");
        assertThat(query(Map.of("region", "eu"))).containsExactly("alpha");
        assertThat(query(Map.of("priority", Map.of("$gt", 2)))).containsExactly("alpha");
        assertThat(query(Map.of("region", Map.of("$in", List.of("us", "apac"))))).containsExactly("beta");
        assertThat(query(Map.of("region", Map.of("$exists", false)))).containsExactly("gamma");
    }

    @Test
    void sortsAndPaging() {
        assertThat(query(Map.of(), SortField.desc("member_count"), SortField.asc("created_at"))).containsExactly("gamma", "alpha", "beta");
        assertThat(query(Map.of(), SortField.desc("last_message_at"))).containsExactly("gamma", "alpha", "beta");
        assertThat(ids(app.channels().query(ChannelQuery.of(Map.of()).sortedBy(SortField.asc("created_at")).page(1, 1)))).containsExactly("beta");
        assertThatThrownBy(() -> ChannelQuery.of(Map.of()).page(31, 0)).extracting("field").isEqualTo("limit");
        assertThatThrownBy(() -> ChannelQuery.of(Map.of()).page(10, 1001)).extracting("field").isEqualTo("offset");
        assertThatThrownBy(() -> query(Map.of(), SortField.asc("name"))).extracting("field").isEqualTo("sort");
    }

    @Test
    void userPerspectiveUnreadAndHidden() {
        AppHandle u2 = app.as("u2");
        assertThat(ids(u2.channels().query(ChannelQuery.of(Map.of()).sortedBy(SortField.asc("created_at"))))).containsExactly("alpha", "gamma");
        assertThat(ids(app.as("u1").channels().query(ChannelQuery.of(Map.of("has_unread", true))))).containsExactly("alpha");
        assertThat(ids(app.channels().query(ChannelQuery.of(Map.of("has_unread", true)).forUser("u4")))).containsExactly("gamma");
        app.as("u4").channels().hide(new Cid("team", "gamma"), null);
        assertThat(ids(app.as("u4").channels().query(ChannelQuery.of(Map.of())))).isEmpty();
        assertThat(ids(app.as("u4").channels().query(ChannelQuery.of(Map.of("hidden", true))))).containsExactly("gamma");
        app.as("u4").channels().show(new Cid("team", "gamma"), null);
        assertThatThrownBy(() -> app.channels().query(ChannelQuery.of(Map.of("has_unread", true)))).extracting("field").isEqualTo("has_unread");
    }

    @Test
    void anotherAppSeesNothing() {
        AppHandle other = fx.newApp(1);
        assertThat(other.channels().query(ChannelQuery.of(Map.of()))).isEmpty();
        assertThat(other.as("u1").channels().query(ChannelQuery.of(Map.of("cid", "messaging:alpha")))).isEmpty();
    }

    @Test
    void hostileFiltersAreValidationErrors() {
        assertThatThrownBy(() -> query(Map.of("type", Map.of("$regex", ".*")))).hasMessageContaining("unknown operator '$regex'");
        assertThatThrownBy(() -> query(Map.of("$where", "1=1"))).extracting("field").isEqualTo("$where");
        assertThatThrownBy(() -> query(Map.of("name'; drop table channel; --", "x"))).hasMessageContaining("unknown filter field");
        assertThatThrownBy(() -> query(Map.of("frozen", "yes"))).hasMessageContaining("expects true or false");
        assertThatThrownBy(() -> query(Map.of("created_at", Map.of("$gt", "yesterday")))).hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> query(Map.of("members", Map.of("$in", List.of())))).extracting("field").isEqualTo("members");
        assertThatThrownBy(() -> query(Map.of("type", Map.of("$in", "messaging")))).hasMessageContaining("$in needs a list");
        assertThatThrownBy(() -> query(Map.of("$or", List.of()))).extracting("field").isEqualTo("$or");
        assertThatThrownBy(() -> query(Map.of("name", Map.of("$autocomplete", "bad\uD800")))).hasMessageContaining("lone surrogate");
        // a custom field named like SQL is only ever a bound jsonb key
        assertThat(query(Map.of("drop_table", "x"))).isEmpty();
    }
}
