package io.chatsdk.engine.search;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTermsTest {

    @Test
    void wordsAreFoldedAndIndexedWithTheirPrefixesOfFixedLengths() {
        assertThat(SearchTerms.of("Ｉｎｔｅｒnationalization déjà vu", List.of(Map.of("type", "image"))))
                .containsExactlyInAnyOrder("w:internationalization", "p:int", "p:inter", "p:internat", "p:internationa", "p:internationaliza",
                        "w:deja", "p:dej", "w:vu", "a:image");
    }

    @Test
    void aQueryWordIsLookedUpByItsLongestIndexedPrefix() {
        assertThat(SearchTerms.prefix("in")).isEqualTo("w:in");
        assertThat(SearchTerms.prefix("int")).isEqualTo("p:int");
        assertThat(SearchTerms.prefix("inte")).isEqualTo("p:int");
        assertThat(SearchTerms.prefix("internationalizations")).isEqualTo("p:internationaliza");
        assertThat(SearchTerms.tooShortForPrefix("东京")).isTrue();
    }

    @Test
    void hashesDependOnTheKeyAndTheTerm() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        assertThat(SearchTerms.hash(a, "w:x")).isEqualTo(SearchTerms.hash(a, "w:x"))
                .isNotEqualTo(SearchTerms.hash(b, "w:x")).isNotEqualTo(SearchTerms.hash(a, "p:x"));
        assertThat(SearchTerms.hashAll(a, List.of("w:x", "w:y"))).containsExactly(SearchTerms.hash(a, "w:x"), SearchTerms.hash(a, "w:y"));
    }
}
