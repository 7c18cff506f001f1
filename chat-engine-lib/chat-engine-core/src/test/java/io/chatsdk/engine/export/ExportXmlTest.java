package io.chatsdk.engine.export;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import static io.chatsdk.engine.export.ExportFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

class ExportXmlTest {

    @Test
    void conversationsFollowTheActianceLayout() throws Exception {
        Element root = parse().getDocumentElement();

        assertThat(root.getTagName()).isEqualTo("FileDump");
        List<Element> conversations = children(root, "Conversation");
        assertThat(conversations).hasSize(2);
        Element busy = conversations.get(0);
        assertThat(busy.getAttribute("Perspective")).isEqualTo(CHANNEL_NAME);
        assertThat(conversations.get(1).getAttribute("Perspective")).isEqualTo(EMPTY_CID);
        assertThat(children(busy)).extracting(Element::getTagName).containsExactly(
                "RoomID", "StartTimeUTC",
                "ParticipantEntered", "ParticipantEntered", "ParticipantEntered",
                "Message", "Message", "Message", "Message", "ParticipantLeft",
                "Message", "Message", "Message", "Message", "FileTransferStarted", "FileTransferEnded",
                "ParticipantLeft", "ParticipantLeft", "EndTimeUTC");
        assertThat(text(busy, "RoomID")).isEqualTo(CID);
        assertThat(text(busy, "StartTimeUTC")).isEqualTo(Long.toString(T0.toEpochMilli()));
        assertThat(text(busy, "EndTimeUTC")).isEqualTo(Long.toString(EXPORTED_AT.toEpochMilli()));
        assertThat(children(conversations.get(1))).extracting(Element::getTagName)
                .containsExactly("RoomID", "StartTimeUTC", "EndTimeUTC");
    }

    @Test
    void participantsEnterLeaveAndThoseStillPresentLeaveAtTheEnd() throws Exception {
        List<Element> events = children(firstConversation());

        Element oddEntered = events.get(4);
        assertThat(text(oddEntered, "LoginName")).isEqualTo(ODD_USER);
        assertThat(text(oddEntered, "DateTimeUTC")).isEqualTo(Long.toString(at(3).toEpochMilli()));
        assertThat(text(oddEntered, "CorporateEmailID")).isEqualTo(SafeNames.mailbox(APP, ODD_USER));
        Element bobLeft = events.get(9);
        assertThat(text(bobLeft, "LoginName")).isEqualTo("bob");
        assertThat(text(bobLeft, "DateTimeUTC")).isEqualTo(Long.toString(at(30).toEpochMilli()));
        // alice and the odd user never left: Actiance wants them to leave at the end of the period
        assertThat(List.of(events.get(16), events.get(17))).extracting(e -> text(e, "LoginName"))
                .containsExactly("alice", ODD_USER);
        assertThat(text(events.get(16), "DateTimeUTC")).isEqualTo(Long.toString(EXPORTED_AT.toEpochMilli()));
    }

    @Test
    void messagesCarryContentAndEditAndDeleteMarkers() throws Exception {
        List<Element> messages = children(firstConversation(), "Message");

        Element plain = messages.get(0);
        assertThat(text(plain, "MessageId")).isEqualTo("m1");
        assertThat(text(plain, "LoginName")).isEqualTo("alice");
        assertThat(text(plain, "DateTimeUTC")).isEqualTo(Long.toString(at(10).toEpochMilli()));
        assertThat(text(plain, "Content")).isEqualTo(PLAIN_TEXT);
        assertThat(children(plain, "UpdatedType")).isEmpty();

        assertThat(messages.subList(1, 4)).extracting(m -> text(m, "UpdatedType"))
                .containsExactly("EditedOriginalMsg", "EditedOriginalMsg", "EditedNewMsg");
        assertThat(messages.subList(1, 4)).extracting(m -> text(m, "Content"))
                .containsExactly("first draft", "second draft", "final text");
        assertThat(text(messages.get(1), "EditedNewMsgId")).isEqualTo("m2");
        assertThat(text(messages.get(1), "UpdatedDateTimeUTC")).isEqualTo(Long.toString(at(22).toEpochMilli()));
        assertThat(text(messages.get(3), "UpdatedDateTimeUTC")).isEqualTo(Long.toString(at(25).toEpochMilli()));

        Element soft = messages.get(4);
        assertThat(text(soft, "UpdatedType")).isEqualTo("Deleted");
        assertThat(text(soft, "Content")).isEqualTo("oops");
        assertThat(children(soft, "HardDeleted")).isEmpty();
        Element hard = messages.get(5);
        assertThat(text(hard, "UpdatedType")).isEqualTo("Deleted");
        assertThat(text(hard, "HardDeleted")).isEqualTo("true");
        assertThat(text(hard, "UpdatedDateTimeUTC")).isEqualTo(Long.toString(at(43).toEpochMilli()));

        Element reply = messages.get(6);
        assertThat(text(reply, "ParentMessageId")).isEqualTo("m1");
        assertThat(text(reply, "Content")).isEqualTo(RTL_EMOJI_TEXT);
    }

    @Test
    void escapesMarkupKeepsCarriageReturnsAndReplacesControlCharacters() throws Exception {
        List<Element> events = children(firstConversation());
        Element formula = children(firstConversation(), "Message").get(7);

        assertThat(text(formula, "MessageId")).isEqualTo(EVIL_ID);
        assertThat(text(formula, "Content")).isEqualTo(FORMULA_TEXT.replace('\u0007', '\uFFFD'));
        Element ended = events.get(15);
        assertThat(text(ended, "UserFileName")).isEqualTo("cat.png");
        assertThat(text(ended, "FileName")).isEqualTo("https://cdn.example/cat.png");
        assertThat(text(ended, "Status")).isEqualTo("Completed");
    }

    @Test
    void cleanReplacesEverythingXml10Forbids() {
        assertThat(XmlExportWriter.clean("a\u0000b\u001Fc\uFFFEd")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
        assertThat(XmlExportWriter.clean("lone \uD800 surrogate")).isEqualTo("lone \uFFFD surrogate");
        String allowed = "tab\t nl\n cr\r 😀 שלום";
        assertThat(XmlExportWriter.clean(allowed)).isSameAs(allowed);
    }

    private static Element firstConversation() throws Exception {
        return children(parse().getDocumentElement(), "Conversation").get(0);
    }

    private static Document parse() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(write(ExportFormat.XML)));
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) nodes.item(i));
            }
        }
        return elements;
    }

    private static List<Element> children(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).toList();
    }

    private static String text(Element parent, String name) {
        List<Element> matches = children(parent, name);
        assertThat(matches).as(name).hasSize(1);
        return matches.get(0).getTextContent();
    }
}
