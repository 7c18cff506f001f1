package io.chatsdk.engine.audit;

import io.chatsdk.engine.audit.AuditProblem.Kind;
import io.chatsdk.engine.audit.ExportLines.CheckpointLine;
import io.chatsdk.engine.audit.ExportLines.EndLine;
import io.chatsdk.engine.audit.ExportLines.Header;
import io.chatsdk.engine.audit.ExportLines.RecordLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One verification of one export: the state machine behind {@link AuditVerifier}. It keeps only the head of each
 * chain. Not thread-safe; used once.
 */
final class VerificationRun {
    /** The head of one chain as read so far. */
    private static final class ChainState {
        final long firstSeq;
        long lastSeq;
        byte[] lastHash;
        long lastLine;
        long records;

        ChainState(long firstSeq) {
            this.firstSeq = firstSeq;
        }
    }

    /** The first problem; thrown to unwind from wherever it was found. */
    private static final class Found extends Exception {
        private static final long serialVersionUID = 1L;
        final transient AuditProblem problem;

        Found(AuditProblem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }

    private final Map<String, AuditPublicKey> keys;
    private final AuditVerifier.Source source;
    private final Map<String, ChainState> chains = new LinkedHashMap<>();
    private Set<String> listed;
    private long records;
    private long checkpoints;
    private String endKeyId;

    VerificationRun(Map<String, AuditPublicKey> keys, AuditVerifier.Source source) {
        this.keys = keys;
        this.source = source;
    }

    AuditVerification run() throws IOException {
        long last = 0;
        try (LineReader reader = new LineReader(source.open())) {
            LineReader.Raw raw;
            while ((raw = reader.next()) != null) {
                last = raw.number();
                if (endKeyId != null) {
                    throw found(Kind.MALFORMED, last, null, 0, "a line follows the end line");
                }
                line(raw);
            }
            if (last == 0) {
                throw found(Kind.MALFORMED, 1, null, 0, "the file is empty: it has no export header");
            }
            if (endKeyId == null) {
                throw found(Kind.TRUNCATED, last, null, 0,
                        "the file ends after line " + last + " without the signed end line: its tail was cut off");
            }
            return result(null);
        } catch (Found f) {
            return result(f.problem);
        }
    }

    private AuditVerification result(AuditProblem problem) {
        List<AuditVerification.ChainSummary> summaries = new ArrayList<>();
        chains.forEach((name, c) -> summaries.add(
                new AuditVerification.ChainSummary(name, c.firstSeq, c.lastSeq, c.records)));
        return new AuditVerification(problem, records, checkpoints, summaries, problem == null ? endKeyId : null);
    }

