package io.chatsdk.engine.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds audit exports for tests, and edits them line by line as an attacker would. */
final class AuditExportFixture {
    static final AuditSigner SIGNER = AuditSigner.generate(new SecureRandom());
    static final AuditSigner OTHER_SIGNER = AuditSigner.generate(new SecureRandom());
    static final String APP = "3f1c9a52-7d0e-4b8e-9c61-2a5d8e4f1b07";
    static final String OPERATOR = AuditRecord.OPERATOR_CHAIN;
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123456789Z");
    static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

    private AuditExportFixture() {
    }

    /** Sealed records {@code first..first+count-1} of {@code chain}, the first linked to {@code prev}. */
    static List<AuditRecord> chain(String chain, long first, int count, byte[] prev) {
        List<AuditRecord> records = new ArrayList<>();
        for (long seq = first; seq < first + count; seq++) {
            AuditRecord r = draft(chain, seq).seal(prev);
            records.add(r);
            prev = r.hash();
        }
        return records;
    }

    static AuditRecord draft(String chain, long seq) {
        boolean failed = seq % 4 == 0;
        AuditRecord.Builder b = AuditRecord.builder()
                .chain(chain).seq(seq).at(T0.plusMillis(seq * 1500).plusNanos(seq * 7))
                .actor(chain.equals(OPERATOR) ? "operator" : "user", "alice-" + seq, "admin")
                .action(failed ? "auth.token_rejected" : "message.send")
                .resource("message", "msg-" + seq)
                .client("203.0.113." + seq, "Mozilla/5.0 (X11; Linux) Säkerhet/1.0 \"quoted\" ✓")
                .outcome(failed ? "failure" : "success")
                .detail("count", Long.toString(seq)).detail("ünïcode", "日本");
        if (failed) {
            b.reason("token expired");
        }
        return b.build();
    }

    /**
     * The standard export: chain APP seq 1-6 and chain OPERATOR seq 1-5, interleaved, with checkpoints after APP 3,
     * OPERATOR 4 and APP 6, and a signed end line.
     */
    static byte[] standardExport() {
        return export(SIGNER, chain(APP, 1, 6, AuditHash.genesis()), chain(OPERATOR, 1, 5, AuditHash.genesis()));
    }

    static byte[] export(AuditSigner signer, List<AuditRecord> a, List<AuditRecord> b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AuditExportWriter w = new AuditExportWriter(out, CLOCK)) {
            w.header(List.of(a.get(0).chain(), b.get(0).chain()));
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                for (List<AuditRecord> chain : List.of(a, b)) {
                    if (i < chain.size()) {
                        AuditRecord r = chain.get(i);
                        w.record(r);
                        if (r.seq() % 3 == 0 && r.chain().equals(APP) || r.seq() == 4 && r.chain().equals(OPERATOR)) {
                            w.checkpoint(signer.checkpoint(r, CLOCK.instant()));
                        }
                    }
                }
            }
            w.end(signer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The lines of an export, without newlines. */
    static List<String> lines(byte[] export) {
        return new ArrayList<>(Arrays.asList(new String(export, StandardCharsets.UTF_8).split("\n")));
    }

    static byte[] join(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The 0-based index of the record line of {@code chain} at {@code seq}. */
    static int recordIndex(List<String> lines, String chain, long seq) {
        return indexOf(lines, "{\"type\":\"record\",\"chain\":\"" + chain + "\",\"seq\":" + seq + ",");
    }

    /** The 0-based index of the checkpoint line of {@code chain} at {@code seq}. */
    static int checkpointIndex(List<String> lines, String chain, long seq) {
        return indexOf(lines, "{\"type\":\"checkpoint\",\"chain\":\"" + chain + "\",\"seq\":" + seq + ",");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no line starts with " + prefix);
    }

    static AuditVerification verify(byte[] export, AuditPublicKey... keys) {
        try {
            return new AuditVerifier(List.of(keys.length == 0 ? new AuditPublicKey[] {SIGNER.publicKey()} : keys))
                    .verify(() -> new java.io.ByteArrayInputStream(export));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
