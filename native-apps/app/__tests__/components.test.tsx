import { ChatClient, type LocalMessage } from '@chatsdk/client';
import { act, fireEvent, render, screen } from '@testing-library/react-native';
import type { ReactNode } from 'react';
import { AccessibilityInfo } from 'react-native';
import { BrandContext } from '../src/brand';
import { ThemeProvider } from '../src/theme';
import { MessageBubble } from '../src/components/MessageBubble';
import { MessageList, readers } from '../src/components/MessageList';
import { OfflineBanner } from '../src/components/OfflineBanner';
import { typingText } from '../src/components/TypingLine';
import { resample } from '../src/components/Waveform';
import { northwind } from './brands';

function Themed({ children }: { children: ReactNode }) {
  return (
    <BrandContext.Provider value={northwind}>
      <ThemeProvider appearance="light">{children}</ThemeProvider>
    </BrandContext.Provider>
  );
}

const at = '2026-12-03T10:00:00Z';
function message(over: Partial<LocalMessage> = {}): LocalMessage {
  return {
    id: 'm1', cid: 'messaging:general', seq: 1, user_id: 'bob', type: 'regular', text: 'hello', attachments: [], mentioned_users: [],
    reply_count: 0, pinned: false, silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: at, updated_at: at,
    status: 'sent', ...over,
  } as LocalMessage;
}

describe('MessageBubble', () => {
  it('shows the text under its author', async () => {
    await render(<Themed><MessageBubble message={message({ text: '<img src=x onerror=alert(1)> **hi**' })} own={false} /></Themed>);
    expect(screen.getByText('<img src=x onerror=alert(1)> **hi**')).toBeOnTheScreen();
    expect(screen.getByText('bob')).toBeOnTheScreen();
  });

  it('opens its actions on a long press, and from an actions button when a screen reader is on', async () => {
    const onLongPress = jest.fn();
    const m = message();
    await render(<Themed><MessageBubble message={m} own={false} onLongPress={onLongPress} /></Themed>);
    expect(screen.queryByRole('button', { name: "Actions for bob's message" })).toBeNull();
    await fireEvent(screen.getByTestId('bubble-m1'), 'longPress');
    expect(onLongPress).toHaveBeenCalledWith(m);
    // VoiceOver or TalkBack turned on (the system's setting, as React Native reports it)
    jest.mocked(AccessibilityInfo.isScreenReaderEnabled).mockResolvedValue(true);
    await render(<Themed><MessageBubble message={m} own={false} onLongPress={onLongPress} /></Themed>);
    await fireEvent.press(await screen.findByRole('button', { name: "Actions for bob's message" }));
    expect(onLongPress).toHaveBeenCalledTimes(2);
    jest.mocked(AccessibilityInfo.isScreenReaderEnabled).mockResolvedValue(false);
  });

  it('offers Retry and Discard on a failed send, and says why', async () => {
    const onRetry = jest.fn();
    const onDiscard = jest.fn();
    const failed = message({ id: 'f1', seq: 0, user_id: 'alice', status: 'failed', error: { code: 'message_too_long', detail: '' } });
    await render(<Themed><MessageBubble message={failed} own onRetry={onRetry} onDiscard={onDiscard} /></Themed>);
    expect(screen.getByRole('alert')).toHaveTextContent('Not sent (message_too_long).');
    await fireEvent.press(screen.getByRole('button', { name: 'Retry' }));
    await fireEvent.press(screen.getByRole('button', { name: 'Discard' }));
    expect(onRetry).toHaveBeenCalledWith(failed);
    expect(onDiscard).toHaveBeenCalledWith(failed);
  });

  it('shows reaction counts, marks the user\'s own, and toggles on press', async () => {
    const onReact = jest.fn();
    const m = message({ reaction_counts: { like: 2, love: 1 }, own_reactions: [{ type: 'like' } as never] });
    await render(<Themed><MessageBubble message={m} own={false} onReact={onReact} /></Themed>);
    const like = screen.getByRole('button', { name: 'thumbs up: 2, including yours' });
    expect(like).toBeSelected();
    expect(screen.getByRole('button', { name: 'heart: 1' })).not.toBeSelected();
    await fireEvent.press(like);
    expect(onReact).toHaveBeenCalledWith(m, 'like');
  });

  it('hides reactions and thread links when the brand turns them off', async () => {
    const m = message({ reaction_counts: { like: 2 }, reply_count: 3 });
    const { rerender } = await render(<Themed><MessageBubble message={m} own={false} /></Themed>);
    expect(screen.getByRole('button', { name: '3 replies' })).toBeOnTheScreen();
    await rerender(<Themed><MessageBubble message={m} own={false} reactions={false} threads={false} /></Themed>);
    expect(screen.queryByRole('button', { name: '3 replies' })).toBeNull();
    expect(screen.queryByRole('button', { name: /thumbs up/ })).toBeNull();
  });
});

