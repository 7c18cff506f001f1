package io.chatsdk.engine.redact;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One walk of {@link Redactor#redactValue(String, Object)} over nested maps, lists and strings. Recursive,
 * with a depth limit so that a hostile or cyclic structure fails with a clear error instead of a
 * {@link StackOverflowError}. Not thread-safe; used for one call.
 */
final class ValueWalk {
    static final int MAX_DEPTH = 500;

    private final Redactor redactor;
    private final boolean mask;
    private final List<FieldFinding> findings;

    ValueWalk(Redactor redactor, boolean mask, List<FieldFinding> findings) {
        this.redactor = redactor;
        this.mask = mask;
        this.findings = findings;
    }

    Object walk(String path, Object value) {
        return walk(path, value, 0);
    }

    private Object walk(String path, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException((path.isEmpty() ? "value" : path)
                    + ": nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value instanceof String text) {
            List<Finding> found = redactor.scan(text);
            for (Finding finding : found) {
                findings.add(new FieldFinding(path, finding));
            }
            return mask ? Masks.apply(text, found) : text;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = mask ? new LinkedHashMap<>() : null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object walked = walk(path.isEmpty() ? key : path + "." + key, entry.getValue(), depth + 1);
                if (mask) {
                    copy.put(entry.getKey(), walked);
                }
            }
            return mask ? Collections.unmodifiableMap(copy) : map;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = mask ? new ArrayList<>(list.size()) : null;
            int index = 0;
            for (Object element : list) {
                Object walked = walk(path + "[" + index++ + "]", element, depth + 1);
                if (mask) {
                    copy.add(walked);
                }
            }
            return mask ? Collections.unmodifiableList(copy) : list;
        }
        return value;
    }
}
