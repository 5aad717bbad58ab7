package dev.kiroku.investigate.incident;

/**
 * An indicator extracted from an incident, ready for the indicator store.
 *
 * @param type    "sha256", "ip", "domain" or "path"
 * @param context where it was seen ("downloaded by curl on web-1", "C2 connection")
 */
public record Indicator(String type, String value, String context) {
}
