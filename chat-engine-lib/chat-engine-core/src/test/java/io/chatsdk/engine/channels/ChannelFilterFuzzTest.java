package io.chatsdk.engine.channels;

import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.persistence.FilterSql;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the compilation of GetStream filters (query channels) with any JSON. A filter compiles to SQL whose values
 * are all bound parameters, or it is refused as a validation error; nothing else may happen (issue #14). Seeds:
 * {@code ChannelFilterFuzzTestInputs/}; {@code ./chatsdk fuzz} explores from them.
 */
class ChannelFilterFuzzTest {
    private static final Map<String, FilterSql.Field> FIELDS = ChannelSearch.fields(true);

    @FuzzTest(maxDuration = "10s")
    void filtersCompileWithBoundValuesOrAreRefused(byte[] input) {
        Map<String, Object> filter;
        try {
            filter = Json.readMap(new String(input, java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException notAJsonObject) {
            return;   // the HTTP layer refuses it before the engine sees it
        }
        if (filter == null) {
            return;
        }
        try {
            FilterSql.Compiled c = FilterSql.compile(filter, FIELDS, "c.custom");
            long placeholders = c.where().chars().filter(ch -> ch == '?').count();
            assertThat(placeholders).as("every value is a bound parameter: " + c.where()).isEqualTo(c.params().size());
        } catch (ChatException e) {
            assertThat(e.code().category()).as(e.getMessage()).isEqualTo(ErrorCode.Category.VALIDATION);
        }
    }
}
