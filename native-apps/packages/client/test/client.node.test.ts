// @chatsdk/client in Node against the real appliance (started by scripts/run-tests.mjs), the way a bot uses it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ChatClient, ChatError, MemoryStore, type ChatClient as Client, type LocalMessage, type PendingSend } from '../src/index.js';
import { baseURL, newApp, operator, until, sign, type TestApp } from '../../../test-support/fixtures.js';
import { connect, Network } from './support.js';

let app: TestApp;
const open: Client[] = [];
const id = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  app = await newApp();
  await app.upsertUsers('alice', 'bob', 'carol');
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.disconnectUser();
});

async function user(userId: string, net?: Network, options = {}) {
  const r = await connect(app, userId, net, options);
  open.push(r.client);
  return r;
}

const texts = (list: LocalMessage[]) => list.map((m) => m.text);

describe('the client against the appliance', () => {
  it('two users chat: sends arrive once, in seq order, with state on both sides', async () => {
    const { client: alice } = await user('alice');
    const { client: bob } = await user('bob');
    const cid = `dm-${id()}`;
    const a = alice.channel('messaging', cid, { members: ['alice', 'bob'] });
    await a.watch();
    const b = bob.channel('messaging', cid);
    await b.watch();
    const seen: string[] = [];
    const sub = b.on('message.new', (e) => seen.push(e.message.text));

    const sentMsg = await a.sendMessage({ text: 'hello bob' });
    expect(sentMsg.seq).toBeGreaterThan(0);
    await a.sendMessage({ text: 'second' });
    await until(() => b.state.getSnapshot().messages.length === 2, 'bob holds both messages');
    expect(texts(b.state.getSnapshot().messages)).toEqual(['hello bob', 'second']);
    expect(seen).toEqual(['hello bob', 'second']);
    expect(a.state.getSnapshot().messages.every((m) => m.status === 'sent')).toBe(true);
    expect(b.state.getSnapshot().unreadCount).toBe(2);
    await until(() => bob.state.getSnapshot().totalUnreadCount === 2, 'bob has two unread');

    await b.markRead();
    expect(b.state.getSnapshot().unreadCount).toBe(0);
    await until(() => a.state.getSnapshot().reads.bob?.last_read_seq === sentMsg.seq + 1, "alice sees bob's read receipt");

    sub.unsubscribe();
    await a.sendMessage({ text: 'third' });
    await until(() => b.state.getSnapshot().messages.length === 3, 'bob holds the third');
    expect(seen).toHaveLength(2);
  });

  it('sending the same id twice makes one message', async () => {
    const { client: alice } = await user('alice');
    const a = alice.channel('messaging', `idem-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const mid = randomUUID();
    const [one, two] = await Promise.all([a.sendMessage({ id: mid, text: 'once' }), a.sendMessage({ id: mid, text: 'once' })]);
    expect(one.id).toBe(mid);
    expect(two.seq).toBe(one.seq);
    const server = await app.server('GET', `/channels/messaging/${a.id}/messages?seq_gt=0`);
    expect(server.messages.filter((m: { id: string }) => m.id === mid)).toHaveLength(1);
  });

  it('messages sent while a socket was cut arrive through sync, once and in order', async () => {
    const { client: alice } = await user('alice');
    const net = new Network();
    const { client: bob } = await user('bob', net);
    const a = alice.channel('messaging', `cut-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const b = bob.channel('messaging', a.id);
    await b.watch();
    await a.sendMessage({ text: 'before' });
    await until(() => b.state.getSnapshot().messages.length === 1, 'bob has the first');

    const states: string[] = [];
    bob.on('connection.changed', (e) => states.push(e.state));
    const synced = new Promise((resolve) => bob.on('sync.completed', resolve));
    net.blocked = true;
    net.cut();
    await until(() => bob.connectionState === 'offline', 'bob is offline');
    for (const t of ['m1', 'm2', 'm3', 'm4', 'm5']) await a.sendMessage({ text: t });
    expect(texts(b.state.getSnapshot().messages)).toEqual(['before']);
    net.blocked = false;
    await synced;
    await until(() => bob.connectionState === 'online', 'bob is back');
    expect(texts(b.state.getSnapshot().messages)).toEqual(['before', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(b.lastSeq).toBe(a.lastSeq);
    expect(states).toContain('offline');
    expect(states.at(-1)).toBe('online');
    // and live events flow again on the new socket
    await a.sendMessage({ text: 'after' });
    await until(() => b.state.getSnapshot().messages.length === 7, 'bob gets live events again');
  });

  it('a sync after a reconnect covers more than 100 channels, and inserts no message the client never held', async () => {
    const net = new Network();
    const { client: bob } = await user('bob', net);
    const tag = id();
    // made by the server (a user may query channels 60 times a minute), then loaded by bob 30 at a time
    const ids = Array.from({ length: 101 }, (_, i) => `many-${tag}-${i}`);
    for (const cid of ids) await app.server('POST', `/channels/messaging/${cid}/query`, { data: { members: ['alice', 'bob'], created_by_id: 'alice' } });
    for (let i = 0; i < ids.length; i += 30) await bob.queryChannels({ id: { $in: ids.slice(i, i + 30) } }, [], { limit: 30 });
    const channels = ids.map((cid) => bob.channel('messaging', cid));
    expect(channels.every((c) => c.isInitialized)).toBe(true);
    // the first channel has 30 messages, of which bob holds the newest 5
    for (let i = 1; i <= 30; i++) await app.server('POST', `/channels/messaging/${channels[0]!.id}/message`, { message: { text: `old ${i}`, user_id: 'alice' } });
    const first = bob.channel('messaging', channels[0]!.id);
    await until(() => first.state.getSnapshot().messages.length === 30, 'bob gets them live');
    await first.reload();
    expect(texts(first.state.getSnapshot().messages)).toHaveLength(25);
    const third = (await app.server('GET', `/channels/messaging/${first.id}/messages?seq_gt=2&limit=1`)).messages[0];

    const synced = new Promise<{ cids: string[] }>((resolve) => bob.on('sync.completed', (e) => { if (e.cids.length > 100) resolve(e); }));
    net.blocked = true;
    net.cut();
    await until(() => bob.connectionState === 'offline', 'bob is offline');
    await app.server('POST', `/messages/${third.id}/reaction`, { reaction: { type: 'like' }, user_id: 'alice' });
    await app.server('POST', `/channels/messaging/${channels[100]!.id}/message`, { message: { text: 'in the 101st', user_id: 'alice' } });
    net.blocked = false;
    expect((await synced).cids).toHaveLength(101);
    await until(() => texts(channels[100]!.state.getSnapshot().messages).includes('in the 101st'), 'the 101st channel caught up');
    // message 3 changed while bob was away, but bob never held it: it is not put into his list
    expect(first.state.getSnapshot().messages.some((m) => m.id === third.id)).toBe(false);
    expect(texts(first.state.getSnapshot().messages)[0]).toBe('old 6');
  });

  it('an edit of the text keeps the attachments (a partial update)', async () => {
    const { client: alice } = await user('alice');
    const a = alice.channel('messaging', `edit-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const m = await a.sendMessage({ text: 'with a link', attachments: [{ type: 'link', title: 'Example', title_link: 'https://example.com/' }] });
    const edited = await alice.partialUpdateMessage(m.id, { set: { text: 'edited, link kept' } });
    expect(edited.text).toBe('edited, link kept');
    expect(edited.attachments.map((x) => x.title)).toEqual(['Example']);
    expect(a.state.getSnapshot().messages[0]?.attachments).toHaveLength(1);
  });

  it('a skipped seq is fetched (the gap fill), so no message is missed', async () => {
    const { client: alice } = await user('alice');
    const net = new Network();
    const { client: bob } = await user('bob', net);
    const a = alice.channel('messaging', `gap-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const b = bob.channel('messaging', a.id);
    await b.watch();
    net.dropIf = (frame) => frame.includes('"lost in transit"');
    await a.sendMessage({ text: 'lost in transit' });
    await a.sendMessage({ text: 'next' });
    await until(() => b.state.getSnapshot().messages.length === 2, 'bob fills the gap');
    expect(texts(b.state.getSnapshot().messages)).toEqual(['lost in transit', 'next']);
  });

  it('sends while offline queue, then go once and in order; a refused send fails and can be retried or discarded', async () => {
    const net = new Network();
    const { client: alice } = await user('alice', net);
    // bob owns the channel, so alice is a plain member, whom a freeze stops
    const cid = `queue-${id()}`;
    await app.server('POST', `/channels/messaging/${cid}/query`, { data: { members: ['alice', 'bob'], created_by_id: 'bob' } });
    const a = alice.channel('messaging', cid);
    await a.watch();
    net.blocked = true;
    net.cut();
    await until(() => alice.connectionState === 'offline', 'alice is offline');
    const sends = ['q1', 'q2', 'q3'].map((text) => a.sendMessage({ text }));
    await until(() => a.state.getSnapshot().messages.length === 3, 'optimistic messages show');
    expect(a.state.getSnapshot().messages.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    expect(alice.state.getSnapshot().pendingCount).toBe(3);
    net.blocked = false;
    const done = await Promise.all(sends);
    expect(done.map((m) => m.text)).toEqual(['q1', 'q2', 'q3']);
    expect(done[1]!.seq).toBe(done[0]!.seq + 1);
    expect(done[2]!.seq).toBe(done[1]!.seq + 1);
    const server = await app.server('GET', `/channels/messaging/${a.id}/messages?seq_gt=0`);
    expect(server.messages.map((m: { text: string }) => m.text)).toEqual(['q1', 'q2', 'q3']);
    await until(() => alice.state.getSnapshot().pendingCount === 0, 'the queue is empty');

    // the server refuses a send into a frozen channel: failed, kept, and it can be retried once unfrozen
    await app.server('PATCH', `/channels/messaging/${a.id}`, { set: { frozen: true } });
    const refused = a.sendMessage({ text: 'into the ice' });
    await expect(refused).rejects.toMatchObject({ code: 'channel_frozen', status: 403 });
    const failed = a.state.getSnapshot().messages.find((m) => m.text === 'into the ice');
    expect(failed?.status).toBe('failed');
    expect(failed?.error?.code).toBe('channel_frozen');
    await app.server('PATCH', `/channels/messaging/${a.id}`, { set: { frozen: false } });
    const retried = await a.retry(failed!.id);
    expect(retried.id).toBe(failed!.id);
    expect(a.state.getSnapshot().messages.find((m) => m.id === failed!.id)?.status).toBe('sent');

    await app.server('PATCH', `/channels/messaging/${a.id}`, { set: { frozen: true } });
    const gone = a.sendMessage({ text: 'discard me' });
    await expect(gone).rejects.toBeInstanceOf(ChatError);
    const g = a.state.getSnapshot().messages.find((m) => m.text === 'discard me')!;
    await a.discard(g.id);
    expect(a.state.getSnapshot().messages.some((m) => m.id === g.id)).toBe(false);
    expect((await alice.offline.getChannel(a.cid))?.messages.some((m) => m.id === g.id)).toBe(false);
    expect(alice.state.getSnapshot().pendingCount).toBe(0);
    await app.server('PATCH', `/channels/messaging/${a.id}`, { set: { frozen: false } });
  });

  it('a send shows as pending only once the store holds it; a send the store refuses fails at once', async () => {
    // a store whose next putPending waits for the test, or throws: a reload before the write lands must not lose a
    // send the user already saw queued (the demo's reload test met that window)
    let gate: { open: () => void; promise: Promise<void> } | undefined;
    let refuse = false;
    class SlowStore extends MemoryStore {
      override async putPending(send: PendingSend): Promise<void> {
        if (refuse) throw new Error('quota exceeded');
        if (gate) await gate.promise;
        return super.putPending(send);
      }
    }
    const store = new SlowStore();
    const { client: alice } = await user('alice', undefined, { store });
    const a = alice.channel('messaging', `stored-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    let open!: () => void;
    gate = { open: () => open(), promise: new Promise<void>((resolve) => (open = resolve)) };
    const sent = a.sendMessage({ text: 'after the write' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.state.getSnapshot().messages).toEqual([]);
    expect(alice.state.getSnapshot().pendingCount).toBe(0);
    expect(await store.pending()).toEqual([]);
    gate.open();
    gate = undefined;
    expect((await sent).text).toBe('after the write');
    expect(a.state.getSnapshot().messages.map((m) => m.status)).toEqual(['sent']);

    refuse = true;
    await expect(a.sendMessage({ text: 'nowhere to keep it' })).rejects.toMatchObject({ code: 'offline_store_failed' });
    const failed = a.state.getSnapshot().messages.find((m) => m.text === 'nowhere to keep it');
    expect(failed?.status).toBe('failed');
    expect(failed?.error?.code).toBe('offline_store_failed');
    expect(alice.state.getSnapshot().pendingCount).toBe(0);
  });

  it('threads, reactions, typing, edits and deletes reach the other side', async () => {
    const { client: alice } = await user('alice');
    const { client: bob } = await user('bob');
    const a = alice.channel('messaging', `rich-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const b = bob.channel('messaging', a.id);
    await b.watch();
    const parent = await a.sendMessage({ text: 'parent' });
    await a.sendMessage({ text: 'a reply', parent_id: parent.id });
    await until(() => (b.state.getSnapshot().threads[parent.id] ?? []).length === 1, 'bob holds the reply in its thread');
    expect(texts(b.state.getSnapshot().messages)).toEqual(['parent']);
    const replies = await b.getReplies(parent.id);
    expect(replies.map((m) => m.text)).toEqual(['a reply']);

    await b.sendReaction(parent.id, { type: 'love' });
    await until(() => a.state.getSnapshot().messages[0]?.reaction_counts.love === 1, 'alice sees the reaction');
    expect(a.state.getSnapshot().messages[0]?.own_reactions).toEqual([]);
    expect(b.state.getSnapshot().messages[0]?.own_reactions.map((r) => r.type)).toEqual(['love']);
    await b.deleteReaction(parent.id, 'love');
    await until(() => !a.state.getSnapshot().messages[0]?.reaction_counts.love, 'the reaction is gone');

    a.keystroke();
    await until(() => 'alice' in b.state.getSnapshot().typing, 'bob sees alice typing');
    a.stopTyping();
    await until(() => !('alice' in b.state.getSnapshot().typing), 'and stop');

    await a.updateMessage({ id: parent.id, text: 'parent (edited)' });
    await until(() => b.state.getSnapshot().messages[0]?.text === 'parent (edited)', 'bob sees the edit');
    await a.deleteMessage(parent.id);
    await until(() => b.state.getSnapshot().messages[0]?.type === 'deleted', 'bob sees the delete');
  });

  it('queries channels and users, counts unread, registers devices, mutes and blocks', async () => {
    const { client: carol } = await user('carol');
    const { client: alice } = await user('alice');
    const tag = id();
    const c = carol.channel('messaging', `q-${tag}`, { members: ['carol', 'alice'], name: `Q ${tag}` });
    await c.watch();
    await c.sendMessage({ text: 'for alice' });
    const list = await alice.queryChannels({ members: { $in: ['alice'] }, id: { $eq: `q-${tag}` } }, [{ field: 'last_message_at', direction: -1 }], { message_limit: 5 });
    expect(list.map((ch) => ch.cid)).toEqual([`messaging:q-${tag}`]);
    expect(texts(list[0]!.state.getSnapshot().messages)).toEqual(['for alice']);
    const unread = await alice.getUnreadCount();
    expect(unread.channels.find((x) => x.channel_id === `messaging:q-${tag}`)?.unread_count).toBe(1);
    const users = await alice.queryUsers({ id: { $in: ['carol', 'bob'] } }, [{ field: 'id', direction: 1 }]);
    expect(users.users.map((u) => u.id)).toEqual(['bob', 'carol']);

    const device = await alice.addDevice(`fcm-${tag}`);
    expect(device.id).toBe(`fcm-${tag}`);
    expect((await alice.getDevices()).map((d) => d.id)).toContain(`fcm-${tag}`);
    await alice.removeDevice(`fcm-${tag}`);
    await alice.muteUser('carol');
    await alice.unmuteUser('carol');
    await alice.blockUser('carol');
    expect((await alice.getBlockedUsers()).blocked_user_ids).toContain('carol');
    await alice.unblockUser('carol');
    const flagged = await alice.flagMessage(c.state.getSnapshot().messages[0]!.id, { reason: 'test' });
    expect(flagged.flag).toBeTruthy();
  });

  it('searches the channels the user can read, and pages with next', async () => {
    const { client: carol } = await user('carol');
    const { client: alice } = await user('alice');
    const tag = id();
    const word = `okapi${tag}`;
    const mine = carol.channel('messaging', `s-${tag}`, { members: ['carol', 'alice'] });
    await mine.watch();
    const theirs = carol.channel('messaging', `s2-${tag}`, { members: ['carol'] });
    await theirs.watch();
    for (const text of [`${word} one`, `${word} two`, `${word} three`]) await mine.sendMessage({ text });
    await theirs.sendMessage({ text: `${word} not for alice` });
    // indexing is a durable job on the appliance: wait for it
    const everything = { members: { $in: ['alice'] } };
    await until(async () => (await alice.search(everything, word)).results.length === 3, 'alice finds the three messages');
    const first = await alice.search(everything, word, { sort: [{ field: 'created_at', direction: -1 }], limit: 2 });
    expect(first.results.map((r) => r.message.text)).toEqual([`${word} three`, `${word} two`]);
    expect(first.next).toBeTruthy();
    const rest = await alice.search(everything, word, { sort: [{ field: 'created_at', direction: -1 }], limit: 2, next: first.next! });
    expect(rest.results.map((r) => r.message.text)).toEqual([`${word} one`]);
    expect(rest.next).toBeUndefined();
    const typed = await alice.search(everything, null, { message_filter_conditions: { text: { $autocomplete: word.slice(0, 8) }, user_id: 'carol' } });
    expect(typed.results).toHaveLength(3);
    await expect(alice.search({}, word)).rejects.toMatchObject({ code: 'validation_error' });
  });

  it('gets smart replies and a catch-up summary once the operator switches AI on', async () => {
    const own = await newApp();
    await own.upsertUsers('ann', 'ben');
    const { client: ann } = await connect(own, 'ann');
    const { client: ben } = await connect(own, 'ben');
    open.push(ann, ben);
    const cid = `ai-${id()}`;
    const a = ann.channel('messaging', cid, { members: ['ann', 'ben'] });
    await a.watch();
    await a.sendMessage({ text: 'Is the build green again?' });
    await expect(ben.smartReplies('messaging', cid)).rejects.toMatchObject({ code: 'feature_disabled' });
    await expect(ben.catchUp('messaging', cid)).rejects.toMatchObject({ code: 'feature_disabled' });
    await operator('PATCH', `/apps/${own.id}/ai`, { ai_enabled: true, ai_embeddings: true, ai_smart_replies: true, ai_catch_up_summaries: true });
    await a.sendMessage({ text: 'Did the deploy finish?' });
    const replies = await ben.smartReplies('messaging', cid);
    expect(replies.suggestions).toHaveLength(3);
    expect(replies.suggestions.map((s) => s.source)).toContain('generic');
    const summary = await ben.catchUp('messaging', cid);
    expect(summary.unread).toBe(2);
    expect(summary.participants).toEqual([{ user_id: 'ann', messages: 2 }]);
    expect(summary.highlights.length).toBeGreaterThan(0);
    await expect(ben.catchUp('messaging', `nope-${id()}`)).rejects.toBeInstanceOf(ChatError);
  });

  it('uploads a file and attaches it', async () => {
    const { client: alice } = await user('alice');
    const a = alice.channel('messaging', `files-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const up = await a.sendFile(new Blob(['hello, file'], { type: 'text/plain' }), 'note.txt');
    expect(up.file).toMatch(/\/files\/.+sig=/);
    const m = await a.sendMessage({ text: 'see attached', attachments: [{ type: 'file', asset_url: up.file, title: 'note.txt', mime_type: 'text/plain' }] });
    const link = m.attachments[0]?.asset_url as string;
    expect(await (await fetch(link)).text()).toBe('hello, file');
    await expect(a.sendImage(new Blob(['not an image'], { type: 'image/png' }), 'x.png')).rejects.toMatchObject({ code: 'file_type_mismatch', status: 400 });
  });

  it('an expired token is refreshed through the token provider, for the socket and for REST', async () => {
    let calls = 0;
    const provider = async () => (++calls === 1 ? app.token('alice', 1) : app.token('alice', 3600));
    const client = new ChatClient(app.apiKey, { baseURL, store: 'memory', WebSocket: new Network().WebSocket });
    open.push(client);
    await client.connectUser({ id: 'alice' }, provider);
    // the appliance checks live connections every 5 s, with 5 s of clock tolerance: the socket closes token_expired
    await until(() => calls >= 2, 'the provider is asked again', 30_000);
    await until(() => client.connectionState === 'online', 'and the socket is back', 15_000);
    const ch = client.channel('messaging', `tok-${id()}`, { members: ['alice'] });
    await ch.watch();
    expect((await ch.sendMessage({ text: 'after refresh' })).text).toBe('after refresh');
  });

  it('bad input and forged credentials are typed errors; a malformed frame is skipped', async () => {
    const forged = new ChatClient(app.apiKey, { baseURL, store: 'memory', WebSocket: new Network().WebSocket });
    await expect(forged.connectUser({ id: 'alice' }, sign('not-the-secret', { user_id: 'alice', exp: Math.floor(Date.now() / 1000) + 60 }))).rejects.toMatchObject({ code: 'token_signature_invalid' });
    expect(forged.connectionState).toBe('disconnected');
    await forged.disconnectUser();

    const warnings: string[] = [];
    const net = new Network();
    const { client: alice } = await user('alice', net, { onWarning: (code: string) => warnings.push(code) });
    const a = alice.channel('messaging', `bad-${id()}`, { members: ['alice', 'bob'] });
    await a.watch();
    const malformed = new Promise((resolve) => alice.on('transport.malformed_frame', resolve));
    net.inject('{"this is": not json');
    net.inject('[1,2,3]');
    await malformed;
    expect(warnings).toContain('malformed_frame');
    expect(alice.connectionState).toBe('online');

    await expect(a.sendMessage({ text: 'x'.repeat(6000) })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/text$/) });
    await expect(a.sendMessage({ text: 'ok', attachments: [{ type: 'image', image_url: 'javascript:alert(1)' }] })).rejects.toMatchObject({ code: 'validation_error' });
    await expect(alice.channel('messaging', 'bad id with spaces').watch()).rejects.toMatchObject({ status: 400 });
    // a lone surrogate cannot be sent as UTF-8: the server refuses it instead of storing mojibake
    const broken = a.sendMessage({ text: 'broken \ud800 text' });
    await broken.then(
      (m) => expect(m.text).not.toContain('\ud800'),
      (e: ChatError) => expect(e.status).toBe(400),
    );
    // another app's channel with the same id is another channel
    const other = await newApp();
    await other.upsertUsers('alice', 'bob');
    await other.server('POST', `/channels/messaging/${a.id}/query`, { data: { members: ['alice', 'bob'], created_by_id: 'alice' } });
    await other.server('POST', `/channels/messaging/${a.id}/message`, { message: { text: 'secret of another tenant', user_id: 'bob' } });
    const again = await alice.queryChannels({ id: { $eq: a.id } });
    expect(again[0]!.state.getSnapshot().messages.map((m) => m.text)).not.toContain('secret of another tenant');
  });
});
