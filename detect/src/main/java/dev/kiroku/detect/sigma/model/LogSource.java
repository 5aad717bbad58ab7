package dev.kiroku.detect.sigma.model;

/** The Sigma logsource triple; any part may be null (unspecified). */
public record LogSource(String product, String category, String service) {
    public static final LogSource ANY = new LogSource(null, null, null);

    /** True if every attribute this logsource specifies equals the other's. */
    public boolean coveredBy(LogSource event) {
        return same(product, event.product) && same(category, event.category) && same(service, event.service);
    }

    private static boolean same(String rule, String event) {
        return rule == null || rule.equalsIgnoreCase(event == null ? "" : event);
    }

    @Override
    public String toString() {
        return (product == null ? "*" : product) + "/" + (category == null ? "*" : category) + "/" + (service == null ? "*" : service);
    }
}
