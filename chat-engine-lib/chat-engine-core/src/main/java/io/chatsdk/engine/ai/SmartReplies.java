package io.chatsdk.engine.ai;

import io.chatsdk.engine.blocklist.FoldedText;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.model.SortField;
import io.chatsdk.engine.search.MessageSearch;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Smart replies by retrieval: the messages of the user's own channels that mean most nearly what the channel's last
 * message says (semantic search over the embedded history, with every visibility rule of search), and what the other
 * side answered to each, are the suggestions, best match first. Short answers only, no repeats, never the user's own
 * words back. When the history holds fewer than three, generic replies fill up, marked {@code generic}: a question gets
 * yes, no and "let me check"; anything else an acknowledgement.
 */
public final class SmartReplies {
    /** How many suggestions. */
    public static final int COUNT = 3;
    /** How close a past message must be to the last one for its answer to count. */
    static final double MIN_SIMILARITY = 0.55;
    /** The longest suggestion, in characters. */
    static final int MAX_LENGTH = 80;
    private static final int NEIGHBOURS = 15;

    /** A suggestion: its text, and where it came from ({@code history} or {@code generic}). */
    public record Suggestion(String text, String source) {
    }

    /** The suggestions for replying to {@code messageId} (null, and none, in an empty channel). */
    public record Result(String messageId, List<Suggestion> suggestions) {
    }

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final String user;

    SmartReplies(EngineContext ctx, AppId app, Actor actor, String user) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.user = user;
    }

    Result suggest(Cid cid) {
        Messages messages = new Messages(ctx, app, actor);
        List<Message> last = messages.list(cid, MessagePage.latest(1));
        if (last.isEmpty() || last.get(0).text() == null || last.get(0).text().isBlank()) {
            return new Result(last.isEmpty() ? null : last.get(0).id(), List.of());
        }
        Message prompt = last.get(0);
        SearchPage similar;
        Map<String, Double> similarity = new HashMap<>();
        try {
            similar = neighbours(Map.of("members", Map.of("$in", List.of(user))), prompt.text(), similarity);
        } catch (ChatException tooMany) {
            if (!"filter_conditions".equals(tooMany.field())) {
                throw tooMany;
            }
            similar = neighbours(Map.of("cid", cid.toString()), prompt.text(), similarity);   // a member of over 1,000 channels: this one only
        }
        List<Suggestion> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        seen.add(key(prompt.text()));
        for (Message past : similar.results()) {
            if (out.size() == COUNT) {
                break;
            }
            if (past.id().equals(prompt.id()) || past.parentId() != null) {
                continue;
            }
            // search keeps weaker matches than a suggestion should rest on
            if (similarity.getOrDefault(past.id(), 0.0) < MIN_SIMILARITY) {
                continue;
            }
            for (Message answer : messages.list(past.cid(), MessagePage.afterSeq(past.seq(), 3))) {
                if (answer.userId().equals(past.userId()) || answer.parentId() != null) {
                    continue;
                }
                String text = answer.text() == null ? "" : answer.text().strip();
                if (!text.isEmpty() && text.length() <= MAX_LENGTH && seen.add(key(text))) {
                    out.add(new Suggestion(text, "history"));
                }
                break;
            }
        }
        List<String> generic = prompt.text().strip().endsWith("?") ? List.of("Yes", "No", "Let me check") : List.of("👍", "Thanks!", "OK");
        for (String g : generic) {
            if (out.size() < COUNT && seen.add(key(g))) {
                out.add(new Suggestion(g, "generic"));
            }
        }
        return new Result(prompt.id(), out);
    }

    /** Two suggestions are the same when their folded words are (case, accents, punctuation aside). */
    private SearchPage neighbours(Map<String, Object> channels, String text, Map<String, Double> similarity) {
        return new MessageSearch(ctx, app, actor).search(new SearchQuery(channels, null, Map.of("text", Map.of("$semantic", text)),
                List.of(new SortField("relevance", -1)), NEIGHBOURS, 0, null, null), similarity::put);
    }

    private static String key(String text) {
        List<String> words = FoldedText.words(text);
        return words.isEmpty() ? text.strip() : String.join(" ", words);
    }
}
