package io.chatsdk.engine.channels;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.ChannelType;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelTypesIT extends EngineTest {

    @Test
    void customTypeWithGrantsDrivesPermissions() {
        AppHandle app = fx.newApp(2);
        Map<String, Set<Permission>> grants = Map.of(
                "user", EnumSet.of(Permission.CREATE_CHANNEL),
                "owner", EnumSet.of(Permission.READ_CHANNEL, Permission.SEND_MESSAGE, Permission.ADD_MEMBERS),
                "member", EnumSet.of(Permission.READ_CHANNEL));
        ChannelConfig noReactions = ChannelConfig.defaults().with(Map.of("reactions", false, "max_message_length", 50));
        ChannelType t = app.channelTypes().create("announcements", noReactions, grants);
        assertThat(t.builtIn()).isFalse();
        assertThat(app.channelTypes().get("announcements").config().maxMessageLength()).isEqualTo(50);

        Cid cid = app.as("u1").channels().getOrCreate("announcements", "news", ChannelInput.withMembers(null, List.of("u2"))).channel().cid();
        var m = app.as("u1").messages().send(cid, NewMessage.text("read-only for members"));
        assertThatThrownBy(() -> app.as("u2").messages().send(cid, NewMessage.text("can I?"))).hasMessageContaining("send-message");
        assertThatThrownBy(() -> app.as("u1").reactions().react(m.id(), "like", 1, null, false, null)).extracting("code").isEqualTo(ErrorCode.FEATURE_DISABLED);

        // grant members sending, and it works at once
        app.channelTypes().update("announcements", null, Map.of("user", EnumSet.of(Permission.CREATE_CHANNEL),
                "owner", EnumSet.of(Permission.READ_CHANNEL, Permission.SEND_MESSAGE),
                "member", EnumSet.of(Permission.READ_CHANNEL, Permission.SEND_MESSAGE)));
        assertThat(app.as("u2").messages().send(cid, NewMessage.text("now I can")).seq()).isEqualTo(2);

        assertThatThrownBy(() -> app.channelTypes().delete("announcements")).hasMessageContaining("still has 1 channels");
        app.channels().delete(cid);
        app.channelTypes().delete("announcements");
        assertThatThrownBy(() -> app.channelTypes().get("announcements")).extracting("code").isEqualTo(ErrorCode.CHANNEL_TYPE_NOT_FOUND);
    }

    @Test
    void guardsOnTypes() {
        AppHandle app = fx.newApp(1);
        assertThatThrownBy(() -> app.channelTypes().create("messaging", null, null)).extracting("code").isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> app.channelTypes().delete("messaging")).hasMessageContaining("built-in");
        assertThatThrownBy(() -> app.as("u1").channelTypes().list()).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.channelTypes().create("Bad Name", null, null)).extracting("field").isEqualTo("name");
        assertThatThrownBy(() -> ChannelConfig.defaults().with(Map.of("max_message_length", 0))).extracting("field").isEqualTo("config.max_message_length");
        assertThatThrownBy(() -> ChannelConfig.defaults().with(Map.of("reactions", "yes"))).extracting("field").isEqualTo("config.reactions");
        // types are per app
        AppHandle other = fx.newApp(0);
        app.channelTypes().create("mine", null, null);
        assertThatThrownBy(() -> other.channelTypes().get("mine")).extracting("code").isEqualTo(ErrorCode.CHANNEL_TYPE_NOT_FOUND);
    }
}
