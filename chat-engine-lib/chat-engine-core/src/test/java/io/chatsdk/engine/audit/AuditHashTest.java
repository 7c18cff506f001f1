package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditHashTest {
    private static final Instant AT = Instant.parse("2025-01-02T03:04:05.123456Z");

    private static AuditRecord.Builder sample() {
        return AuditRecord.builder().chain("app-1").seq(42).at(AT).actor("user", "alice", "admin")
                .action("message.send").resource("message", "m-1").client("2001:db8::1", "curl/8.5")
                .outcome("success").detail("b", "2").detail("a", "1");
    }

    @Test
    void theHashIsTheDocumentedEncodingReimplementedFromTheJavadoc() throws Exception {
        byte[] prev = new byte[32];
        prev[0] = 7;
        AuditRecord r = sample().reason(null).build().seal(prev);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("chatsdk-audit-v1\0".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(prev);
        for (String field : new String[] {"app-1", "42", "2025-01-02T03:04:05.123456Z", "user", "alice", "admin",
                "message.send", "message", "m-1", "2001:db8::1", "curl/8.5", "success", null, "2", "a", "1", "b", "2"}) {
            if (field == null) {
                expected.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            } else {
                byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
                expected.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
                expected.writeBytes(utf8);
            }
        }

        assertThat(r.hash()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray()));
        assertThat(r.prevHash()).isEqualTo(prev);
        assertThat(AuditHash.matches(r)).isTrue();
    }

    @Test
    void aPinnedVectorGuardsTheFormatAgainstAccidentalChange() {
        AuditRecord r = sample().build().seal(AuditHash.genesis());

        assertThat(HexFormat.of().formatHex(r.hash()))
                .isEqualTo("2d8ec0263257c82104e5366f5e8c0b4032cf2fcbb361d5afca8764cb204141fb"); // also in docs/compliance.md
    }

    @Test
    void nullAndEmptyHashDifferently() {
        assertThat(sample().reason(null).build().seal(AuditHash.genesis()).hash())
                .isNotEqualTo(sample().reason("").build().seal(AuditHash.genesis()).hash());
    }

    @Test
    void fieldBoundariesAreKeptApartByTheLengthPrefix() {
        byte[] one = sample().actor("user", "ab", "c").build().seal(AuditHash.genesis()).hash();
        byte[] two = sample().actor("user", "a", "bc").build().seal(AuditHash.genesis()).hash();
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void detailsHashTheSameInAnyInsertionOrderButNotWithOtherContent() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("x", "1");
        forward.put("y", "2");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("y", "2");
        backward.put("x", "1");
        AuditRecord.Builder base = AuditRecord.builder().chain("c").seq(1).at(AT).actor("system", null, null)
                .action("retention.run").outcome("success");

        byte[] a = base.details(forward).build().seal(AuditHash.genesis()).hash();
        byte[] b = AuditRecord.builder().chain("c").seq(1).at(AT).actor("system", null, null)
                .action("retention.run").outcome("success").details(backward).build().seal(AuditHash.genesis()).hash();
        byte[] c = base.detail("y", "3").build().seal(AuditHash.genesis()).hash();

        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void timeIsKeptToTheMicrosecondThatPostgresqlStores() {
        AuditRecord nanos = sample().at(AT.plusNanos(789)).build();

        assertThat(nanos.at()).isEqualTo(AT);
        assertThat(nanos.seal(AuditHash.genesis()).hash()).isEqualTo(sample().build().seal(AuditHash.genesis()).hash());
    }

    @Test
    void theHashDependsOnThePreviousHash() {
        byte[] other = AuditHash.genesis();
        other[31] = 1;
        assertThat(sample().build().seal(other).hash()).isNotEqualTo(sample().build().seal(AuditHash.genesis()).hash());
    }

    @Test
    void aSealedRecordCannotBeSealedAgainNorAnUnsealedOneChecked() {
        AuditRecord sealed = sample().build().seal(AuditHash.genesis());

        assertThatThrownBy(() -> sealed.seal(AuditHash.genesis())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AuditHash.matches(sample().build())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sample().build().seal(new byte[31]))
                .isInstanceOf(ChatException.class).extracting("field").isEqualTo("prev_hash");
    }

    @Test
    void badFieldsAreRejectedByName() {
        assertField(() -> sample().actor("robot", null, null).build(), "actor_type");
        assertField(() -> sample().outcome("ok").build(), "outcome");
        assertField(() -> sample().seq(0).build(), "seq");
        assertField(() -> sample().chain(" ").build(), "chain");
        assertField(() -> sample().action(null).build(), "action");
        assertThatThrownBy(() -> sample().at(null).build()).isInstanceOf(NullPointerException.class);
        assertThat(sample().actor("anonymous", null, null).resource(null, null).client(null, null).build().sealed())
                .isFalse();
    }

    @Test
    void recordsCompareByContentAndPrintNoFreeText() {
        AuditRecord a = sample().build().seal(AuditHash.genesis());
        AuditRecord b = sample().build().seal(AuditHash.genesis());

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(sample().build());
        assertThat(a.toString()).contains("app-1#42", "message.send").doesNotContain("alice", "2001:db8::1", "curl");
    }

    @Property(tries = 200)
    void anyChangeOfAnActorIdChangesTheHash(@ForAll @StringLength(max = 40) String a,
            @ForAll @StringLength(max = 40) String b) {
        byte[] ha = sample().actor("user", a, null).build().seal(AuditHash.genesis()).hash();
        byte[] hb = sample().actor("user", b, null).build().seal(AuditHash.genesis()).hash();
        assertThat(MessageDigest.isEqual(ha, hb)).isEqualTo(a.equals(b));
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(ChatException.class).extracting("field").isEqualTo(field);
    }
}
