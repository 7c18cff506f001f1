import { useEffect, useState } from 'react';
import { isChatError, type SmartRepliesResponse } from '@chatsdk/client';
import { useChannel, useChannelState, useChatContext } from './context.js';

type Suggestion = SmartRepliesResponse['suggestions'][number];

/**
 * Suggested replies to the channel's last message, as buttons that send the text (the app's opt-in AI,
 * docs/search.md). Shown only when someone else wrote the last message; asked once per message. While the operator has
 * the app's smart replies off the server answers `feature_disabled`, and this renders nothing. `generic` suggestions
 * can be left out with `historyOnly`.
 */
export function SmartReplies({ historyOnly = false }: { historyOnly?: boolean }) {
  const channel = useChannel();
  const state = useChannelState(channel);
  const { client } = useChatContext();
  const [answer, setAnswer] = useState<{ messageId: string; suggestions: Suggestion[] } | undefined>();
  const [off, setOff] = useState(false);
  const [sending, setSending] = useState(false);
  const last = state?.messages.filter((m) => !m.parent_id || m.show_in_channel).at(-1);
  const wanted = last && last.status === 'sent' && last.user_id !== client.userID && last.type !== 'deleted' ? last.id : undefined;

  useEffect(() => {
    if (!channel || !wanted || off) return;
    let live = true;
    channel.client.smartReplies(channel.type, channel.id).then(
      (r) => { if (live) setAnswer({ messageId: r.message_id ?? wanted, suggestions: r.suggestions }); },
      (e: unknown) => {
        if (!live) return;
        if (isChatError(e) && e.code === 'feature_disabled') setOff(true);
        setAnswer(undefined);   // no suggestions is a fine answer: the user types
      },
    );
    return () => { live = false; };
  }, [channel, wanted, off]);

  if (!channel || !wanted || !answer || answer.messageId !== wanted) return null;
  const shown = answer.suggestions.filter((s) => !historyOnly || s.source === 'history');
  if (shown.length === 0) return null;
  const send = (text: string) => {
    setSending(true);
    channel.sendMessage({ text }).finally(() => setSending(false)).catch(() => undefined);   // a failed send shows in the list
  };
  return (
    <div className="chatsdk-smart-replies" role="group" aria-label="Suggested replies">
      {shown.map((s) => (
        <button key={s.text} type="button" className={`chatsdk-smart-reply chatsdk-smart-reply-${s.source}`} disabled={sending}
                title={s.source === 'history' ? 'Said before in a similar conversation' : 'A common reply'} onClick={() => send(s.text)}>
          {s.text}
        </button>
      ))}
    </div>
  );
}
