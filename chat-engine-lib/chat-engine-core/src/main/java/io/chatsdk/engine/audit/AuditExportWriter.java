package io.chatsdk.engine.audit;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams an audit export (format {@code chatsdk-audit-export/1}, JSON Lines in UTF-8, described in
 * docs/compliance.md) to an {@link OutputStream}, one line at a time, so that millions of records never sit in
 * memory together. Only the head of each chain and a count are kept.
 *
 * <pre>{@code
 * try (AuditExportWriter export = new AuditExportWriter(response.getOutputStream(), clock)) {
 *     export.header(List.of(appId.toString()));
 *     for (AuditRecord r : records) {            // each chain in ascending seq
 *         export.record(r);
 *         Checkpoint cp = checkpoints.get(r.seq());  // stored when the server signed that head
 *         if (cp != null) {
 *             export.checkpoint(cp);              // right after the record it covers
 *         }
 *     }
 *     export.end(signer);                        // the signed last line
 * }
 * }</pre>
 *
 * <p>The writer enforces the shape of the file (header first and once, sealed records of listed chains, nothing
 * after the end line) but deliberately not the integrity of the chains: an export of a damaged log must still be
 * written so that {@link AuditVerifier} can point at the damage. Not thread-safe: one thread writes one export.
 * {@link #close()} closes the stream.
 */
public final class AuditExportWriter implements Closeable {
    private final OutputStream out;
    private final Clock clock;
    private final Map<String, ExportEnd.Head> heads = new HashMap<>();
    private Set<String> chains;
    private long records;
    private boolean ended;

    public AuditExportWriter(OutputStream out, Clock clock) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 64 * 1024);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Writes the first line, listing the chains the export holds, with the clock's time as {@code exported_at}. */
    public void header(Collection<String> chains) throws IOException {
        if (this.chains != null) {
            throw new IllegalStateException("the export header is written already");
        }
        List<String> list = new ArrayList<>(chains);
        Set<String> set = new HashSet<>(list);
        if (set.size() != list.size() || set.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("chains must be distinct, non-blank chain names");
        }
        this.chains = set;
        line(ExportLines.header(clock.instant().truncatedTo(ChronoUnit.MICROS), list));
    }

    /** Writes a sealed record of a chain listed in the header. */
    public void record(AuditRecord record) throws IOException {
        requireBody(record.chain());
        if (!record.sealed()) {
            throw new IllegalArgumentException("audit record " + record.chain() + "#" + record.seq() + " is not sealed");
        }
        line(ExportLines.record(record));
        heads.put(record.chain(), new ExportEnd.Head(record.seq(), record.hash()));
        records++;
    }

    /** Writes a checkpoint; it belongs right after the record it covers (other chains' records may come between). */
    public void checkpoint(Checkpoint checkpoint) throws IOException {
        requireBody(checkpoint.chain());
        line(ExportLines.checkpoint(checkpoint));
    }

    /**
     * Writes the last line: the head of every chain that had records, the record count and the clock's time, signed
     * by {@code signer}; then flushes. Nothing can be written after it.
     */
    public void end(AuditSigner signer) throws IOException {
        requireBody(null);
        Instant at = clock.instant();
        byte[] signature = signer.sign(ExportEnd.signedBytes(heads, records, at));
        line(ExportLines.end(new ExportEnd(new TreeMap<>(heads), records, at, signer.keyId(), signature)));
        ended = true;
        out.flush();
    }

    /** How many records were written so far. */
    public long records() {
        return records;
    }

    /** Flushes and closes the underlying stream, whether or not {@link #end} was called. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private void requireBody(String chain) {
        if (chains == null) {
            throw new IllegalStateException("write the export header first");
        }
        if (ended) {
            throw new IllegalStateException("the export has ended");
        }
        if (chain != null && !chains.contains(chain)) {
            throw new IllegalArgumentException("chain " + chain + " is not listed in the export header");
        }
    }

    private void line(byte[] json) throws IOException {
        out.write(json);
        out.write('\n');
    }
}