    private void line(LineReader.Raw raw) throws Found, IOException {
        long n = raw.number();
        if (raw.tooLong()) {
            throw found(Kind.MALFORMED, n, null, 0, "the line is longer than " + LineReader.MAX_LINE_BYTES + " bytes");
        }
        ExportLines.Line line;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw.bytes())).toString();
            line = ExportLines.parse(text, raw.bytes());
        } catch (CharacterCodingException e) {
            throw found(raw.terminated() ? Kind.MALFORMED : Kind.TRUNCATED, n, null, 0, raw.terminated()
                    ? "the line is not valid UTF-8" : "the file ends inside this line: it was cut off");
        } catch (ExportLines.Malformed e) {
            if (!raw.terminated()) {
                throw found(Kind.TRUNCATED, n, e.chain(), e.seq(), "the file ends inside this line: it was cut off");
            }
            String problem = e.getMessage();
            throw found(Kind.MALFORMED, n, e.chain(), e.seq(), problem.startsWith("is ") ? "the line " + problem
                    : problem);
        }
        if (n == 1 && !(line instanceof Header)) {
            throw found(Kind.MALFORMED, n, null, 0, "the first line is not the export header");
        }
        if (line instanceof Header h) {
            if (n != 1) {
                throw found(Kind.MALFORMED, n, null, 0, "a second export header");
            }
            listed = new HashSet<>(h.chains());
        } else if (line instanceof RecordLine r) {
            record(n, r.record());
        } else if (line instanceof CheckpointLine c) {
            checkpoint(n, c.checkpoint());
        } else {
            end(n, ((EndLine) line).end());
        }
    }

    private void record(long n, AuditRecord r) throws Found, IOException {
        String chain = r.chain();
        long seq = r.seq();
        requireListed(n, chain, seq);
        if (!AuditHash.matches(r)) {
            throw found(Kind.HASH_MISMATCH, n, chain, seq,
                    "the record's hash does not match its content: the record was changed");
        }
        ChainState c = chains.get(chain);
        if (c == null) {
            if (seq == 1 && !AuditHash.isGenesis(r.prevHash())) {
                throw found(Kind.BROKEN_LINK, n, chain, seq,
                        "the first record of the chain does not have the genesis prev_hash (32 zero bytes)");
            }
            c = new ChainState(seq);
            chains.put(chain, c);
        } else if (seq == c.lastSeq + 1) {
            if (!MessageDigest.isEqual(r.prevHash(), c.lastHash)) {
                throw found(Kind.BROKEN_LINK, n, chain, seq, "the record's prev_hash is not the hash of seq "
                        + c.lastSeq + " on line " + c.lastLine + ": one of the two records was replaced");
            }
        } else if (seq == c.lastSeq) {
            throw found(Kind.DUPLICATE, n, chain, seq, "seq " + seq + " appears a second time (first on line "
                    + c.lastLine + ")");
        } else if (seq < c.lastSeq) {
            throw found(Kind.REORDERED, n, chain, seq,
                    "seq " + seq + " comes after seq " + c.lastSeq + " (line " + c.lastLine + ")");
        } else {
            gap(n, chain, c, seq - 1, seq, "seq " + seq);
        }
        c.lastSeq = seq;
        c.lastHash = r.hash();
        c.lastLine = n;
        c.records++;
        records++;
    }

    /** Seqs {@code c.lastSeq + 1 .. to} are not where they belong, before {@code what}: moved later, or gone. */
    private void gap(long n, String chain, ChainState c, long to, long seq, String what) throws Found, IOException {
        long from = c.lastSeq + 1;
        long[] later = findLater(chain, from, to, n);
        if (later != null) {
            throw found(Kind.REORDERED, n, chain, seq, what + " comes before seq " + later[1]
                    + ", which is on line " + later[0] + ": records are out of order");
        }
        throw found(Kind.MISSING_RECORDS, n, chain, seq, (from == to ? "seq " + from + " is" : "seq " + from + " to "
                + to + " are") + " missing: " + what + " follows seq " + c.lastSeq + " (line " + c.lastLine
                + "); the missing records were deleted");
    }

    private void checkpoint(long n, Checkpoint cp) throws Found, IOException {
        String chain = cp.chain();
        long seq = cp.seq();
        requireListed(n, chain, seq);
        AuditPublicKey key = keys.get(cp.keyId());
        if (key == null) {
            throw found(Kind.WRONG_KEY, n, chain, seq, "the checkpoint is signed by key " + cp.keyId()
                    + ", which is not the verifying key (" + String.join(", ", new TreeSet<>(keys.keySet())) + ")");
        }
        if (!key.verify(cp)) {
            throw found(Kind.BAD_SIGNATURE, n, chain, seq,
                    "the checkpoint's signature is not valid: the checkpoint was forged or altered");
        }
        ChainState c = chains.get(chain);
        if (c == null) {
            long[] later = findLater(chain, Long.MIN_VALUE, seq, n);
            if (later != null) {
                throw found(Kind.REORDERED, n, chain, seq, "the checkpoint comes before the record it covers:"
                        + " seq " + later[1] + " is on line " + later[0]);
            }
            throw found(Kind.MISSING_RECORDS, n, chain, seq,
                    "the checkpoint covers seq " + seq + ", but no record of the chain up to it is in the file");
        }
        if (seq > c.lastSeq) {
            gap(n, chain, c, seq, seq, "the checkpoint of seq " + seq);
        }
        if (seq < c.lastSeq) {
            throw found(Kind.CHECKPOINT_MISMATCH, n, chain, seq, "the checkpoint of seq " + seq + " comes after seq "
                    + c.lastSeq + " (line " + c.lastLine + "): a checkpoint follows the record it covers");
        }
        if (!MessageDigest.isEqual(cp.hash(), c.lastHash)) {
            throw found(Kind.CHECKPOINT_MISMATCH, n, chain, seq, "the checkpoint signs hash "
                    + Fields.hex(cp.hash()).substring(0, 16) + "... for seq " + seq + " but the records give "
                    + Fields.hex(c.lastHash).substring(0, 16) + "... (line " + c.lastLine
                    + "): records up to seq " + seq + " were changed after the checkpoint was made");
        }
        checkpoints++;
    }

    private void end(long n, ExportEnd end) throws Found {
        AuditPublicKey key = keys.get(end.keyId());
        if (key == null) {
            throw found(Kind.WRONG_KEY, n, null, 0, "the end line is signed by key " + end.keyId()
                    + ", which is not the verifying key (" + String.join(", ", new TreeSet<>(keys.keySet())) + ")");
        }
        if (!key.verify(end.signedBytes(), end.signature())) {
            throw found(Kind.BAD_SIGNATURE, n, null, 0,
                    "the end line's signature is not valid: the end line was forged or altered");
        }
        for (Map.Entry<String, ExportEnd.Head> e : end.heads().entrySet()) {
            String chain = e.getKey();
            ExportEnd.Head head = e.getValue();
            ChainState c = chains.get(chain);
            if (c == null || c.lastSeq < head.seq()) {
                throw found(Kind.TRUNCATED, n, chain, head.seq(), "the end line signs the chain up to seq "
                        + head.seq() + " but " + (c == null ? "the file has no record of it"
                        : "its last record is seq " + c.lastSeq + " (line " + c.lastLine + ")")
                        + ": records were removed");
            }
            if (c.lastSeq > head.seq()) {
                throw found(Kind.HEAD_MISMATCH, n, chain, c.lastSeq, "the end line signs the chain up to seq "
                        + head.seq() + " but it goes on to seq " + c.lastSeq + " (line " + c.lastLine
                        + "): records were added after the export was signed");
            }
            if (!MessageDigest.isEqual(c.lastHash, head.hash())) {
                throw found(Kind.HEAD_MISMATCH, n, chain, c.lastSeq, "the hash of seq " + c.lastSeq
                        + " (line " + c.lastLine + ") is not the one the end line signs: the chain's records were"
                        + " replaced");
            }
        }
        for (String chain : chains.keySet()) {
            if (!end.heads().containsKey(chain)) {
                throw found(Kind.HEAD_MISMATCH, n, chain, chains.get(chain).lastSeq,
                        "the chain has records but the end line does not sign it: records were added");
            }
        }
        if (records != end.records()) {
            throw found(records < end.records() ? Kind.TRUNCATED : Kind.HEAD_MISMATCH, n, null, 0,
                    "the file holds " + records + " records but the end line signs " + end.records()
                            + (records < end.records() ? ": records were removed" : ": records were added"));
        }
        endKeyId = end.keyId();
    }

    private void requireListed(long n, String chain, long seq) throws Found {
        if (!listed.contains(chain)) {
            throw found(Kind.MALFORMED, n, chain, seq, "the chain is not listed in the export header");
        }
    }

    /**
     * The second pass: the first line after {@code afterLine} holding a record of {@code chain} with a seq in
     * {@code [from, to]}, as {line, seq}, or {@code null}. Damaged lines are skipped: only order matters here.
     */
    private long[] findLater(String chain, long from, long to, long afterLine) throws IOException {
        try (LineReader reader = new LineReader(source.open())) {
            LineReader.Raw raw;
            while ((raw = reader.next()) != null) {
                if (raw.number() <= afterLine) {
                    continue;
                }
                AuditRecord r = ExportLines.recordOrNull(new String(raw.bytes(), StandardCharsets.UTF_8));
                if (r != null && r.chain().equals(chain) && r.seq() >= from && r.seq() <= to) {
                    return new long[] {raw.number(), r.seq()};
                }
            }
        }
        return null;
    }

    private static Found found(Kind kind, long line, String chain, long seq, String message) {
        return new Found(new AuditProblem(kind, line, chain, seq, message));
    }
}
