package io.chatsdk.engine.messaging;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UnreadCounts;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadStateIT extends EngineTest {

    @Test
    void unreadCountsMentionsAndMarkers() {
        AppHandle app = fx.newApp(3);
        Cid a = app.channels().getOrCreate("messaging", "a", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
        Cid b = app.channels().getOrCreate("messaging", "b", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message first = app.as("u1").messages().send(a, NewMessage.text("one"));
        app.as("u1").messages().send(a, NewMessage.text("two @u2").mentioning(List.of("u2", "u3")));
        app.as("u3").messages().send(a, NewMessage.text("three"));
        app.as("u1").messages().send(b, NewMessage.text("b one @u2").mentioning(List.of("u2")));

        UnreadCounts u2 = app.as("u2").reads().unreadCounts(null);
        assertThat(u2.totalUnreadCount()).isEqualTo(4);
        assertThat(u2.totalUnreadMentions()).isEqualTo(2);
        assertThat(u2.unreadChannels()).isEqualTo(2);
        assertThat(u2.channels()).filteredOn(c -> c.cid().equals("messaging:a")).singleElement()
                .satisfies(c -> {
                    assertThat(c.unreadCount()).isEqualTo(3);
                    assertThat(c.unreadMentions()).isEqualTo(1);
                });
        // the sender's own messages mark the channel read for the sender
        UnreadCounts u3 = app.as("u3").reads().unreadCounts(null);
        assertThat(u3.totalUnreadCount()).isZero();

        assertThat(app.as("u2").reads().markRead(a, first.id(), null)).isEqualTo(1);
        assertThat(app.as("u2").reads().unreadCounts(null).totalUnreadCount()).isEqualTo(3);
        assertThat(app.as("u2").reads().markRead(a, null, null)).isEqualTo(3);
        UnreadCounts after = app.as("u2").reads().unreadCounts(null);
        assertThat(after.totalUnreadCount()).isEqualTo(1);
        assertThat(after.totalUnreadMentions()).isEqualTo(1);
        // marking an older message read never moves the marker back
        assertThat(app.as("u2").reads().markRead(a, first.id(), null)).isEqualTo(3);
        // mark unread from the first message: everything from seq 1 on is unread again
        assertThat(app.as("u2").reads().markUnread(a, first.id(), null)).isZero();
        assertThat(app.as("u2").reads().unreadCounts(null).totalUnreadCount()).isEqualTo(4);
        // server-side reads name the user
        assertThat(app.reads().unreadCounts("u2").totalUnreadCount()).isEqualTo(4);
        assertThatThrownBy(() -> app.reads().unreadCounts(null)).extracting("field").isEqualTo("user_id");
    }

    @Test
    void markersRejectForeignMessages() {
        AppHandle app = fx.newApp(2);
        Cid a = app.channels().getOrCreate("messaging", "a", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Cid b = app.channels().getOrCreate("messaging", "b", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message inB = app.as("u1").messages().send(b, NewMessage.text("b"));
        assertThatThrownBy(() -> app.as("u2").reads().markRead(a, inB.id(), null)).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThatThrownBy(() -> app.as("u2").reads().markUnread(a, "no-such", null)).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
    }
}
