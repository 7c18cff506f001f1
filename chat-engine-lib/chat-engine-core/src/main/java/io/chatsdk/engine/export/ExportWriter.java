package io.chatsdk.engine.export;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams one compliance export into an {@code OutputStream}, conversation by conversation. A writer keeps
 * no message once it is written, so an export of any size runs in constant memory (the EML ZIP is the one
 * exception the format forces: see {@link ExportFormat#EML}).
 *
 * <p>Calls must come in this order, else {@link IllegalStateException}:
 * <pre>{@code
 * try (ExportWriter writer = ExportFormat.fromWire("jsonl").open(out, header)) {
 *     for (ExportConversation channel : channels) {
 *         writer.beginConversation(channel);
 *         // membership changes and messages of this channel, interleaved in time order
 *         writer.membership(join);
 *         writer.message(message);
 *         writer.endConversation();
 *     }
 * }
 * }</pre>
 * Each event must belong to the open conversation (same {@code cid}), else {@link IllegalArgumentException}.
 * Callers should begin each conversation with a {@code joined} event for every member present at the start
 * of the exported period: the Actiance XML format needs them.
 *
 * <p>{@link #close()} finishes the document (or ZIP) and flushes, but never closes the caller's stream:
 * whoever opened it closes it. Closing while a conversation is open throws {@link IllegalStateException}
 * and leaves the document unfinished, so a failed export is visibly incomplete rather than silently short.
 * Closing twice does nothing.
 *
 * <p>Not thread-safe: one thread writes one export. Every call may block on the stream.
 */
public interface ExportWriter extends Closeable {

    /** Opens the section of one channel. */
    void beginConversation(ExportConversation conversation) throws IOException;

    /** Records that a member joined or left the open conversation. */
    void membership(ExportMembership membership) throws IOException;

    /** Records a message of the open conversation. */
    void message(ExportMessage message) throws IOException;

    /** Closes the section of the open conversation. */
    void endConversation() throws IOException;

    /** Finishes the document and flushes; the caller's stream stays open. */
    @Override
    void close() throws IOException;
}
