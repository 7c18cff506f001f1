package io.chatsdk.jakarta;

import io.chatsdk.engine.ai.CatchUp;
import io.chatsdk.engine.ai.SmartReplies;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of a channel's opt-in AI, served by {@link ChannelsResource}: {@code GET /channels/{type}/{id}/smart_replies}
 * (three replies to the last message) and {@code GET /channels/{type}/{id}/catch_up} (what the user missed since their
 * last read). {@code feature_disabled} (403) unless the operator switched the app's AI on; server tokens name the user
 * with {@code user_id}. Semantic search is {@code $semantic} in {@code GET /search}. See docs/search.md.
 */
final class AiWire {
    private AiWire() {
    }

    static Response smartReplies(Caller caller, io.chatsdk.engine.types.Cid cid, String userId) {
        SmartReplies.Result r = caller.app().ai().smartReplies(cid, caller.userOr(userId));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message_id", r.messageId());
        out.put("suggestions", r.suggestions().stream().map(s -> Map.of("text", s.text(), "source", s.source())).toList());
        return ApiJson.ok(out);
    }

    static Response catchUp(Caller caller, io.chatsdk.engine.types.Cid cid, String userId) {
        CatchUp.Summary s = caller.app().ai().catchUp(cid, caller.userOr(userId));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("cid", s.cid().toString());
        summary.put("last_read_seq", s.lastReadSeq());
        summary.put("unread", s.unread());
        summary.put("mentions_of_you", s.mentionsOfYou());
        summary.put("first_unread_message_id", s.firstUnreadMessageId());
        summary.put("participants", s.participants().stream().map(p -> Map.of("user_id", p.userId(), "messages", p.messages())).toList());
        List<Object> highlights = s.highlights().stream().<Object>map(h -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("message_id", h.messageId());
            m.put("user_id", h.userId());
            m.put("text", h.text());
            m.put("created_at", h.createdAt().toString());
            m.put("mentions_you", h.mentionsYou());
            return m;
        }).toList();
        summary.put("highlights", highlights);
        return ApiJson.ok(Map.of("summary", summary));
    }
}
