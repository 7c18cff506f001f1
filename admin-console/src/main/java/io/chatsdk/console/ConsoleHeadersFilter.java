package io.chatsdk.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The console's pages ({@code /console/*}) get a strict Content-Security-Policy (scripts and styles from this origin
 * only, no inline script, no framing: {@code frame-ancestors 'none'}), no MIME sniffing, no referrer, and are not
 * cached (the index names the current bundle). The console's data comes from the operator API, which sets its own
 * headers.
 */
@WebFilter(urlPatterns = "/console/*", asyncSupported = true)
public class ConsoleHeadersFilter extends HttpFilter {
    /** The policy: everything from this origin, nothing inline, no plugins, no framing, forms and base URI locked. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        res.setHeader("Content-Security-Policy", CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        String path = req.getRequestURI();
        // the bundles' names carry their hash; the index and anything else must be fetched again
        res.setHeader("Cache-Control", path.contains("/console/assets/") ? "public, max-age=31536000, immutable" : "no-store");
        chain.doFilter(req, res);
    }
}
