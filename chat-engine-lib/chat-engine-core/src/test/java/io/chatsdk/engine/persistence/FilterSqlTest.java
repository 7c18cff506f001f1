package io.chatsdk.engine.persistence;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.chatsdk.engine.persistence.FilterSql.Kind.BOOL;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TEXT;
import static io.chatsdk.engine.persistence.FilterSql.Kind.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterSqlTest {
    private static final Map<String, FilterSql.Field> FIELDS = Map.of(
            "type", FilterSql.column("c.type", TEXT),
            "frozen", FilterSql.column("c.frozen", BOOL),
            "created_at", FilterSql.column("c.created_at", TIMESTAMP));

    @Test
    void valuesAreAlwaysBound() {
        FilterSql.Compiled c = FilterSql.compile(Map.of("type", "x' or '1'='1"), FIELDS, "c.custom");
        assertThat(c.where()).isEqualTo("c.type = ?");
        assertThat(c.params()).containsExactly("x' or '1'='1");
    }

    @Test
    void customFieldNamesAreBoundToo() {
        FilterSql.Compiled c = FilterSql.compile(Map.of("color", Map.of("$in", List.of("red", 3))), FIELDS, "c.custom");
        assertThat(c.where()).doesNotContain("color");
        assertThat(c.params().get(0)).isEqualTo("color");
        assertThat((String[]) c.params().get(1)).containsExactly("\"red\"", "3");
    }

    @Test
    void logicalOperatorsNest() {
        FilterSql.Compiled c = FilterSql.compile(Map.of("$or", List.of(Map.of("frozen", true),
                Map.of("created_at", Map.of("$gte", "2026-01-01T00:00:00Z")))), FIELDS, null);
        assertThat(c.where()).isEqualTo("(c.frozen = ? or c.created_at >= ?)");
        assertThat(c.params()).containsExactly(true, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void unknownFieldsWithoutCustomColumnAreErrors() {
        assertThatThrownBy(() -> FilterSql.compile(Map.of("colour", "red"), FIELDS, null)).hasMessage("colour: unknown filter field");
    }

    @Test
    void conditionCountIsCapped() {
        List<Object> many = java.util.stream.IntStream.range(0, 70).mapToObj(i -> (Object) Map.of("type", "t" + i)).toList();
        assertThatThrownBy(() -> FilterSql.compile(Map.of("$or", many), FIELDS, null)).hasMessageContaining("at most 64 conditions");
    }
}
