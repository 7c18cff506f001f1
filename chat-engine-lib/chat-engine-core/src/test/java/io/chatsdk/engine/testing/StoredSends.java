package io.chatsdk.engine.testing;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.types.Cid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the concurrency and fault tests check of a channel afterwards. */
public final class StoredSends {
    private StoredSends() {
    }

    /** Every seq of the channel, oldest first, read page by page. */
    public static List<Long> seqs(AppHandle app, Cid cid) {
        List<Long> stored = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Message> page = app.messages().list(cid, MessagePage.afterSeq(after, 300));
            if (page.isEmpty()) {
                return stored;
            }
            page.forEach(m -> stored.add(m.seq()));
            after = page.get(page.size() - 1).seq();
        }
    }

    /** The channel holds exactly the acknowledged sends, once each, in seq order, with seqs 1..total. */
    public static void assertExactlyAcknowledged(AppHandle app, Cid cid, Collection<Long> acknowledged, int total) {
        List<Long> stored = seqs(app, cid);
        assertThat(acknowledged).hasSize(total);
        assertThat(stored).as("every acknowledged send stored once").hasSize(total).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(stored).as("in seq order").isSorted();
        assertThat(stored.get(0)).isEqualTo(1L);
        assertThat(stored.get(total - 1)).as("no gap").isEqualTo((long) total);
    }
}
