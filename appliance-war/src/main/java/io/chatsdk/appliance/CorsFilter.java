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

/**
 * Cross-origin requests to the chat API ({@code /api/*}) from the web origins the operator lists in
 * {@code CHATSDK_CORS_ALLOWED_ORIGINS} (exact origins such as {@code https://chat.example.com}, comma-separated, or
 * {@code *}); none by default. The API authenticates with a header, never a cookie, so no credentials mode is
 * offered. A preflight from a listed origin is answered here, before authentication; any other origin gets no CORS
 * headers, and the browser keeps the response from the page.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class CorsFilter implements Filter {
    static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE";
    static final String ALLOW_HEADERS = "Authorization, Content-Type, X-Api-Key, Range";
    static final String EXPOSE_HEADERS = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, ETag, "
            + "Content-Disposition, Content-Range, Content-Length";

    @Inject
    ApplianceConfig config;

    private Set<String> allowed = Set.of();

    @Override
    public void init(jakarta.servlet.FilterConfig filterConfig) {
        allowed = config.corsAllowedOrigins();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String origin = req.getHeader("Origin");
        if (origin != null && !allowed.isEmpty()) {
            resp.addHeader("Vary", "Origin");
            if (allowed.contains("*") || allowed.contains(origin)) {
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
