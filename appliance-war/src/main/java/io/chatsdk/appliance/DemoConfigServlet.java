package io.chatsdk.appliance;

import io.chatsdk.engine.AppId;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.jakarta.ApiJson;
import io.chatsdk.jakarta.Tokens;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /demo/config.json}: the demo app's API key and short-lived tokens for the demo users, for the demo page
 * at {@code /}. It answers only in demo mode (the default with the embedded database); otherwise 404. It never hands
 * out the API secret or the operator token.
 */
@WebServlet("/demo/config.json")
public class DemoConfigServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    transient ApplianceConfig config;

    @Inject
    transient ChatEngine engine;

    @Inject
    transient Startup startup;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AppId demo = config.demo() ? startup.demoAppId() : null;
        if (demo == null) {
            resp.sendError(404);
            return;
        }
        AppCredentials creds = engine.apps().credentials(demo);
        Instant now = Instant.now();
        Map<String, Object> users = new LinkedHashMap<>();
        for (String user : Startup.DEMO_USERS) {
            users.put(user, Tokens.user(creds.apiSecret(), user, now, now.plus(Duration.ofHours(12))));
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(ApiJson.write(Map.of("api_key", creds.apiKey(), "channel", "messaging:welcome", "tokens", users)));
    }
}
