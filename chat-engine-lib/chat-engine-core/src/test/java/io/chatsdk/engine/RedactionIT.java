package io.chatsdk.engine;

import io.chatsdk.engine.compliance.Compliance;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.redact.CustomPattern;
import io.chatsdk.engine.redact.RedactionPolicy;
import io.chatsdk.engine.redact.RedactionSettings;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app's redaction policy applies to message content before it is stored, published or read back. */
class RedactionIT extends EngineTest {
    static final String PAN = "4111 1111 1111 1111";
    AppHandle app;
    Compliance compliance;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(2);
        compliance = fx.engine.app(app.id()).compliance();
        cid = app.channels().getOrCreate("messaging", "pay", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
    }

    @Test
    void newAppsMaskCardNumbersOnly() {
        assertThat(compliance.redaction()).isEqualTo(RedactionSettings.NEW_APP);
        String text = app.as("u1").messages().send(cid, NewMessage.text("card " + PAN + ", ssn 123-45-6789")).text();
        assertThat(text).doesNotContain(PAN).contains("123-45-6789");
    }

    @Test
    void offLeavesContentAsSent() {
        compliance.setRedaction(RedactionSettings.of(RedactionPolicy.OFF));
        assertThat(compliance.redaction().policy()).isEqualTo(RedactionPolicy.OFF);
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("card " + PAN)).text()).contains(PAN);
    }

    @Test
    void maskKeepsAtMostTheFirstSixAndLastFourEverywhere() {
        compliance.setRedaction(RedactionSettings.of(RedactionPolicy.MASK));
        Message m = app.as("u1").messages().send(cid, NewMessage.text("my card is " + PAN + ", ssn 123-45-6789")
                .withAttachments(List.of(Attachment.file("https://files.example/a.pdf", "application/pdf", 10, "receipt " + PAN)))
                .withCustom(Map.of("note", "iban GB82WEST12345698765432")));
        assertThat(m.text()).isEqualTo("my card is 4111 11** **** 1111, ssn ***-**-6789");
        Message read = app.as("u2").messages().get(m.id());
        assertThat(read.text()).isEqualTo(m.text());
        assertThat(read.attachments().get(0).title()).doesNotContain(PAN).contains("4111 11** **** 1111");
        assertThat(read.custom().get("note").toString()).doesNotContain("12345698765432");
        fx.awaitRelayed();
        List<ChatEvent> events = fx.events(app, e -> e.type().equals("message.new"));
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.payload().toString()).doesNotContain(PAN).doesNotContain("123-45-6789"));

        Message edited = app.as("u1").messages().partialUpdate(m.id(), Map.of("text", "new card 5555555555554444"), List.of());
        assertThat(edited.text()).isEqualTo("new card 555555******4444");
    }

    @Test
    void rejectRefusesWithTheFieldAndKindButNotTheValue() {
        compliance.setRedaction(RedactionSettings.of(RedactionPolicy.REJECT));
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text("pay with " + PAN)))
                .isInstanceOf(ChatException.class)
                .satisfies(e -> {
                    ChatException ce = (ChatException) e;
                    assertThat(ce.code()).isEqualTo(ErrorCode.SENSITIVE_DATA);
                    assertThat(ce.field()).isEqualTo("text");
                    assertThat(ce.getMessage()).contains("card").doesNotContain("4111");
                });
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text("fine").withCustom(Map.of("n", "mail me: a@b.example"))))
                .extracting("field").isEqualTo("custom.n");
        assertThat(app.channels().get(cid).lastSeq()).as("nothing half-written").isZero();
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("no secrets here")).seq()).isEqualTo(1);
    }

    @Test
    void customPatternsAreMaskedByName() {
        compliance.setRedaction(RedactionSettings.of(RedactionPolicy.MASK).withCustomPatterns(List.of(new CustomPattern("mrn", "MRN-[0-9]{8}"))));
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("patient MRN-12345678 admitted")).text()).isEqualTo("patient [mrn] admitted");
        assertThat(fx.engine.app(fx.newApp(1).id()).compliance().redaction()).as("another app keeps its own policy").isEqualTo(RedactionSettings.NEW_APP);
    }
}
