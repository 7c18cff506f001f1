package io.chatsdk.appliance;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.types.AppId;
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
 * at {@code /}. It answers only in demo mode (the default with the embedded database), and only to a browser on the
 * appliance's own machine: a request from another address, or one that a proxy forwarded, gets 404 like any
 * non-demo appliance, since the tokens let anyone act as the demo users. It never hands out the API secret or the
 * operator token.
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

    /** A loopback client that no proxy stands in front of. */
    static boolean local(HttpServletRequest req) {
        for (String header : new String[] {"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"}) {
            if (req.getHeader(header) != null) {
                return false;
            }
        }
        String remote = req.getRemoteAddr();
        if (remote == null || !remote.matches("[0-9a-fA-F:.%\\[\\]]+")) {
            return false;   // only IP literals: never a name lookup
        }
        try {
            return java.net.InetAddress.getByName(remote.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AppId demo = config.demo() ? startup.demoAppId() : null;
        if (demo == null || !local(req)) {
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
