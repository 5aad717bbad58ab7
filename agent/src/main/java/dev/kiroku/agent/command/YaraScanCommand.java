package dev.kiroku.agent.command;

import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.api.ScanSkip;
import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import dev.kiroku.yara.scan.ScanCollector;
import dev.kiroku.yara.scan.YaraScanService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code yara.scan}, the endpoint's part of a fleet-wide sweep: parameter {@code request} is a YaraScanRequest in
 * JSON (docs/yara.md); progress is reported about once a second as a ScanProgress in JSON, and the answer is the
 * YaraScanResult. The request's budget keeps the scan from dominating the endpoint.
 */
public final class YaraScanCommand implements CommandHandler {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final int MAX_SKIPS_LISTED = 1000;

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public String type() {
        return "yara.scan";
    }

    @Override
    public String handle(Map<String, String> parameters) throws Exception {
        return handle(parameters, progress -> { });
    }

    @Override
    public String handle(Map<String, String> parameters, Consumer<String> progress) throws Exception {
        String request = parameters.get("request");
        if (request == null || request.isBlank()) {
            throw new IllegalArgumentException("yara.scan needs parameter 'request' (a YaraScanRequest as JSON, docs/yara.md)");
        }
        ScanCollector out = new ScanCollector().reportProgress(PROGRESS_EVERY, p -> progress.accept(YaraJson.write(p)));
        return YaraJson.write(listingAtMost(MAX_SKIPS_LISTED, new YaraScanService().execute(YaraJson.read(request, YaraScanRequest.class), out)));
    }

    /** A sweep of a large tree can skip many thousands of files; the result must still fit one message. */
    static YaraScanResult listingAtMost(int maxSkips, YaraScanResult result) {
        if (result.skipped().size() <= maxSkips) return result;
        List<ScanSkip> skipped = new ArrayList<>(result.skipped().subList(0, maxSkips));
        skipped.add(new ScanSkip("…", (result.skipped().size() - maxSkips) + " more skipped targets not listed"));
        return new YaraScanResult(result.requestId(), result.matches(), skipped, result.refusedRules(), result.filesScanned(),
                result.processesScanned(), result.bytesScanned(), result.durationMillis());
    }
}
