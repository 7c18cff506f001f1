package io.chatsdk.appliance;

import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-origin requests to the chat API ({@code /api/*}) from the web origins the operator lists in
 * {@code CHATSDK_CORS_ALLOWED_ORIGINS} (exact origins such as {@code https://chat.example.com}, comma-separated, or
 * {@code *}); none by default. In demo mode, pages from this machine's own loopback origins
 * ({@code http://localhost:8081}, the Expo web server of the white-label app, for instance) are allowed too, and may
 * also read {@code /demo/config.json}, which itself answers only loopback clients. The API authenticates with a
 * header, never a cookie, so no credentials mode is offered. A preflight from an allowed origin is answered here,
 * before authentication; any other origin gets no CORS headers, and the browser keeps the response from the page.
 */
@WebFilter(urlPatterns = {"/api/*", "/demo/config.json"}, asyncSupported = true)
public class CorsFilter implements Filter {
    static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE";
    static final String ALLOW_HEADERS = "Authorization, Content-Type, X-Api-Key, Range";
    static final String EXPOSE_HEADERS = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, ETag, "
            + "Content-Disposition, Content-Range, Content-Length";

    @Inject
    ApplianceConfig config;

    /** An http(s) origin on this machine's loopback interface, with or without a port; nothing else. */
    static final Pattern LOOPBACK_ORIGIN = Pattern.compile("https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?");

    private Set<String> allowed = Set.of();
    private boolean demo;

    @Override
    public void init(jakarta.servlet.FilterConfig filterConfig) {
        allowed = config.corsAllowedOrigins();
        demo = config.demo();
    }

    private boolean allows(String origin) {
        return allowed.contains("*") || allowed.contains(origin) || demo && LOOPBACK_ORIGIN.matcher(origin).matches();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String origin = req.getHeader("Origin");
        if (origin != null && (demo || !allowed.isEmpty())) {
            resp.addHeader("Vary", "Origin");
            if (allows(origin)) {
                resp.setHeader("Access-Control-Allow-Origin", allowed.contains("*") ? "*" : origin);
                resp.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
                if ("OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
                    resp.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
                    resp.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
                    resp.setHeader("Access-Control-Max-Age", "600");
                    resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
