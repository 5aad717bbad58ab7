package dev.kiroku.response.quarantine;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The three file actions over one store: {@code quarantine} ({@code paths}), {@code restore}
 * ({@code ids}) and {@code collect} ({@code paths}); each gives one result per item.
 */
public final class QuarantineAction implements ResponseAction {
    private final String name;
    private final String parameter;
    private final String description;
    private final Function<String, ActionResult> perItem;

    private QuarantineAction(String name, String parameter, String description, Function<String, ActionResult> perItem) {
        this.name = name;
        this.parameter = parameter;
        this.description = description;
        this.perItem = perItem;
    }

    public static QuarantineAction quarantine(QuarantineStore store) {
        return new QuarantineAction(QuarantineStore.QUARANTINE, "paths", "absolute file paths, one per line",
                p -> store.quarantine(Path.of(p)));
    }

    public static QuarantineAction restore(QuarantineStore store) {
        return new QuarantineAction(QuarantineStore.RESTORE, "ids", "quarantine ids, comma-separated", store::restore);
    }

    public static QuarantineAction collect(FileCollector collector) {
        return new QuarantineAction(FileCollector.ACTION, "paths", "absolute file paths, one per line",
                p -> collector.collect(Path.of(p)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec(parameter, true, description));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        List<String> items;
        try {
            ActionParameters p = new ActionParameters(name, parameters);
            items = parameter.equals("paths") ? p.lines(parameter) : p.list(parameter, true);
        } catch (IllegalArgumentException e) {
            return List.of(ActionResult.failed(name, "(none)", e.getMessage()));
        }
        return items.stream().map(item -> {
            try {
                return perItem.apply(item);
            } catch (RuntimeException e) {
                return ActionResult.failed(name, item, e.toString());
            }
        }).toList();
    }
}
