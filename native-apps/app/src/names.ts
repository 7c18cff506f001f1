import type { Channel, ChannelState } from '@chatsdk/client';

/** The channel's name, or the other members' names for a channel without one. */
export function channelName(channel: Channel, state: ChannelState, me: string): string {
  const named = state.channel?.name;
  if (named) return named;
  const others = state.members.map((m) => (m as { user?: { name?: string; id?: string }; user_id?: string })).map((m) => m.user?.name ?? m.user?.id ?? m.user_id).filter((n): n is string => !!n && n !== me);
  return others.length ? others.join(', ') : channel.id;
}
