export { Chat, useChatContext, useChannel, useChannelState, useClientState, type ChatProps, type ComponentOverrides, type MessageProps } from './context.js';
export { Channel, Thread } from './channel.js';
export { ChannelList, ChannelHeader, MessageList, TypingIndicator, ConnectionStatus, buildItems } from './lists.js';
export { MessageComposer } from './composer.js';
export { Message, Reactions, Avatar, DateSeparator, REACTIONS } from './message.js';
export { VoiceRecorder, VoiceMessage, Waveform, measure, type Recording } from './voice.js';
export { RichText, safeHref } from './text.js';
export { SearchBox } from './search.js';
export { SmartReplies } from './smart-replies.js';
