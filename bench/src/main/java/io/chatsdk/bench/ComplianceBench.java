package io.chatsdk.bench;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.blocklist.BlocklistBehavior;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.redact.RedactionPolicy;
import io.chatsdk.engine.redact.RedactionSettings;
import io.chatsdk.engine.types.Cid;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compliance core's costs, each next to a baseline in the same run:
 * <ol>
 *   <li>audit appends (hash chain, group commit) against plain JDBC inserts of an equal row, one commit each;</li>
 *   <li>sends with the redaction policy {@code mask} against the same sends with {@code off} (content is sealed in
 *       both: encryption cannot be switched off);</li>
 *   <li>sends into channels whose type has a 10,000-word blocklist against the same sends without one.</li>
 * </ol>
 */
final class ComplianceBench {
    private static final String TEXT = "Please charge the card ending 1111 for the 12 items, thanks! Reach me at +1 415 555 0100 later.";

    private ComplianceBench() {
    }

    static void run(ChatEngine engine, HikariDataSource ds, AppHandle app, List<String> members, Duration warmup, Duration run) throws Exception {
        System.out.println("## Compliance and moderation costs");
        System.out.println();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table bench_audit (like audit_log including defaults)");
        }
        System.out.println("| case | measured/s | p50 ms | p99 ms | baseline/s | baseline p50 ms | baseline p99 ms | measured / baseline |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int threads : new int[] {1, 16}) {
            EngineBench.Sender audit = (thread, i) -> engine.audit().record(new AuditEntry(app.id(), "user", "u" + thread, "user", "channels.send",
                    "channel", "messaging:general", "203.0.113.7", "bench/1.0", true, null, Map.of("method", "POST", "status", "201")));
            EngineBench.Sender plain = (thread, i) -> plainAuditInsert(ds, thread, i);
            EngineBench.Result base = EngineBench.measure(plain, threads, warmup, run);
            EngineBench.Result a = EngineBench.measure(audit, threads, warmup, run);
            print("audit append, " + threads + " thread" + (threads == 1 ? "" : "s") + " (vs plain insert + commit)", a, base);
        }
        for (int threads : new int[] {1, 16}) {
            Cid[] cids = new Cid[16];
            for (int c = 0; c < cids.length; c++) {
                cids[c] = app.channels().getOrCreate("messaging", "redact-" + threads + "-" + c, ChannelInput.withMembers("u0", members)).channel().cid();
            }
            EngineBench.Sender send = (thread, i) -> app.as("u" + thread).messages().send(cids[(int) (i % cids.length)], NewMessage.text(TEXT));
            engine.app(app.id()).compliance().setRedaction(RedactionSettings.of(RedactionPolicy.OFF));
            EngineBench.Result off = EngineBench.measure(send, threads, warmup, run);
            engine.app(app.id()).compliance().setRedaction(RedactionSettings.of(RedactionPolicy.MASK));
            EngineBench.Result mask = EngineBench.measure(send, threads, warmup, run);
            engine.app(app.id()).compliance().setRedaction(RedactionSettings.of(RedactionPolicy.OFF));
            print("send with redaction mask, 16 channels, " + threads + " thread" + (threads == 1 ? "" : "s") + " (vs off)", mask, off);
        }
        // a 10,000-word blocklist (and two patterns) on the channel type, against no list, same channels and text
        List<String> words = new java.util.ArrayList<>();
        for (int w = 0; w < 10_000; w++) {
            words.add("blocked" + Integer.toString(w, 36));
        }
        for (int threads : new int[] {1, 16}) {
            Cid[] cids = new Cid[16];
            for (int c = 0; c < cids.length; c++) {
                cids[c] = app.channels().getOrCreate("team", "blocklist-" + threads + "-" + c, ChannelInput.withMembers("u0", members)).channel().cid();
            }
            EngineBench.Sender send = (thread, i) -> app.as("u" + thread).messages().send(cids[(int) (i % cids.length)], NewMessage.text(TEXT));
            app.blocklists().put(new Blocklist("bench", BlocklistBehavior.BLOCK, List.of("nothing"), List.of()), List.of());
            EngineBench.Result none = EngineBench.measure(send, threads, warmup, run);
            app.blocklists().put(new Blocklist("bench", BlocklistBehavior.BLOCK, words, List.of("free\\s+money", "win[0-9]+prizes")), List.of("team"));
            EngineBench.Result listed = EngineBench.measure(send, threads, warmup, run);
            print("send with a 10,000-word blocklist, 16 channels, " + threads + " thread" + (threads == 1 ? "" : "s") + " (vs none)", listed, none);
        }
        app.blocklists().delete("bench");
        System.out.println();
    }

    private static void print(String name, EngineBench.Result m, EngineBench.Result base) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f |%n",
                name, m.perSecond(), m.p50(), m.p99(), base.perSecond(), base.p50(), base.p99(), m.perSecond() / base.perSecond());
    }

    private static void plainAuditInsert(HikariDataSource ds, int thread, long i) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into bench_audit (chain, seq, at, actor_type, actor_id, actor_role, action, "
                    + "resource_type, resource_id, ip, user_agent, outcome, details, prev_hash, hash) values ('bench', ?, now(), 'user', ?, 'user', "
                    + "'channels.send', 'channel', 'messaging:general', '203.0.113.7', 'bench/1.0', 'success', '{}', '\\x00', '\\x00')")) {
                ps.setLong(1, i);
                ps.setString(2, "u" + thread);
                ps.executeUpdate();
            }
            c.commit();
        }
    }
}