describe('MessageList', () => {
  it('puts the read receipt on the newest of the user\'s own sent messages only', async () => {
    const list = [message({ id: 'a', seq: 1, user_id: 'alice' }), message({ id: 'b', seq: 2, user_id: 'alice', text: 'second' }), message({ id: 'c', seq: 3, user_id: 'bob', text: 'reply' })];
    await render(<Themed><MessageList messages={list} me="alice" reads={{ bob: { user_id: 'bob', last_read_seq: 2 }, alice: { user_id: 'alice', last_read_seq: 3 } }} /></Themed>);
    expect(screen.getAllByTestId('read-receipt')).toHaveLength(1);
    expect(screen.getByTestId('read-receipt')).toHaveTextContent('Seen by bob');
  });

  it('names readers who reached a seq, leaving the user out', () => {
    expect(readers({ a: { user_id: 'a', last_read_seq: 5 }, b: { user_id: 'b', last_read_seq: 4 }, me: { user_id: 'me', last_read_seq: 9 } }, 5, 'me')).toEqual(['a']);
  });
});

describe('OfflineBanner', () => {
  it('says the app is offline and how many sends wait, and disappears when online', async () => {
    const client = new ChatClient('key', { baseURL: 'http://127.0.0.1:9', store: 'memory' });
    client.state.set({ user: undefined, connection: 'offline', totalUnreadCount: 0, pendingCount: 2 });
    await render(<Themed><OfflineBanner client={client} /></Themed>);
    expect(screen.getByTestId('offline-banner')).toHaveTextContent('Offline: showing what this device has. 2 messages wait to send.');
    await act(async () => client.state.set({ user: undefined, connection: 'online', totalUnreadCount: 0, pendingCount: 0 }));
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });
});

describe('small helpers', () => {
  it('words typing for one, two and more people, per thread', () => {
    const later = Date.now() + 5_000;
    expect(typingText({})).toBe('');
    expect(typingText({ b: { user_id: 'bob', expires: later } })).toBe('bob is typing…');
    expect(typingText({ b: { user_id: 'bob', expires: later }, c: { user_id: 'carol', expires: later } })).toBe('bob and carol are typing…');
    expect(typingText({ b: { user_id: 'bob', expires: later, parent_id: 'p' } })).toBe('');
    expect(typingText({ b: { user_id: 'bob', expires: later, parent_id: 'p' } }, 'p')).toBe('bob is typing…');
    expect(typingText({ b: { user_id: 'bob', expires: Date.now() - 1 } })).toBe('');
  });

  it('resamples a waveform to the bars shown, clamped to 0..1', () => {
    expect(resample([], 3)).toEqual([0, 0, 0]);
    expect(resample([0.1, 0.9, 0.2, 0.4], 2)).toEqual([0.9, 0.4]);
    expect(resample([2, -1], 2)).toEqual([1, 0]);
  });
});
