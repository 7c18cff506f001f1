package io.chatsdk.engine.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MemberListsTest {
    private final UUID channel = UUID.randomUUID();

    @Test
    void aListIsAnsweredOnlyForTheNumberItWasReadWith() {
        MemberLists lists = new MemberLists(10, 1_000);
        assertThat(lists.at(channel, 3)).isNull();
        lists.keep(channel, 3, List.of("a", "b"));
        assertThat(lists.at(channel, 3).userIds()).containsExactly("a", "b");
        assertThat(lists.at(channel, 4)).as("the members changed since").isNull();
        assertThat(lists.at(UUID.randomUUID(), 3)).isNull();
    }

    @Test
    void aListReadLaterButOlderNeverReplacesANewerOne() {
        MemberLists lists = new MemberLists(10, 1_000);
        lists.keep(channel, 5, List.of("a", "b", "c"));
        MemberLists.Members late = lists.keep(channel, 4, List.of("a"));
        assertThat(late.userIds()).as("the caller still gets what it read").containsExactly("a");
        assertThat(lists.at(channel, 4)).isNull();
        assertThat(lists.at(channel, 5).userIds()).containsExactly("a", "b", "c");
        lists.keep(channel, 6, List.of("b"));
        assertThat(lists.at(channel, 6).userIds()).containsExactly("b");
    }

    @Test
    void aChannelOverTheLimitIsKeptOnlyAsTooMany() {
        MemberLists lists = new MemberLists(2, 1_000);
        MemberLists.Members read = lists.keep(channel, 1, List.of("a", "b", "c"));
        assertThat(read.tooMany()).isTrue();
        assertThat(lists.at(channel, 1).tooMany()).isTrue();
        assertThat(lists.keep(channel, 2, List.of("a", "b")).tooMany()).isFalse();
        assertThat(lists.at(channel, 2).userIds()).containsExactly("a", "b");
    }

    @Test
    void theListsKeptAreBoundedByTheirMemberIds() {
        MemberLists lists = new MemberLists(100, 250);
        List<UUID> channels = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            members.add("u" + i);
        }
        for (int i = 0; i < 20; i++) {
            UUID pk = UUID.randomUUID();
            channels.add(pk);
            lists.keep(pk, 1, members);
        }
        lists.cleanUp();
        long kept = channels.stream().filter(pk -> lists.at(pk, 1) != null).count();
        assertThat(kept).as("100 ids each, 250 in all").isBetween(1L, 2L);
    }
}
