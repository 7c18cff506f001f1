package io.chatsdk.engine.export;

/**
 * Enforces the {@link ExportWriter} call order, so every writer refuses the same mistakes with the same
 * messages. Not thread-safe, like the writers.
 */
final class CallOrder {
    private enum State { BETWEEN_CONVERSATIONS, IN_CONVERSATION, CLOSED }

    private State state = State.BETWEEN_CONVERSATIONS;
    private String cid;

    void begin(ExportConversation conversation) {
        requireOpen("beginConversation");
        if (state == State.IN_CONVERSATION) {
            throw new IllegalStateException("beginConversation: the conversation " + cid
                    + " is still open; call endConversation() first");
        }
        state = State.IN_CONVERSATION;
        cid = conversation.cid();
    }

    void event(String call, String eventCid) {
        requireOpen(call);
        if (state != State.IN_CONVERSATION) {
            throw new IllegalStateException(call + ": no conversation is open; call beginConversation() first");
        }
        if (!cid.equals(eventCid)) {
            throw new IllegalArgumentException(call + ".cid: " + eventCid + " is not the open conversation " + cid);
        }
    }

    void end() {
        requireOpen("endConversation");
        if (state != State.IN_CONVERSATION) {
            throw new IllegalStateException("endConversation: no conversation is open");
        }
        state = State.BETWEEN_CONVERSATIONS;
        cid = null;
    }

    /**
     * Moves to closed. Returns {@code false} when already closed (close is idempotent); throws when a
     * conversation is still open, after marking the writer closed so later calls fail too.
     */
    boolean close() {
        if (state == State.CLOSED) {
            return false;
        }
        State before = state;
        state = State.CLOSED;
        if (before == State.IN_CONVERSATION) {
            throw new IllegalStateException("close: the conversation " + cid
                    + " is still open; the export is left unfinished");
        }
        return true;
    }

    /** The open conversation's cid, or {@code null} between conversations. */
    String cid() {
        return cid;
    }

    private void requireOpen(String call) {
        if (state == State.CLOSED) {
            throw new IllegalStateException(call + ": the writer is closed");
        }
    }
}
