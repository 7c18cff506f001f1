package io.chatsdk.connectors.http;

import org.apache.hc.client5.http.DnsResolver;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The only way the connection manager of {@link SafeEgress} learns addresses: it resolves the host once, checks
 * every address with the {@link AddressGuard}, and hands exactly those addresses to the connection. There is no
 * second lookup between check and connect, so a DNS answer that changes (rebinding) cannot swap in an internal
 * address. If any address is refused the whole host is refused, with no fallback to the others.
 *
 * <p>Thread-safe; blocks for as long as the underlying resolver does.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final AddressGuard guard;
    private final Function<String, InetAddress[]> lookup;

    GuardedDnsResolver(AddressGuard guard, Function<String, InetAddress[]> lookup) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** The system resolver: {@link InetAddress#getAllByName}, with its failure carried unchecked. */
    static InetAddress[] systemLookup(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress address : checked(host, port)) {
            out.add(new InetSocketAddress(address, port));
        }
        return out;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return checked(host, -1);
    }

    /** Never asks DNS: canonical names only matter to SPNEGO, which SafeEgress does not use. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    private InetAddress[] checked(String host, int port) throws UnknownHostException {
        InetAddress[] addresses = lookup(host);
        for (InetAddress address : addresses) {
            Optional<String> refusal = guard.refusal(host, address, port);
            if (refusal.isPresent()) {
                String name = IpLiteral.normalizeHost(host);
                boolean literal = IpLiteral.parse(host).isPresent();
                throw new AddressRefused(literal ? refusal.get() : refusal.get() + " (resolved from " + name + ")");
            }
        }
        return addresses;
    }

    private InetAddress[] lookup(String host) throws UnknownHostException {
        Optional<InetAddress> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            return new InetAddress[]{literal.get()};
        }
        InetAddress[] found;
        try {
            found = lookup.apply(IpLiteral.normalizeHost(host));
        } catch (UncheckedIOException e) {
            UnknownHostException unknown = new UnknownHostException(host + " did not resolve: " + e.getMessage());
            unknown.initCause(e.getCause());
            throw unknown;
        }
        if (found == null || found.length == 0) {
            throw new UnknownHostException(host + " resolved to no address");
        }
        for (InetAddress a : found) {
            Objects.requireNonNull(a, "the resolver returned a null address for " + host);
        }
        return found.clone();
    }

    /**
     * The guard refused an address. An {@link UnknownHostException} because that is what a {@link DnsResolver} may
     * throw; {@link SafeEgress} recognizes it and turns it into an {@link EgressRefusedException}.
     */
    static final class AddressRefused extends UnknownHostException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        AddressRefused(String reason) {
            super(reason);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
