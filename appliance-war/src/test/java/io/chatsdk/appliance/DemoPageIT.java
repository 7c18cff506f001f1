package io.chatsdk.appliance;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page at {@code /} in headless Chromium: both demo users connect, a message typed on alice's side shows
 * typing and then the message on bob's side, presence shows, and a screenshot is saved as a test artifact
 * ({@code appliance-war/target/demo-page.png}).
 */
class DemoPageIT {

    @Test
    void aMessageTypedOnOneSideAppearsOnTheOther() throws Exception {
        TestAppliance appliance = TestAppliance.shared();
        Path base = Files.createDirectories(Path.of("target", "it-chromium").toAbsolutePath());
        try (Chromium browser = Chromium.launch(Files.createTempDirectory(base, "profile-"))) {
            browser.navigate("http://127.0.0.1:" + appliance.port + "/");
            browser.waitFor("window.demoReady === 2", Duration.ofSeconds(60));
            browser.waitFor("document.querySelector('#pane-alice .presence[data-user=bob]').classList.contains('online')", Duration.ofSeconds(20));

            // letters in the marker: a run of 13-19 digits may pass the Luhn check, and new apps mask card numbers
            String text = "Hello bob from the browser " + Long.toString(System.nanoTime(), 36);
            browser.eval("(() => { const i = document.querySelector('#pane-alice .composer input'); i.focus(); i.value = 'Hello';"
                    + " i.dispatchEvent(new Event('input')); return true; })()");
            browser.waitFor("document.querySelector('#pane-bob .typing').textContent.includes('alice is typing')", Duration.ofSeconds(20));
            browser.eval("(() => { const i = document.querySelector('#pane-alice .composer input'); i.value = " + quote(text) + ";"
                    + " document.querySelector('#pane-alice .composer button').click(); return true; })()");
            browser.waitFor("[...document.querySelectorAll('#pane-bob .msg .text')].some(e => e.textContent === " + quote(text) + ")",
                    Duration.ofSeconds(20));
            browser.waitFor("document.querySelector('#pane-bob .channels li[data-cid=\"messaging:welcome\"] .badge').textContent !== ''",
                    Duration.ofSeconds(20));
            assertThat(browser.eval("document.querySelector('#pane-bob .typing').textContent")).isEqualTo("");
            Path shot = Path.of("target", "demo-page.png").toAbsolutePath();
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
