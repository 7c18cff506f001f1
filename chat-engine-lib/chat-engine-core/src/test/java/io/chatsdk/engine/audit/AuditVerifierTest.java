package io.chatsdk.engine.audit;

import static io.chatsdk.engine.audit.AuditExportFixture.APP;
import static io.chatsdk.engine.audit.AuditExportFixture.CLOCK;
import static io.chatsdk.engine.audit.AuditExportFixture.OPERATOR;
import static io.chatsdk.engine.audit.AuditExportFixture.OTHER_SIGNER;
import static io.chatsdk.engine.audit.AuditExportFixture.SIGNER;
import static io.chatsdk.engine.audit.AuditExportFixture.checkpointIndex;
import static io.chatsdk.engine.audit.AuditExportFixture.join;
import static io.chatsdk.engine.audit.AuditExportFixture.lines;
import static io.chatsdk.engine.audit.AuditExportFixture.recordIndex;
import static io.chatsdk.engine.audit.AuditExportFixture.standardExport;
import static io.chatsdk.engine.audit.AuditExportFixture.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatsdk.engine.audit.AuditProblem.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AuditVerifierTest {
    private static final byte[] EXPORT = standardExport();
    private static final List<String> LINES = lines(EXPORT);

    @Test
    void anIntactExportVerifies() {
        AuditVerification result = verify(EXPORT);

        assertThat(result.problem()).isNull();
        assertThat(result.ok()).isTrue();
        assertThat(result.records()).isEqualTo(11);
        assertThat(result.chains()).extracting(AuditVerification.ChainSummary::chain).containsExactly(APP, OPERATOR);
        assertThat(result.checkpoints()).isEqualTo(3);
        assertThat(result.keyId()).isEqualTo(SIGNER.keyId());
        assertThat(result.summary()).isEqualTo("11 records in 2 chains, 3 checkpoints, signed by key " + SIGNER.keyId());
        assertThat(LINES.get(0)).startsWith("{\"type\":\"header\",\"format\":\"chatsdk-audit-export/1\"");
        assertThat(LINES.get(LINES.size() - 1)).startsWith("{\"type\":\"end\",\"heads\":{");
    }

    @Test
    void aChangedValueIsAHashMismatchOfThatRecord() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, APP, 2);
        lines.set(i, lines.get(i).replace("\"alice-2\"", "\"alice-9\""));

        assertProblem(verify(join(lines)), Kind.HASH_MISMATCH, i + 1, APP, 2);
    }

    @Test
    void aChangedDetailIsAHashMismatch() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, OPERATOR, 3);
        lines.set(i, lines.get(i).replace("\"count\":\"3\"", "\"count\":\"300\""));

        assertProblem(verify(join(lines)), Kind.HASH_MISMATCH, i + 1, OPERATOR, 3);
    }

    @Test
    void aLineThatIsNoLongerJsonIsMalformed() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, APP, 4);
        lines.set(i, lines.get(i).replace("\"actor_type\":", "\"actor_type\"="));

        AuditVerification result = verify(join(lines));

        assertThat(result.problem().kind()).isEqualTo(Kind.MALFORMED);
        assertThat(result.problem().line()).isEqualTo(i + 1);
        assertThat(result.problem().message()).contains("not valid JSON");
    }

    @Test
    void anEquivalentButNonCanonicalLineIsMalformedAndNamesItsRecord() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, APP, 5);
        lines.set(i, lines.get(i).replace("\"seq\":5,", "\"seq\": 5,"));

        assertProblem(verify(join(lines)), Kind.MALFORMED, i + 1, APP, 5);
    }

    @Test
    void aValueOutsideTheFormatIsMalformedAndNamesTheMember() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, OPERATOR, 2);
        lines.set(i, lines.get(i).replace("\"actor_type\":\"operator\"", "\"actor_type\":\"robot\""));

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.MALFORMED, i + 1, OPERATOR, 2);
        assertThat(result.problem().message()).startsWith("member \"actor_type\" must be one of");
    }

    @Test
    void invalidUtf8IsMalformed() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, OPERATOR, 2);
        byte[] bytes = join(lines);
        int at = indexOf(bytes, "Säkerhet".getBytes(StandardCharsets.UTF_8), i) + 2;
        bytes[at] = (byte) 0xC3; // "ä" is C3 A4: C3 C3 is a lead byte with no continuation

        AuditVerification result = verify(bytes);

        assertThat(result.problem().kind()).isEqualTo(Kind.MALFORMED);
        assertThat(result.problem().line()).isEqualTo(i + 1);
        assertThat(result.problem().message()).contains("UTF-8");
    }

    @Test
    void aDeletedRecordIsMissingAndNamedAtTheRecordAfterTheGap() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, APP, 2);
        lines.remove(i);
        int next = recordIndex(lines, APP, 3);

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.MISSING_RECORDS, next + 1, APP, 3);
        assertThat(result.problem().message()).startsWith("seq 2 is missing");
    }

    @Test
    void recordsMovedLaterAreReorderedNotMissing() {
        List<String> lines = lines(EXPORT);
        int two = recordIndex(lines, APP, 2);
        int four = recordIndex(lines, APP, 4);
        String moved = lines.remove(two);
        lines.add(four - 1, moved); // APP 2 now sits after APP 3

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.REORDERED, recordIndex(lines, APP, 3) + 1, APP, 3);
        assertThat(result.problem().message()).contains("comes before seq 2, which is on line " + (four));
    }

    @Test
    void aRepeatedRecordIsADuplicate() {
        List<String> lines = lines(EXPORT);
        int i = recordIndex(lines, OPERATOR, 1);
        lines.add(i + 1, lines.get(i));

        assertProblem(verify(join(lines)), Kind.DUPLICATE, i + 2, OPERATOR, 1);
    }

    @Test
    void aRecordReplacedWithAResealedOneBreaksTheLinkOfTheNext() {
        List<String> lines = lines(EXPORT);
        List<AuditRecord> app = AuditExportFixture.chain(APP, 1, 6, AuditHash.genesis());
        AuditRecord forged = AuditRecord.builder().chain(APP).seq(2).at(app.get(1).at())
                .actor("user", "mallory", null).action("message.delete").outcome("success").build()
                .seal(app.get(0).hash());
        int i = recordIndex(lines, APP, 2);
        lines.set(i, new String(ExportLines.record(forged), StandardCharsets.UTF_8));

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.BROKEN_LINK, recordIndex(lines, APP, 3) + 1, APP, 3);
        assertThat(result.problem().message()).contains("hash of seq 2 on line " + (i + 1));
    }

    @Test
    void aRewrittenChainDisagreesWithItsSignedCheckpoint() {
        List<String> lines = lines(EXPORT);
        List<AuditRecord> app = AuditExportFixture.chain(APP, 1, 6, AuditHash.genesis());
        AuditRecord forged = AuditRecord.builder().chain(APP).seq(3).at(app.get(2).at())
                .actor("user", "mallory", null).action("message.delete").outcome("success").build()
                .seal(app.get(1).hash());
        lines.set(recordIndex(lines, APP, 3), new String(ExportLines.record(forged), StandardCharsets.UTF_8));

        assertProblem(verify(join(lines)), Kind.CHECKPOINT_MISMATCH, checkpointIndex(lines, APP, 3) + 1, APP, 3);
    }

    @Test
    void anAlteredCheckpointHasABadSignature() {
        List<String> lines = lines(EXPORT);
        int i = checkpointIndex(lines, OPERATOR, 4);
        lines.set(i, lines.get(i).replace("\"at\":\"2025-03-01T13:", "\"at\":\"2025-03-01T14:"));

        assertProblem(verify(join(lines)), Kind.BAD_SIGNATURE, i + 1, OPERATOR, 4);
    }

    @Test
    void aCheckpointForgedWithAnotherKeyUnderOurKeyIdHasABadSignature() {
        List<String> lines = lines(EXPORT);
        AuditRecord head = AuditExportFixture.chain(APP, 1, 3, AuditHash.genesis()).get(2);
        Checkpoint forged = OTHER_SIGNER.checkpoint(head, CLOCK.instant());
        Checkpoint relabelled = new Checkpoint(forged.chain(), forged.seq(), forged.hash(), forged.at(),
                SIGNER.keyId(), forged.signature());
        int i = checkpointIndex(lines, APP, 3);
        lines.set(i, new String(ExportLines.checkpoint(relabelled), StandardCharsets.UTF_8));

        assertProblem(verify(join(lines)), Kind.BAD_SIGNATURE, i + 1, APP, 3);
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsWrongKey() {
        List<String> lines = lines(EXPORT);
        AuditRecord head = AuditExportFixture.chain(APP, 1, 3, AuditHash.genesis()).get(2);
        int i = checkpointIndex(lines, APP, 3);
        lines.set(i, new String(ExportLines.checkpoint(OTHER_SIGNER.checkpoint(head, CLOCK.instant())),
                StandardCharsets.UTF_8));

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.WRONG_KEY, i + 1, APP, 3);
        assertThat(result.problem().message()).contains(OTHER_SIGNER.keyId(), SIGNER.keyId());
    }

    @Test
    void theWrongPublicKeyIsRejectedAtTheFirstSignedLine() {
        AuditVerification result = verify(EXPORT, OTHER_SIGNER.publicKey());

        assertProblem(result, Kind.WRONG_KEY, checkpointIndex(LINES, APP, 3) + 1, APP, 3);
    }

    @Test
    void anExportSignedByAnEarlierKeyVerifiesWhenThatKeyIsGivenToo() {
        assertThat(verify(EXPORT, OTHER_SIGNER.publicKey(), SIGNER.publicKey()).ok()).isTrue();
    }

    @Test
    void aCheckpointBeforeItsRecordIsReordered() {
        List<String> lines = lines(EXPORT);
        int cp = checkpointIndex(lines, APP, 3);
        int rec = recordIndex(lines, APP, 3);
        Collections.swap(lines, cp, rec);

        assertProblem(verify(join(lines)), Kind.REORDERED, rec + 1, APP, 3);
    }

    @Test
    void withoutTheEndLineTheFileIsTruncated() {
        List<String> lines = lines(EXPORT);
        lines.remove(lines.size() - 1);

        assertProblem(verify(join(lines)), Kind.TRUNCATED, lines.size(), null, 0);
    }

    @Test
    void aFileCutInsideALineIsTruncated() {
        byte[] cut = Arrays.copyOf(EXPORT, EXPORT.length - 30);

        assertProblem(verify(cut), Kind.TRUNCATED, LINES.size(), null, 0);
    }

    @Test
    void recordsCutFromTheTailBeforeTheKeptEndLineAreTruncated() {
        List<String> lines = lines(EXPORT);
        lines.remove(checkpointIndex(lines, APP, 6));
        lines.remove(recordIndex(lines, APP, 6));

        AuditVerification result = verify(join(lines));

        assertProblem(result, Kind.TRUNCATED, lines.size(), APP, 6);
        assertThat(result.problem().message()).contains("its last record is seq 5");
    }

    @Test
    void aWholeChainCutFromTheFileIsTruncated() {
        List<String> lines = lines(EXPORT);
        lines.removeIf(l -> l.contains("\"chain\":\"" + OPERATOR + "\""));

        assertProblem(verify(join(lines)), Kind.TRUNCATED, lines.size(), OPERATOR, 5);
    }

    @Test
    void anAlteredEndLineHasABadSignature() {
        List<String> lines = lines(EXPORT);
        int end = lines.size() - 1;
        lines.set(end, lines.get(end).replace("\"records\":11,", "\"records\":10,"));

        assertProblem(verify(join(lines)), Kind.BAD_SIGNATURE, end + 1, null, 0);
    }

    @Test
    void aRecordAppendedAfterSigningIsAHeadMismatch() {
        List<String> lines = lines(EXPORT);
        AuditRecord last = AuditExportFixture.chain(OPERATOR, 1, 5, AuditHash.genesis()).get(4);
        AuditRecord extra = AuditExportFixture.draft(OPERATOR, 6).seal(last.hash());
        lines.add(lines.size() - 1, new String(ExportLines.record(extra), StandardCharsets.UTF_8));

        assertProblem(verify(join(lines)), Kind.HEAD_MISMATCH, lines.size(), OPERATOR, 6);
    }

    @Test
    void aLineAfterTheEndLineIsMalformed() {
        List<String> lines = lines(EXPORT);
        lines.add(lines.get(1));

        assertProblem(verify(join(lines)), Kind.MALFORMED, lines.size(), null, 0);
    }

    @Test
    void aFileWithoutHeaderIsMalformed() {
        List<String> lines = lines(EXPORT);
        lines.remove(0);

        assertProblem(verify(join(lines)), Kind.MALFORMED, 1, null, 0);
        assertProblem(verify(new byte[0]), Kind.MALFORMED, 1, null, 0);
    }

    @Test
    void aMidChainExportIsAcceptedAndSaysWhereEachChainStarts() {
        List<AuditRecord> full = AuditExportFixture.chain(APP, 1, 45, AuditHash.genesis());
        byte[] export = AuditExportFixture.export(SIGNER, full.subList(39, 45),
                AuditExportFixture.chain(OPERATOR, 1, 2, AuditHash.genesis()));

        AuditVerification result = verify(export);

        assertThat(result.problem()).isNull();
        assertThat(result.chains().get(0)).isEqualTo(new AuditVerification.ChainSummary(APP, 40, 45, 6));
        assertThat(result.chains().get(0).startsMidChain()).isTrue();
        assertThat(result.chains().get(1).startsMidChain()).isFalse();
        assertThat(result.summary()).endsWith("; chain " + APP + " starts at seq 40");
    }

    @Test
    void aChainStartingAtSeqOneMustStartFromGenesis() {
        byte[] export = AuditExportFixture.export(SIGNER, AuditExportFixture.chain(APP, 1, 2, new byte[32]),
                AuditExportFixture.chain(OPERATOR, 1, 2, AuditExportFixture.chain(OPERATOR, 9, 1,
                        AuditHash.genesis()).get(0).hash()));

        assertProblem(verify(export), Kind.BROKEN_LINK, 3, OPERATOR, 1);
    }

    @Property(tries = 300)
    void flippingAnyByteOfAnyRecordLineIsDetectedAtThatLine(@ForAll("flips") int[] flip) {
        int lineIndex = flip[0];
        byte[] line = LINES.get(lineIndex).getBytes(StandardCharsets.UTF_8);
        int position = flip[1] % line.length;
        byte[] bytes = EXPORT.clone();
        int offset = lineOffset(lineIndex) + position;
        bytes[offset] = (byte) (bytes[offset] ^ flip[2]);

        AuditVerification result = verify(bytes);

        assertThat(result.ok()).isFalse();
        assertThat(result.problem().line()).isEqualTo(lineIndex + 1);
    }

    @Provide
    Arbitrary<int[]> flips() {
        List<Integer> recordLines = new java.util.ArrayList<>();
        for (int i = 0; i < LINES.size(); i++) {
            if (LINES.get(i).startsWith("{\"type\":\"record\"")) {
                recordLines.add(i);
            }
        }
        return Combinators.combine(Arbitraries.of(recordLines), Arbitraries.integers().between(0, 100_000),
                Arbitraries.integers().between(1, 255)).as((line, position, mask) -> new int[] {line, position, mask});
    }

    private static int lineOffset(int lineIndex) {
        int offset = 0;
        for (int i = 0; i < lineIndex; i++) {
            offset += LINES.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return offset;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int lineIndex) {
        for (int i = lineOffset(lineIndex); i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private static void assertProblem(AuditVerification result, Kind kind, long line, String chain, long seq) {
        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).as("%s", result.problem())
                .extracting(AuditProblem::kind, AuditProblem::line, AuditProblem::chain, AuditProblem::seq)
                .containsExactly(kind, line, chain, seq);
    }
}
