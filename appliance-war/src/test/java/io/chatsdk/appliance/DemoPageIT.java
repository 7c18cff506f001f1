package io.chatsdk.appliance;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page at {@code /} (built on {@code @chatsdk/react}, see native-apps/) in headless Chromium, from the
 * appliance's own jar: both demo users connect, a message typed on alice's side shows typing and then the message on
 * bob's side, and a screenshot is saved as a test artifact ({@code appliance-war/target/demo-page.png}). The JavaScript
 * suites ({@code native-apps/e2e}) test the kit in depth.
 */
class DemoPageIT {

    @Test
    void aMessageTypedOnOneSideAppearsOnTheOther() throws Exception {
        TestAppliance appliance = TestAppliance.shared();
        Path base = Files.createDirectories(Path.of("target", "it-chromium").toAbsolutePath());
        try (Chromium browser = Chromium.launch(Files.createTempDirectory(base, "profile-"))) {
            browser.navigate("http://127.0.0.1:" + appliance.port + "/");
            browser.waitFor("window.demoReady === 2", Duration.ofSeconds(60));
            browser.waitFor("document.querySelector('#pane-alice .chatsdk-channel[data-cid=\"messaging:welcome\"] textarea') !== null",
                    Duration.ofSeconds(20));

            // letters in the marker: a run of 13-19 digits may pass the Luhn check, and new apps mask card numbers
            String text = "Hello bob from the browser " + Long.toString(System.nanoTime(), 36);
            // React owns the textarea's value: set it through the native setter, then tell React with an input event
            browser.eval("(() => { const i = document.querySelector('#pane-alice textarea'); i.focus();"
                    + " Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(i, 'Hello');"
                    + " i.dispatchEvent(new Event('input', { bubbles: true })); return true; })()");
            browser.waitFor("document.querySelector('#pane-bob .chatsdk-typing').textContent.includes('alice is typing')", Duration.ofSeconds(20));
            browser.eval("(() => { const i = document.querySelector('#pane-alice textarea');"
                    + " Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(i, " + quote(text) + ");"
                    + " i.dispatchEvent(new Event('input', { bubbles: true }));"
                    + " document.querySelector('#pane-alice button[aria-label=\"Send\"]').click(); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#pane-bob .chatsdk-message-text')].some(e => e.textContent === " + quote(text) + ")",
                    Duration.ofSeconds(20));
            browser.waitFor("document.querySelector('#pane-bob .chatsdk-typing').textContent === ''", Duration.ofSeconds(20));
            Path shot = Path.of("target", "demo-page.png").toAbsolutePath();
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
