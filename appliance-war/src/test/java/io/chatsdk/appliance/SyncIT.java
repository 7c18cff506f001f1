package io.chatsdk.appliance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability scenario 5: a receiver disconnects for a while and comes back; sync gives it exactly what it missed.
 * A checker counts lost, duplicated and reordered messages and seq gaps, which must all be zero.
 */
class SyncIT {
    static TestAppliance appliance;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "sync");
        api.users("sender", "receiver");
        api.as("sender", "POST", "/channels/messaging/feed/query", Map.of("data", Map.of("members", List.of("sender", "receiver"))));
    }

    @Test
    void aReceiverThatWasAwayGetsExactlyWhatItMissed() throws Exception {
        List<Long> received = new ArrayList<>();
        List<Long> acknowledged = new ArrayList<>();
        try (WsClient receiver = WsClient.connect(appliance, api.apiKey, api.userToken("receiver"))) {
            receiver.await("health.check", 10);
            for (int i = 0; i < 10; i++) {
                acknowledged.add(send("a-" + i));
            }
            for (int i = 0; i < 10; i++) {
                received.add(((Number) receiver.await("message.new", 10).get("seq")).longValue());
            }
        }
        String syncedAt = (String) api.as("receiver", "POST", "/sync", Map.of("channels", Map.of("messaging:feed", received.get(received.size() - 1))))
                .json().get("synced_at");
        // away: 25 more, each sent with a client id and resent once, as a retrying SDK would
        for (int i = 0; i < 25; i++) {
            long seq = send("b-" + i);
            assertThat(send("b-" + i)).as("a resend returns the stored message").isEqualTo(seq);
            acknowledged.add(seq);
        }
        // back: sync in pages of 10 from the last seq it saw
        long last = received.get(received.size() - 1);
        boolean more = true;
        while (more) {
            Api.Res page = api.as("receiver", "POST", "/sync", Map.of("channels", Map.of("messaging:feed", last), "last_sync_at", syncedAt, "limit", 10));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> feed = (Map<String, Object>) page.obj("channels").get("messaging:feed");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> messages = (List<Map<String, Object>>) feed.get("messages");
            for (Map<String, Object> m : messages) {
                received.add(((Number) m.get("seq")).longValue());
            }
            if (!messages.isEmpty()) {
                last = ((Number) messages.get(messages.size() - 1).get("seq")).longValue();
            }
            more = Boolean.TRUE.equals(feed.get("has_more"));
        }
        // gap fill by range works the same way
        Api.Res range = api.as("receiver", "GET", "/channels/messaging/feed/messages?seq_gt=10&seq_lt=13&limit=10", null);
        assertThat(range.list("messages")).extracting(m -> ((Number) m.get("seq")).longValue()).containsExactly(11L, 12L);

        Counts c = Counts.check(acknowledged, received);
        assertThat(c).isEqualTo(new Counts(0, 0, 0, 0));
        assertThat(received).hasSize(35);
    }

    private static long send(String clientId) throws Exception {
        Api.Res r = api.as("sender", "POST", "/channels/messaging/feed/message", Map.of("message", Map.of("id", clientId, "text", clientId)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return ((Number) r.obj("message").get("seq")).longValue();
    }

    /** The checker of the reliability scenarios. */
    record Counts(int lost, int duplicated, int reordered, int gaps) {
        static Counts check(List<Long> acknowledged, List<Long> received) {
            TreeSet<Long> got = new TreeSet<>(received);
            int lost = (int) acknowledged.stream().filter(s -> !got.contains(s)).count();
            int duplicated = received.size() - got.size();
            int reordered = 0;
            for (int i = 1; i < received.size(); i++) {
                if (received.get(i) < received.get(i - 1)) {
                    reordered++;
                }
            }
            int gaps = got.isEmpty() ? 0 : (int) (got.last() - got.first() + 1 - got.size());
            return new Counts(lost, duplicated, reordered, gaps);
        }
    }
}
