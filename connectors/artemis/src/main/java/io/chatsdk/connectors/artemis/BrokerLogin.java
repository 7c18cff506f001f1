package io.chatsdk.connectors.artemis;

/**
 * The user and password an appliance node logs in to Artemis with. The embedded broker knows exactly one such user,
 * with the role {@value ArtemisBroker#ROLE}; an external broker needs a user with the same permissions (see the
 * operator guide). {@link #NONE} logs in anonymously, for a broker that has security switched off.
 */
public record BrokerLogin(String user, String password) {
    public static final BrokerLogin NONE = new BrokerLogin(null, null);

    public BrokerLogin {
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("give both a broker user and a password, or neither");
        }
        if (user != null && (user.isBlank() || password.length() < 16)) {
            throw new IllegalArgumentException("the broker user must not be blank and its password must have at least 16 characters");
        }
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return user == null ? "BrokerLogin[anonymous]" : "BrokerLogin[user=" + user + ", password=****]";
    }
}
