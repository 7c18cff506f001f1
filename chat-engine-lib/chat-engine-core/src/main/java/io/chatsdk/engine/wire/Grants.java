package io.chatsdk.engine.wire;

import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Validate;

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

    /** The wire (and stored) form: each role's permission names, sorted. {@link #parse} reads it back. */
    public static Map<String, List<String>> toWire(Map<String, Set<Permission>> grants) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        grants.forEach((role, perms) -> m.put(role, perms.stream().map(Permission::wireName).sorted().toList()));
        return m;
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
