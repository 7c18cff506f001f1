package io.chatsdk.engine.model;

import java.util.List;

/**
 * What a get-or-create or a watch returns: the channel, its members (up to the member limit), its newest
 * messages (up to the message limit, oldest first), and the calling user's membership if any.
 */
public record ChannelState(Channel channel, boolean created, List<Member> members, List<Message> messages, Member membership) {
}
