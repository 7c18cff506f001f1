/**
 * Outbound HTTP for the appliance: {@link io.chatsdk.connectors.http.SafeEgress} is the one component through which
 * webhook POSTs and synchronous hooks leave the appliance.
 *
 * <h2>SSRF guard</h2>
 * Customer-supplied URLs must not let a tenant reach the appliance's own host, its network or the cloud metadata
 * service. {@code SafeEgress} enforces that for every call:
 * <ul>
 *   <li><b>URL form.</b> Only the schemes of the {@link io.chatsdk.connectors.http.EgressPolicy} (http, https);
 *       a host is required; userinfo ({@code user:pass@}) is refused, and so are numeric hosts
 *       other than a dotted quad ({@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1}), which resolvers
 *       read differently.</li>
 *   <li><b>Addresses.</b> The host is resolved by {@code SafeEgress} itself and every address is checked by
 *       {@link io.chatsdk.connectors.http.AddressGuard}: loopback, private, link-local (with 169.254.169.254),
 *       CGNAT, unspecified, multicast, broadcast, reserved and documentation ranges are refused, also in their IPv6
 *       forms (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo). One refused address refuses the host: there is
 *       no fallback to the others.</li>
 *   <li><b>Pinning.</b> The guarded resolver is the connection manager's only resolver, and it hands the connection
 *       exactly the addresses it checked, so DNS rebinding between check and connect is impossible. TLS still
 *       verifies the certificate against the host name (and sends it as SNI).</li>
 *   <li><b>Redirects</b> are followed by {@code SafeEgress}, not the HTTP client, with all checks again at every hop,
 *       up to {@link io.chatsdk.connectors.http.EgressPolicy#maxRedirects()}; https to http is refused, and
 *       credentials ({@code Authorization}, {@code Cookie}) do not follow a redirect to another origin.</li>
 *   <li><b>Bounds.</b> Connect and response timeouts, a hard deadline per exchange (both added), and a cap on the
 *       response body kept; the rest is discarded by closing the connection, never buffered.</li>
 *   <li><b>Allowlist.</b> {@code host:port} or CIDR entries permit chosen internal destinations (test receivers);
 *       production leaves it empty.</li>
 * </ul>
 * A refusal throws {@link io.chatsdk.connectors.http.EgressRefusedException} and is reported to the
 * {@link io.chatsdk.connectors.http.EgressListener} (for the audit log); transport failures throw the retryable
 * {@link io.chatsdk.connectors.http.EgressFailedException}. Bodies, headers and URL paths are never logged.
 *
 * <p>Not covered: an HTTP proxy (egress through one would bypass the address check, so none is used), HTTP/2, and
 * per-tenant rate or concurrency limits, which belong to the caller.
 */
package io.chatsdk.connectors.http;
