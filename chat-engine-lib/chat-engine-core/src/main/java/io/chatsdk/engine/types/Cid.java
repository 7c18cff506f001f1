package io.chatsdk.engine.types;


/**
 * A channel's full id, GetStream style: {@code type:id}, for example {@code messaging:general}.
 * Both parts are validated on construction: letters, digits, {@code _ -} and, in the id, {@code !}.
 */
public record Cid(String type, String id) {
    public Cid {
        Validate.channelTypeName("type", type);
        Validate.channelId("id", id);
    }

    /** Parses {@code "type:id"}. */
    public static Cid parse(String cid) {
        return parse("cid", cid);
    }

    /** Parses {@code "type:id"}; errors name {@code field}. */
    public static Cid parse(String field, String cid) {
        if (cid == null) {
            throw ChatException.invalid(field, "is required");
        }
        int colon = cid.indexOf(':');
        if (colon <= 0 || colon == cid.length() - 1) {
            throw ChatException.invalid(field, "must have the form type:id");
        }
        try {
            return new Cid(cid.substring(0, colon), cid.substring(colon + 1));
        } catch (ChatException e) {
            throw ChatException.invalid(field, "must have the form type:id with a valid type and id");
        }
    }

    @Override
    public String toString() {
        return type + ':' + id;
    }
}
