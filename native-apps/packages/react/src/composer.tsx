import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { Attachment, ChatError } from '@chatsdk/client';
import { useChannel, useChannelState, useChatContext } from './context.js';
import { ComposerProvider, useComposerContext, type ComposerContextValue } from './composer-context.js';
import { VoiceRecorder, type Recording } from './voice.js';
import type { LocalMessage } from '@chatsdk/client';

interface Upload {
  id: number;
  name: string;
  state: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: string;
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

/**
 * Writes messages: Enter sends, Shift+Enter breaks the line; `@` offers the channel's members; typing events; a
 * quoted reply or an edit (from a message's actions); files, pasted images and voice notes uploaded as attachments.
 */
export function MessageComposer({ parentId, placeholder = 'Write a message', voice = true }: { parentId?: string; placeholder?: string; voice?: boolean }) {
  const channel = useChannel();
  const state = useChannelState(channel);
  const { client } = useChatContext();
  const composer = useComposerContext();
  const [text, setText] = useState('');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const nextUpload = useRef(1);
  // where the caret goes once a completed mention is rendered: set in the same commit, so that keys typed right
  // after the pick land after it (a requestAnimationFrame may run late, in a background tab, and move the caret back)
  const pendingCaret = useRef<number | undefined>(undefined);
  const listId = useId();
  const editing = parentId ? undefined : composer?.editing;
  const quoting = parentId ? undefined : composer?.quoting;

  useEffect(() => {
    if (editing) {
      setText(editing.text);
      input.current?.focus();
    }
  }, [editing]);
  useEffect(() => {
    if (quoting) input.current?.focus();
  }, [quoting]);
  useLayoutEffect(() => {
    if (pendingCaret.current === undefined) return;
    input.current?.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = undefined;
  });

  // mention autocomplete: the word after an @ just before the caret
  const mention = /(?:^|\s)@([\p{L}\p{N}_.-]*)$/u.exec(text.slice(0, caret));
  const suggestions = useMemo(() => {
    if (!mention) return [];
    const q = (mention[1] ?? '').toLowerCase();
    return (state?.members ?? []).map((m) => m.user_id).filter((u) => u !== client.userID && u.toLowerCase().startsWith(q)).slice(0, 8);
  }, [mention?.[1], state?.members, client.userID]);

  if (!channel) return null;

  const complete = (userId: string) => {
    const before = text.slice(0, caret).replace(/@([\p{L}\p{N}_.-]*)$/u, `@${userId} `);
    const next = before + text.slice(caret);
    setText(next);
    setCaret(before.length);
    pendingCaret.current = before.length;
  };

  const upload = async (file: File) => {
    const id = nextUpload.current++;
    setUploads((u) => [...u, { id, name: file.name, state: 'uploading' }]);
    try {
      const image = IMAGE_TYPES.has(file.type);
      const res = image ? await channel.sendImage(file, file.name || 'image') : await channel.sendFile(file, file.name || 'file');
      const attachment: Attachment = image
        ? { type: 'image', image_url: res.file, thumb_url: res.thumb_url, title: file.name, mime_type: file.type, file_size: file.size }
        : { type: 'file', asset_url: res.file, title: file.name, mime_type: file.type || 'application/octet-stream', file_size: file.size };
      setUploads((u) => u.map((x) => (x.id === id ? { ...x, state: 'done', attachment } : x)));
    } catch (e) {
      setUploads((u) => u.map((x) => (x.id === id ? { ...x, state: 'failed', error: (e as ChatError).code ?? String(e) } : x)));
    }
  };

  const sendVoice = async (r: Recording) => {
    try {
      const ext = r.mimeType.includes('ogg') ? 'ogg' : r.mimeType.includes('wav') ? 'wav' : 'webm';
      const res = await channel.sendFile(r.blob, `voice-note.${ext}`, r.mimeType);
      const attachment: Attachment = {
        type: 'voiceRecording',
        asset_url: res.file,
        mime_type: r.mimeType,
        file_size: r.blob.size,
        title: 'Voice note',
        duration: Math.round((res.duration ?? r.duration) * 100) / 100,
        waveform_data: res.waveform_data ?? r.waveform,
      };
      await channel.sendMessage({ text: '', attachments: [attachment], ...(parentId ? { parent_id: parentId } : {}) });
    } catch (e) {
      setError(`The voice note was not sent: ${(e as ChatError).code ?? String(e)}`);
    }
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    const attachments = uploads.filter((u) => u.state === 'done' && u.attachment).map((u) => u.attachment as Attachment);
    if (!body && attachments.length === 0) return;
    if (uploads.some((u) => u.state === 'uploading')) {
      setError('Wait for the uploads to finish.');
      return;
    }
    setError(undefined);
    channel.stopTyping(parentId);
    if (editing) {
      composer?.setEditing(undefined);
      setText('');
      try {
        // a partial update: the message keeps its attachments and custom data
        await channel.client.partialUpdateMessage(editing.id, { set: { text: body } });
      } catch (err) {
        setError(`Not saved: ${(err as ChatError).code ?? String(err)}`);
      }
      return;
    }
    const mentioned = (state?.members ?? []).map((m) => m.user_id).filter((u) => new RegExp(`(^|\\s)@${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'u').test(body));
    setText('');
    setUploads([]);
    composer?.setQuoting(undefined);
    // the message shows at once (pending); a refusal marks it failed with Retry and Discard
    channel
      .sendMessage({
        text: body,
        ...(attachments.length ? { attachments } : {}),
        ...(parentId ? { parent_id: parentId } : {}),
        ...(quoting ? { quoted_message_id: quoting.id } : {}),
        ...(mentioned.length ? { mentioned_users: mentioned } : {}),
      })
      .catch(() => undefined);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        complete(suggestions[Math.min(pick, suggestions.length - 1)] as string);
        return;
      }
    }
    if (e.key === 'Escape') {
      composer?.setEditing(undefined);
      composer?.setQuoting(undefined);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    files.forEach((f) => void upload(f));
  };

  let banner: ReactNode = null;
  if (editing) banner = <Banner label="Editing message" onCancel={() => { composer?.setEditing(undefined); setText(''); }} />;
  else if (quoting) banner = <Banner label={`Replying to ${quoting.user_id}: ${quoting.text.slice(0, 80)}`} onCancel={() => composer?.setQuoting(undefined)} />;

  return (
    <form className="chatsdk-composer" onSubmit={(e) => void submit(e)}>
      {banner}
      {uploads.length > 0 && (
        <ul className="chatsdk-uploads" aria-label="Attachments">
          {uploads.map((u) => (
            <li key={u.id} data-state={u.state}>
              {u.name} {u.state === 'uploading' ? '(uploading…)' : u.state === 'failed' ? `(failed: ${u.error})` : ''}
              <button type="button" aria-label={`Remove ${u.name}`} onClick={() => setUploads((l) => l.filter((x) => x.id !== u.id))}>×</button>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="chatsdk-composer-error" role="alert">{error}</p>}
      <div className="chatsdk-composer-row">
        <button type="button" aria-label="Attach files" onClick={() => fileInput.current?.click()}>📎</button>
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => { [...(e.target.files ?? [])].forEach((f) => void upload(f)); e.target.value = ''; }} />
        <textarea
          ref={input}
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label={parentId ? 'Reply in thread' : 'Message'}
          aria-autocomplete="list"
          aria-controls={suggestions.length ? listId : undefined}
          aria-activedescendant={suggestions.length ? `${listId}-${Math.min(pick, suggestions.length - 1)}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setPick(0);
            if (e.target.value) channel.keystroke(parentId);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {voice && <VoiceRecorder onSend={sendVoice} />}
        <button type="submit" className="chatsdk-primary" aria-label={editing ? 'Save' : 'Send'}>{editing ? 'Save' : 'Send'}</button>
      </div>
      {suggestions.length > 0 && (
        <ul className="chatsdk-mentions" role="listbox" id={listId} aria-label="Mention a member">
          {suggestions.map((u, i) => (
            <li key={u} id={`${listId}-${i}`} role="option" aria-selected={i === pick} onMouseDown={(e) => { e.preventDefault(); complete(u); }}>
              @{u}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

function Banner({ label, onCancel }: { label: string; onCancel: () => void }) {
  return (
    <div className="chatsdk-composer-banner">
      <span>{label}</span>
      <button type="button" aria-label="Cancel" onClick={onCancel}>×</button>
    </div>
  );
}

/** Gives a channel's message actions (quote, edit) and its composer a shared state. */
export function ComposerState({ children }: { children: ReactNode }) {
  const [quoting, setQuoting] = useState<LocalMessage | undefined>();
  const [editing, setEditing] = useState<LocalMessage | undefined>();
  const value = useMemo<ComposerContextValue>(() => ({ quoting, setQuoting, editing, setEditing }), [quoting, editing]);
  return <ComposerProvider value={value}>{children}</ComposerProvider>;
}
