package io.chatsdk.engine.wire;

import io.chatsdk.engine.ChatException;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.Validate;
import io.chatsdk.engine.model.Permission;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Stored JSON form of grants: {@code {"member": ["read-channel", "send-message"], ...}}. */
public final class Grants {
    private Grants() {
    }

    public static String write(Map<String, Set<Permission>> grants) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        grants.forEach((role, perms) -> m.put(role, perms.stream().map(Permission::wireName).sorted().toList()));
        return Json.write(m);
    }

    public static Map<String, Set<Permission>> read(String json) {
        return parse("grants", Json.readMap(json));
    }

    /** Parses and validates a grants map from user input, naming the offending role or permission. */
    public static Map<String, Set<Permission>> parse(String field, Map<String, ?> raw) {
        Map<String, Set<Permission>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            String role = Validate.name(field + "." + e.getKey(), e.getKey());
            Set<Permission> perms = EnumSet.noneOf(Permission.class);
            Object value = e.getValue();
            Collection<?> list;
            if (value instanceof Collection<?> c) {
                list = c;
            } else if (value instanceof Set<?> s) {
                list = new ArrayList<>(s);
            } else {
                throw ChatException.invalid(field + "." + role, "must be a list of permission names");
            }
            for (Object p : list) {
                perms.add(p instanceof Permission perm ? perm : Permission.fromWireName(field + "." + role, String.valueOf(p)));
            }
            out.put(role, perms);
        }
        return out;
    }
}
