package dev.kiroku.response;

import java.util.List;
import java.util.Map;

/**
 * One endpoint response action, as the agent's command registry calls it: a name, string
 * parameters from the command, and one result per target. Implementations never throw for bad
 * input or a failing target: each becomes a {@link Outcome#FAILED} result naming what and why, and
 * one bad target never stops the others.
 */
public interface ResponseAction {

    /** The command name, e.g. {@code isolate}, {@code kill}, {@code quarantine}. */
    String name();

    /** The parameters this action understands, for help texts and validation messages. */
    List<ParameterSpec> parameters();

    /** Runs the action; every target gets exactly one result. */
    List<ActionResult> run(Map<String, String> parameters);

    /** One documented parameter of an action. */
    record ParameterSpec(String name, boolean required, String description) {
    }
}
