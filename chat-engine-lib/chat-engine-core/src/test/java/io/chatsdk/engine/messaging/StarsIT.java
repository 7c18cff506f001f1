package io.chatsdk.engine.messaging;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StarsIT extends EngineTest {

    @Test
    void starUnstarAndListShareTheSparseFlagRowWithMentions() throws Exception {
        AppHandle app = fx.newApp(3);
        Cid cid = app.channels().getOrCreate("messaging", "s", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message mention = app.as("u1").messages().send(cid, NewMessage.text("hey @u2").mentioning(List.of("u2")));
        Message plain = app.as("u1").messages().send(cid, NewMessage.text("plain"));
        app.as("u2").stars().star(mention.id(), null);
        app.as("u2").stars().star(plain.id(), null);
        app.as("u2").stars().star(plain.id(), null);
        assertThat(app.as("u2").stars().list(10, null)).extracting(Message::id).containsExactlyInAnyOrder(mention.id(), plain.id());
        assertThat(flags("u2", mention.id())).isEqualTo(3); // mentioned + starred in one row
        app.as("u2").stars().unstar(mention.id(), null);
        app.as("u2").stars().unstar(plain.id(), null);
        assertThat(flags("u2", mention.id())).isEqualTo(1);
        assertThat(flags("u2", plain.id())).as("row removed when no bit is left").isNull();
        assertThat(app.as("u2").stars().list(10, null)).isEmpty();
        assertThat(app.as("u2").reads().unreadCounts(null).totalUnreadMentions()).as("mentions untouched").isEqualTo(1);
        assertThatThrownBy(() -> app.as("u3").stars().star(plain.id(), null)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> fx.newApp(1).as("u1").stars().star(plain.id(), null)).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
    }

    private static Integer flags(String user, String messageId) throws Exception {
        try (var c = fx.dataSource.getConnection(); var ps = c.prepareStatement("select flags from user_message_flag where user_id = ? and message_id = ?")) {
            ps.setString(1, user);
            ps.setString(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }
}
